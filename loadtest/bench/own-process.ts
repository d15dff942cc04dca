import { fork, type Serializable } from 'node:child_process';
import { serverNodeFlags } from '../../server/node-flags.js';
import { nodeEntry } from './push-processes.js';

/**
 * A benchmark scenario in a Node process of its own, started with the server's V8 flags. In one
 * shared process a scenario inherits the heap the one before it shaped: after a saturated closed
 * loop has grown the young generation to its 64 MB and filled the old one, V8 marks and compacts
 * the whole heap every few seconds under the next scenario's load (docs/BENCHMARKS.md has the
 * figures for the store's (d) and the runtime's (c)). A fresh process measures each scenario
 * from the same start.
 *
 * `entry` names the module beside this one that serves the request ({@link serveInOwnProcess});
 * `flagsVariable` names the environment variable whose node flags are added to the child's
 * (a profiler, say: "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
export function inOwnProcess<Result>(entry: string, request: Serializable, flagsVariable: string): Promise<Result> {
  const { file, execArgv } = nodeEntry(entry);
  const extraFlags = (process.env[flagsVariable] ?? '').split(' ').filter(Boolean);
  const child = fork(file, [], { execArgv: [...serverNodeFlags, ...extraFlags, ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { result?: Result; error?: string }) => (message.error === undefined ? resolve(message.result as Result) : reject(new Error(message.error))));
    child.once('exit', (code) => reject(new Error(`the ${entry} process exited (code ${code}) without an answer`)));
    child.send(request);
  });
}

/** In the child started by {@link inOwnProcess}: answers its one request with `handle`'s result, then exits. */
export function serveInOwnProcess<Request, Result>(entry: string, handle: (request: Request) => Promise<Result>): void {
  if (!process.send || process.argv[1] !== nodeEntry(entry).file) return;
  process.once('message', async (request: Request) => {
    try {
      const result = await handle(request);
      process.send!({ result }, () => process.exit(0));
    } catch (error) {
      process.send!({ error: (error as Error).stack ?? String(error) }, () => process.exit(1));
    }
  });
}
