import { setTimeout as delay } from 'node:timers/promises';
import { connect } from './postgres/connect.js';

export interface WaitForDatabaseOptions {
  signal?: AbortSignal;
  /** Called after each failed attempt, with the driver's error and the wait before the next one. */
  onRetry?(error: unknown, attempt: number, nextInMs: number): void;
  /** The longest wait between attempts (default 5,000 ms); they start at 250 ms and double. */
  maxDelayMs?: number;
}

/**
 * Resolves once the database at `url` answers `select 1`, trying again with capped exponential
 * backoff for as long as it takes; rejects only when `signal` aborts. A node started before its
 * database waits here instead of exiting.
 */
export async function waitForDatabase(url: string, options: WaitForDatabaseOptions = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    const sql = connect(url, { max: 1, applicationName: 'gamifier-wait' });
    try {
      await sql`select 1`;
      return;
    } catch (error) {
      const wait = Math.min(250 * 2 ** (attempt - 1), options.maxDelayMs ?? 5_000);
      options.onRetry?.(error, attempt, wait);
      await delay(wait, undefined, options.signal ? { signal: options.signal } : {});
    } finally {
      await sql.end({ timeout: 0 }).catch(() => undefined);
    }
  }
}
