import { openStore } from '../../store/index.js';
import { runtimeLatency, runtimeThroughput } from './actors-scenarios.js';
import type { Window } from './loops.js';
import { inOwnProcess, serveInOwnProcess } from './own-process.js';

/** (b) at saturation, or (c) at `perSecond` offered, on a store in `schema`. */
export type RuntimeRequest =
  | { scenario: 'throughput'; databaseUrl: string; schema: string; actors: number; window: Window }
  | { scenario: 'latency'; databaseUrl: string; schema: string; actors: number; window: Window; perSecond: number };

export interface RuntimeFigures {
  perSecond: number;
  /** The scenario's process: CPU time over wall time in the window (1 = one core). */
  cpuShare: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * (b) or (c) of `npm run bench actors` in a process of its own (own-process.ts says why). Run
 * in (b)'s process, (c) started from the heap the saturated loop had filled, and V8 marked and
 * compacted it every few seconds through (c)'s window. BENCH_ACTORS_NODE_FLAGS adds node flags
 * to these processes. (b)'s figures carry its closed loop's latencies too, which the table omits.
 */
export function runRuntimeScenario(request: RuntimeRequest): Promise<RuntimeFigures> {
  return inOwnProcess<RuntimeFigures>('actors-scenario-process', request, 'BENCH_ACTORS_NODE_FLAGS');
}

serveInOwnProcess<RuntimeRequest, RuntimeFigures>('actors-scenario-process', async (request) => {
  const opened = await openStore({ databaseUrl: request.databaseUrl, dataDir: 'memory', poolSize: 10, schema: request.schema });
  try {
    if (request.scenario === 'throughput') {
      const b = await runtimeThroughput(opened, request.actors, request.window);
      return { perSecond: b.perSecond, cpuShare: b.cpuShare, p50Ms: b.latency.percentile(50), p99Ms: b.latency.percentile(99) };
    }
    const c = await runtimeLatency(opened, request.actors, request.perSecond, request.window);
    return { perSecond: c.completedPerSecond, cpuShare: c.cpuShare, p50Ms: c.latency.percentile(50), p99Ms: c.latency.percentile(99) };
  } finally {
    await opened.close();
  }
});
