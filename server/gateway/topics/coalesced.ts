import { systemClock, type Clock, type TimerHandle } from '../../../actors/runtime/index.js';
import { ErrorCode, GamifierError } from '../../../protocol/errors.js';
import type { EvtFrame, SnapFrame } from '../../../protocol/frames.js';
import type { Topic } from '../../../protocol/topics.js';
import type { TopicSink, TopicSource, TopicWatch } from './source.js';

/**
 * A read model as a topic: how to load its current state, when it may have changed, and what
 * changed between two states. The read-model side supplies this; CoalescedTopicSource turns it
 * into pushes.
 *
 * @example
 * const leaderboard: ReadModelTopic<Row[], RowsDiff<Row>> = {
 *   eventType: 'leaderboard.changed',
 *   load: () => queries.leaderboard.top(100),
 *   onChange: (_topic, changed) => projector.onBatch('leaderboard', changed),
 *   diff: (before, after) => rowsDiff(before, after, (row) => row.userId),
 * };
 */
export interface ReadModelTopic<State, Diff> {
  /** The `type` of the events that carry diffs, e.g. `leaderboard.changed`. */
  readonly eventType: string;
  load(topic: Topic): Promise<State>;
  /** Calls `changed` whenever the state may have changed; returns what stops it. */
  onChange(topic: Topic, changed: () => void): () => void;
  /** What turns `before` into `after`, or undefined when a watcher would see no difference. */
  diff(before: State, after: State): Diff | undefined;
}

export interface CoalescedTopicOptions {
  /** Pushes to one topic at most this often (ms). */
  intervalMs: number;
  clock?: Clock;
  onError?: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * Topics whose state is a read model, pushed coalesced: however often the model changes, a topic
 * pushes at most once per `intervalMs`, and what it pushes is a diff against the state its
 * watchers last got. All watchers of a topic on this node share one state, one change listener
 * and one version counter (dropped with the last watcher). Versions are this node's own, so a
 * `sub` with `fromVersion` always gets a `snap`.
 *
 * @example
 * const source = new CoalescedTopicSource(leaderboardTopic(queries, notifications), { intervalMs: 50 });
 */
export class CoalescedTopicSource<State, Diff> implements TopicSource {
  private readonly feeds = new Map<string, CoalescedFeed<State, Diff>>();
  private readonly clock: Clock;

  constructor(
    private readonly model: ReadModelTopic<State, Diff>,
    private readonly options: CoalescedTopicOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  watch(topic: Topic, _fromVersion: number | undefined, sink: TopicSink): TopicWatch {
    let feed = this.feeds.get(topic.name);
    if (!feed) {
      const created = new CoalescedFeed(topic, this.model, this.clock, this.options, () => {
        if (this.feeds.get(topic.name) === created) this.feeds.delete(topic.name);
      });
      this.feeds.set(topic.name, created);
      feed = created;
    }
    feed.add(sink);
    const attached = feed;
    return { close: () => attached.remove(sink) };
  }

  stats(): { topics: number; watchers: number } {
    let watchers = 0;
    for (const feed of this.feeds.values()) watchers += feed.size;
    return { topics: this.feeds.size, watchers };
  }
}

class CoalescedFeed<State, Diff> {
  private readonly watchers = new Set<TopicSink>();
  private published: { version: number; state: State; snap: SnapFrame } | undefined;
  private readonly stopListening: () => void;
  private dirty = false;
  private loading = false;
  private timer: TimerHandle | undefined;
  private lastLoadAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly topic: Topic,
    private readonly model: ReadModelTopic<State, Diff>,
    private readonly clock: Clock,
    private readonly options: CoalescedTopicOptions,
    private readonly disposed: () => void,
  ) {
    // Listen before the first load, so no change between the two goes unnoticed.
    this.stopListening = model.onChange(topic, () => this.changed());
    void this.refresh();
  }

  get size(): number {
    return this.watchers.size;
  }

  add(sink: TopicSink): void {
    this.watchers.add(sink);
    if (this.published) sink.snap(this.published.snap);
  }

