import { fork } from 'node:child_process';
import { serverNodeFlags } from '../../server/node-flags.js';
import { nodeEntry } from './push-processes.js';
import { scenarios, type Figures, type StoreBenchSettings } from './store-scenarios.js';

/**
 * One scenario of `npm run bench store` in a process of its own, started with the server's V8
 * flags. In one shared process a scenario inherited the heap the one before it shaped: after the
 * saturated closed loop (c) had grown the young generation to its 64 MB, the old generation's
 * headroom was less than one young generation, and V8 then marks and compacts the whole heap
 * every half second (5–9 ms pauses) instead of scavenging, which alone set (d)'s p99
 * (--trace-incremental-marking: "Start (task): 13MB / 52MB"; p99 4 ms in a fresh process, 11 ms
 * after (c)). A fresh process per scenario measures each from the same start.
 */
export function runInOwnProcess(key: string, settings: StoreBenchSettings, schema: string): Promise<Figures> {
  const entry = nodeEntry('store-scenario-process');
  // BENCH_STORE_NODE_FLAGS adds node flags to the scenario processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extraFlags = (process.env.BENCH_STORE_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = fork(entry.file, [], { execArgv: [...serverNodeFlags, ...extraFlags, ...entry.execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { figures?: Figures; error?: string }) => (message.figures ? resolve(message.figures) : reject(new Error(message.error))));
    child.once('exit', (code) => reject(new Error(`the ${key} scenario's process exited (code ${code}) without figures`)));
    child.send({ key, settings, schema });
  });
}

// In the child: run the scenario asked for, answer with its figures, exit.
if (process.send && process.argv[1] === nodeEntry('store-scenario-process').file) {
  process.once('message', async ({ key, settings, schema }: { key: string; settings: StoreBenchSettings; schema: string }) => {
    try {
      const scenario = scenarios.find((candidate) => candidate.key === key);
      if (!scenario) throw new Error(`no store scenario ${key}`);
      const figures = await scenario.run(settings, schema);
      process.send!({ figures }, () => process.exit(0));
    } catch (error) {
      process.send!({ error: (error as Error).stack ?? String(error) }, () => process.exit(1));
    }
  });
}
