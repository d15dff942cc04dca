import type { LogCursor, ReadAllResult, RecordedEvent, TailOptions } from '../types.js';
import type { Wake } from './wake.js';

export interface TailPolicy {
  /** First idle poll interval after activity. */
  minPollMs: number;
  /** Longest idle poll interval. */
  maxPollMs: number;
  batchSize: number;
}

/**
 * The live tail of the global log: reads while there is something to read, then sleeps until an
 * append rings the doorbell (ours, or another node's NOTIFY) or the poll interval ends. The
 * interval doubles while nothing arrives, so an idle tail costs a query a second, not a hot loop.
 * A ring may come before its events are safe to read (an older transaction still open); the
 * backoff polls cover that.
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
  while (!signal?.aborted) {
    const { events, next } = await readAll(cursor, types ? { limit, types } : { limit });
    cursor = next;
    if (events.length > 0) {
      pollMs = policy.minPollMs;
      yield events;
      continue;
    }
    const rung = await wake.wait(pollMs, signal);
    pollMs = rung ? policy.minPollMs : Math.min(pollMs * 2, policy.maxPollMs);
  }
}
