import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * A full garbage collection now. Scenarios run one after another in one process: each starts
 * from a collected heap, so that none pays for collecting what the one before it left behind
 * (the actors of the previous scenario, say), and a heap weighed is weighed without garbage.
 */
export function collectGarbage(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
