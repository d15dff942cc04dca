import type { LogCursor, ReadAllResult, RecordedEvent, TailOptions } from '../types.js';
import { compareCursor } from './cursor.js';
import { tailLog, type TailPolicy } from './tail.js';
import type { Wake } from './wake.js';

type ReadAll = (from: LogCursor, options: { limit: number; types?: readonly string[] }) => Promise<ReadAllResult>;

export interface LogFeedOptions {
  /** Events kept in memory behind the head, for tails a little behind (default 10,000). */
  windowEvents: number;
  /** Events per read of the shared reader (default 1,000). */
  readLimit: number;
}

const cursorOf = (event: RecordedEvent): LogCursor => ({ txId: event.txId, position: event.position });

/**
 * One reader of the global log for every tail of this process. Each projector and the outbox
 * processor used to tail the log on its own, so every event was read, sent and parsed once per
 * tail (six times) and every tail queried on every append. The feed reads the log once, keeps
 * the latest `windowEvents` events in memory and serves each tail from there, filtered by its
 * event types and cut to its batch size.
 *
 * The window holds every event after `windowStart` up to `head`, in log order, so a tail at a
 * cursor `c ≥ windowStart` gets what a `readAll(c)` of its own would have returned. A tail
 * behind the window (a rebuild from the start, a projector catching up after a restart) reads
 * the database itself until it reaches the window. The feed follows the most advanced tail: when
 * one attaches ahead of its head, the window starts again there, so a rebuild that attached
 * first never holds the live tails back. Batches are shared between tails: read-only.
 */
export class LogFeed {
  private window: RecordedEvent[] = [];
  private windowStart: LogCursor | undefined;
  private head: LogCursor | undefined;
  private tails = 0;
  private stopReader: AbortController | undefined;
  private failure: Error | undefined;
  /** Tails waiting for the head to move (or the reader to fail). */
  private waiting: Array<() => void> = [];

  constructor(
    private readonly readAll: ReadAll,
    private readonly wake: Wake,
    private readonly policy: TailPolicy,
    private readonly options: LogFeedOptions = { windowEvents: 10_000, readLimit: 1_000 },
  ) {}

  /** Batches of the events after `from`, in log order, as a tail of its own would read them. */
  async *tail(from: LogCursor, options: TailOptions = {}): AsyncGenerator<RecordedEvent[]> {
    const { signal } = options;
    const limit = options.limit ?? this.policy.batchSize;
    const types = options.types ? new Set(options.types) : undefined;
    let cursor = from;
    this.attach(from);
    try {
      while (!signal?.aborted) {
        if (this.failure) throw this.failure;
        if (!this.covers(cursor)) {
          // Behind the window: one page from the database, then look again.
          const { events, next } = await this.readAll(cursor, options.types ? { limit, types: options.types } : { limit });
          cursor = next;
          if (events.length > 0) yield events;
          else if (!this.covers(cursor)) await this.wake.wait(this.policy.minPollMs, signal);
          continue;
        }
        const batch = this.take(cursor, limit, types);
        cursor = batch.next;
        if (batch.events.length > 0) yield batch.events;
        else await this.moved(signal);
      }
    } finally {
      this.detach();
    }
  }

  /** Whether the window has every event after `cursor`. */
  private covers(cursor: LogCursor): boolean {
    return this.windowStart !== undefined && compareCursor(cursor, this.windowStart) >= 0;
  }

  /** The next batch after `cursor` from the window, and the cursor after it. */
  private take(cursor: LogCursor, limit: number, types: Set<string> | undefined): { events: RecordedEvent[]; next: LogCursor } {
    const events: RecordedEvent[] = [];
    for (let i = this.firstAfter(cursor); i < this.window.length && events.length < limit; i++) {
      const event = this.window[i]!;
      if (!types || types.has(event.type)) events.push(event);
    }
    if (events.length === limit) return { events, next: cursorOf(events[events.length - 1]!) };
    // Everything up to the head was looked at.
    return { events, next: compareCursor(this.head!, cursor) > 0 ? this.head! : cursor };
  }

  /** Index of the first window event after `cursor` (the window is in log order). */
  private firstAfter(cursor: LogCursor): number {
    let low = 0;
    let high = this.window.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareCursor(cursorOf(this.window[middle]!), cursor) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private moved(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiting.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private notify(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  private attach(from: LogCursor): void {
    this.tails += 1;
    if (this.stopReader && !this.failure && compareCursor(from, this.head!) <= 0) return;
    this.restartAt(from);
  }

  private detach(): void {
    this.tails -= 1;
    if (this.tails > 0) return;
    this.stopReader?.abort();
    this.stopReader = undefined;
    this.window = [];
    this.windowStart = this.head = undefined;
  }

  /** Starts reading the log anew from `from`, with an empty window there. */
  private restartAt(from: LogCursor): void {
    this.stopReader?.abort();
    this.failure = undefined;
    this.window = [];
    this.windowStart = this.head = from;
    const stop = new AbortController();
    this.stopReader = stop;
    void this.read(from, stop.signal);
    this.notify();
  }

  private async read(from: LogCursor, signal: AbortSignal): Promise<void> {
    try {
      for await (const batch of tailLog(this.readAll, this.wake, from, { signal, limit: this.options.readLimit }, this.policy)) {
        if (signal.aborted) return;
        this.window.push(...batch);
        this.head = cursorOf(batch[batch.length - 1]!);
        const excess = this.window.length - this.options.windowEvents;
        if (excess > 0) {
          this.windowStart = cursorOf(this.window[excess - 1]!);
          this.window.splice(0, excess);
        }
        this.notify();
      }
    } catch (error) {
      if (signal.aborted) return;
      // Every tail hears it and starts again (from its checkpoint); the next to attach restarts the reader.
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.notify();
    }
  }
}
