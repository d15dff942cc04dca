import { describe, expect, it } from 'vitest';
import { LogFeed } from '../postgres/log-feed.js';
import type { TailPolicy } from '../postgres/tail.js';
import { Wake } from '../postgres/wake.js';
import { LOG_START, type LogCursor, type ReadAllResult, type RecordedEvent } from '../types.js';

const policy: TailPolicy = { minPollMs: 5, maxPollMs: 20, batchSize: 500, minReadGapMs: 0 };
const after = (a: LogCursor, b: LogCursor) => a.txId > b.txId || (a.txId === b.txId && a.position > b.position);

/** A log in memory with readAll's contract (no transaction is ever open here), counting reads. */
class MemoryLog {
  readonly events: RecordedEvent[] = [];
  readonly wake = new Wake();
  reads = 0;
  /** Events returned by all reads together. */
  eventsRead = 0;
  failing: Error | undefined;

  append(type: string, count = 1): void {
    for (let i = 0; i < count; i++) {
      const position = this.events.length + 1;
      this.events.push({ position, txId: position, streamId: 's/1', streamType: 's', version: position, id: `e${position}`, type, schemaVersion: 1, data: {}, metadata: {}, createdAt: new Date(0) });
    }
    this.wake.ring();
  }

  readAll = async (from: LogCursor, options: { limit: number; types?: readonly string[] }): Promise<ReadAllResult> => {
    this.reads += 1;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failing) throw this.failing;
    const events = this.events.filter((e) => after(e, from) && (!options.types || options.types.includes(e.type))).slice(0, options.limit);
    this.eventsRead += events.length;
    const last = this.events[this.events.length - 1];
    const next = events.length === options.limit ? events[events.length - 1]! : last && after(last, from) ? last : from;
    return { events, next: { txId: next.txId, position: next.position } };
  };
}

/** Collects a tail's events until it holds `count`, then stops it. */
async function collect(feed: LogFeed, from: LogCursor, count: number, options: { types?: string[]; limit?: number } = {}) {
  const abort = new AbortController();
  const seen: RecordedEvent[] = [];
  const batches: number[] = [];
  for await (const batch of feed.tail(from, { ...options, signal: abort.signal })) {
    seen.push(...batch);
    batches.push(batch.length);
    if (seen.length >= count) abort.abort();
  }
  return { positions: seen.map((e) => e.position), types: seen.map((e) => e.type), batches };
}

/** Appends `count` events a millisecond apart, as a live log grows while tails follow it. */
async function appendOneByOne(log: MemoryLog, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    log.append('t');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the shared log feed', () => {
  it('serves every tail its own events once, in order, filtered by type, from one reader', async () => {
    const log = new MemoryLog();
    const feed = new LogFeed(log.readAll, log.wake, policy);
    const all = collect(feed, LOG_START, 300);
    const odd = collect(feed, LOG_START, 150, { types: ['odd'] });
    for (let i = 0; i < 150; i++) {
      log.append('even');
      log.append('odd');
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const [a, o] = await Promise.all([all, odd]);
    expect(a.positions).toEqual(range(1, 300));
    expect(o.positions).toEqual(range(1, 150).map((i) => 2 * i));
    expect(new Set(o.types)).toEqual(new Set(['odd']));
    // One reader, not one per tail: each event was read from the log once (a reader per tail
    // would have read the odd ones twice). How many reads that took depends on timing.
    expect(log.eventsRead).toBe(300);
  });

  it('lets a tail behind the window read the database until it reaches the window', async () => {
    const log = new MemoryLog();
    const feed = new LogFeed(log.readAll, log.wake, policy, { windowEvents: 5, readLimit: 3 });
    log.append('t', 40);
    // The head tail attaches first and takes the feed to the end of the log…
    const head = collect(feed, { txId: 40, position: 40 }, 20);
    // …and this one starts from the beginning, far behind its 5-event window.
    const behind = collect(feed, LOG_START, 60, { limit: 7 });
    await appendOneByOne(log, 20);
    const [h, b] = await Promise.all([head, behind]);
    expect(h.positions).toEqual(range(41, 60));
    expect(b.positions).toEqual(range(1, 60));
    expect(Math.max(...b.batches)).toBeLessThanOrEqual(7);
  });

  it('follows a tail that attaches ahead of it, and the tail behind still misses nothing', async () => {
    const log = new MemoryLog();
    const feed = new LogFeed(log.readAll, log.wake, policy, { windowEvents: 1_000, readLimit: 10 });
    log.append('t', 100);
    const rebuild = collect(feed, LOG_START, 120, { limit: 10 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const live = collect(feed, { txId: 100, position: 100 }, 20);
    await appendOneByOne(log, 20);
    const [r, l] = await Promise.all([rebuild, live]);
    expect(r.positions).toEqual(range(1, 120));
    expect(l.positions).toEqual(range(101, 120));
  });

  it('ends every tail with the error when the shared read fails, and starts afresh for the next', async () => {
    const log = new MemoryLog();
    const feed = new LogFeed(log.readAll, log.wake, policy);
    log.failing = new Error('database gone');
    await expect(collect(feed, LOG_START, 1)).rejects.toThrow('database gone');
    log.failing = undefined;
    log.append('t', 3);
    expect((await collect(feed, LOG_START, 3)).positions).toEqual([1, 2, 3]);
  });
});