  remove(sink: TopicSink): void {
    if (this.watchers.delete(sink) && this.watchers.size === 0) this.dispose();
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.watchers.clear();
    this.timer?.cancel();
    this.stopListening();
    this.disposed();
  }

  private changed(): void {
    if (this.closed) return;
    this.dirty = true;
    this.schedule();
  }

  /** At most one load in flight, and none sooner than `intervalMs` after the previous one began. */
  private schedule(): void {
    if (this.closed || this.timer || this.loading || !this.dirty) return;
    const backoff = this.failures === 0 ? 0 : Math.min(5_000, this.options.intervalMs * 2 ** this.failures);
    const delay = this.lastLoadAt + Math.max(this.options.intervalMs, backoff) - this.clock.now();
    if (delay <= 0) {
      void this.refresh(); // quiet for a whole interval: push at once
      return;
    }
    this.timer = this.clock.setTimer(delay, () => {
      this.timer = undefined;
      void this.refresh();
    });
  }

  private async refresh(): Promise<void> {
    if (this.closed) return;
    this.dirty = false;
    this.loading = true;
    this.lastLoadAt = this.clock.now();
    try {
      const state = await this.model.load(this.topic);
      this.failures = 0;
      if (!this.closed) this.publish(state);
    } catch (error) {
      this.failures += 1;
      this.options.onError?.(error, { topic: this.topic.name, failures: this.failures });
      if (!this.published) {
        // Nothing to show: tell the watchers (they may subscribe again later) and go away.
        const code = error instanceof GamifierError ? error.code : ErrorCode.INTERNAL;
        const watchers = [...this.watchers];
        this.dispose();
        for (const sink of watchers) sink.fail(code, `${this.topic.name} is unavailable right now; subscribe again`);
        return;
      }
      this.dirty = true; // try again, backing off
    } finally {
      this.loading = false;
      this.schedule();
    }
  }

  private publish(state: State): void {
    const previous = this.published;
    if (!previous) {
      this.published = { version: 1, state, snap: { t: 'snap', topic: this.topic.name, version: 1, state } };
      for (const sink of this.watchers) sink.snap(this.published.snap);
      return;
    }
    const diff = this.model.diff(previous.state, state);
    if (diff === undefined) return;
    const version = previous.version + 1;
    this.published = { version, state, snap: { t: 'snap', topic: this.topic.name, version, state } };
    const frame: EvtFrame = { t: 'evt', topic: this.topic.name, version, event: { type: this.model.eventType, data: diff } };
    for (const sink of this.watchers) sink.evt(frame);
  }
}

/**
 * Rows that are new or changed (`upsert`), keys of rows gone (`remove`), and, when applying those
 * (rows kept in place, new ones appended in `upsert`'s order) would not give the rows' order, the
 * keys of every row in order (`order`). docs/PROTOCOL.md spells out how a client applies it.
 */
export interface RowsDiff<Row> {
  upsert: Row[];
  remove: string[];
  order?: string[];
}

/**
 * The diff between two lists of rows identified by `key`; undefined when they hold the same rows
 * in the same order. Rows compare by their JSON form, so put in them only what watchers see.
 *
 * @example
 * rowsDiff([{ id: 'a', rank: 1 }], [{ id: 'b', rank: 1 }], (r) => r.id) // { upsert: [{ id: 'b', rank: 1 }], remove: ['a'] }
 */
export function rowsDiff<Row>(before: readonly Row[], after: readonly Row[], key: (row: Row) => string): RowsDiff<Row> | undefined {
  const old = new Map(before.map((row) => [key(row), JSON.stringify(row)]));
  const upsert = after.filter((row) => old.get(key(row)) !== JSON.stringify(row));
  const keys = after.map(key);
  const present = new Set(keys);
  const remove = [...old.keys()].filter((id) => !present.has(id));
  // The order a client gets from upsert and remove alone: kept rows where they were, then the new ones.
  const applied = [...old.keys()].filter((id) => present.has(id));
  for (const row of upsert) if (!old.has(key(row))) applied.push(key(row));
  const reordered = applied.some((id, i) => id !== keys[i]);
  if (upsert.length === 0 && remove.length === 0 && !reordered) return undefined;
  return reordered ? { upsert, remove, order: keys } : { upsert, remove };
}
