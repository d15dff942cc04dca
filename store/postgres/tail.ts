import { setTimeout as delay } from 'node:timers/promises';
import type { LogCursor, ReadAllResult, RecordedEvent, TailOptions } from '../types.js';
import type { Wake } from './wake.js';

export interface TailPolicy {
  /** First idle poll interval after activity. */
  minPollMs: number;
  /** Longest idle poll interval. */
  maxPollMs: number;
  batchSize: number;
  /**
   * Under a steady stream of appends, reads start at least this far apart (a read that filled
   * its batch is followed at once, and the first read after a quiet spell goes at once).
   */
  minReadGapMs: number;
}

/**
 * The live tail of the global log: reads while there is something to read, then sleeps until an
 * append rings the doorbell (ours, or another node's NOTIFY) or the poll interval ends. The
 * interval doubles while nothing arrives, so an idle tail costs a query a second, not a hot loop.
 * A ring may come before its events are safe to read (an older transaction still open); the
 * backoff polls cover that.
 *
 * Under load every append rings, and a tail that read again at each ring would read a handful of
 * events per query and its reader would commit a transaction per handful (a projector's batch).
 * So reads under a steady stream are spaced `minReadGapMs` apart and carry what accumulated.
 * A quiet log is read the moment it is written to, so a lone change still arrives at once.
 */
export async function* tailLog(
  readAll: (from: LogCursor, options: { limit: number; types?: readonly string[] }) => Promise<ReadAllResult>,
  wake: Wake,
  from: LogCursor,
  options: TailOptions,
  policy: TailPolicy,
): AsyncGenerator<RecordedEvent[]> {
  let cursor = from;
  let pollMs = policy.minPollMs;
  const { signal, types } = options;
  const limit = options.limit ?? policy.batchSize;
  let lastReadAt = -Infinity;
  // Whether the last read found events but did not fill its batch: a stream is flowing, slowly.
  let trickling = false;
  while (!signal?.aborted) {
    const gap = lastReadAt + policy.minReadGapMs - performance.now();
    // An abort ends the wait early (and the loop just below).
    if (trickling && gap > 0) await delay(gap, undefined, { signal }).catch(() => undefined);
    if (signal?.aborted) return;
    lastReadAt = performance.now();
    const { events, next } = await readAll(cursor, types ? { limit, types } : { limit });
    cursor = next;
    trickling = events.length > 0 && events.length < limit;
    if (events.length > 0) {
      pollMs = policy.minPollMs;
      yield events;
      continue;
    }
    const rung = await wake.wait(pollMs, signal);
    pollMs = rung ? policy.minPollMs : Math.min(pollMs * 2, policy.maxPollMs);
  }
}
