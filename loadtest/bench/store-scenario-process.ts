import { inOwnProcess, serveInOwnProcess } from './own-process.js';
import { scenarios, type Figures, type StoreBenchSettings } from './store-scenarios.js';

interface Request {
  key: string;
  settings: StoreBenchSettings;
  schema: string;
}

/**
 * One scenario of `npm run bench store` in a process of its own (own-process.ts says why). After
 * the saturated closed loop (c), the old generation's headroom was less than one young
 * generation, and V8 then marked and compacted the whole heap every half second (5–9 ms pauses)
 * instead of scavenging, which alone set (d)'s p99 (--trace-incremental-marking: "Start (task):
 * 13MB / 52MB"; p99 4 ms in a fresh process, 11 ms after (c)).
 */
export function runInOwnProcess(key: string, settings: StoreBenchSettings, schema: string): Promise<Figures> {
  return inOwnProcess<Figures>('store-scenario-process', { key, settings, schema } satisfies Request, 'BENCH_STORE_NODE_FLAGS');
}

serveInOwnProcess<Request, Figures>('store-scenario-process', async ({ key, settings, schema }) => {
  const scenario = scenarios.find((candidate) => candidate.key === key);
  if (!scenario) throw new Error(`no store scenario ${key}`);
  return scenario.run(settings, schema);
});
