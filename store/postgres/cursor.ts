import type { LogCursor } from '../types.js';

/** Orders two places in the global log: by transaction id, then position (negative: `a` first). */
export function compareCursor(a: LogCursor, b: LogCursor): number {
  return a.txId !== b.txId ? a.txId - b.txId : a.position - b.position;
}
