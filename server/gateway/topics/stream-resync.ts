import type { Clock, TimerHandle } from '../../../actors/runtime/index.js';
import type { EventStore } from '../../../store/types.js';

/** A watched stream as the resync sees it (a StreamFeed). */
export interface ResyncedFeed {
  readonly stream: string;
  /** When (clock ms) the feed last heard its stream on the bus, or last had it checked. */
  heardAt: number;
  /** The store says the stream is at `version`: watchers behind it catch up from the store. */
  caughtUpTo(version: number): void;
}

export interface StreamResyncDeps {
  store: Pick<EventStore, 'streamVersions'>;
  clock: Clock;
  /** Re-check streams not heard on the bus for this long, about this often (jittered); 0: never. */
  sweepMs: number;
  /**
   * Subscribes to "the bus may have lost messages" (the composition root: the node's bus
   * reconnected); every watched stream is then re-checked at once. Returns an unsubscribe.
   */
  resyncs?: ((resync: () => void) => () => void) | undefined;
  /** Resolves once this node's subscriptions are back on the bus (`bus.flush`). */
  subscribed(): Promise<void>;
  onError(error: unknown, context: Record<string, unknown>): void;
}

/** Streams asked of the store in one query. */
const batchSize = 500;

/**
 * Bounds how long a watcher can miss an event the bus dropped (delivery is at most once). A lost
 * event is otherwise only noticed when the stream's next one arrives: an idle stream would stay
 * stale for good. Two triggers, one repair (the watchers' own gap path, so each version still
 * arrives once, in order):
 *
 * - the bus reconnected: every watched stream is re-checked, since anything committed during the
 *   outage was dropped;
 * - a sweep every `sweepMs` (±20 %, so that nodes do not query in step) re-checks the streams not
 *   heard on the bus for `sweepMs`: drops without a reconnect (a publish error, a slow consumer
 *   NATS cut off, another node's outage) are invisible here, so only the store can tell. A stream
 *   heard recently is skipped: its next event would reveal a gap anyway, and it is checked at a
 *   later sweep once quiet. Staleness is then bounded by about two sweeps.
 *
 * Cost: one query per 500 watched streams (one index probe per stream), the batches one after
 * another, so at most one such query per node is in flight: 10,000 idle watched topics cost 20
 * queries per sweep.
 */
export class StreamResync {
  private timer: TimerHandle | undefined;
  private readonly unsubscribe: (() => void) | undefined;
  private running = false;
  /** A pass was asked for while one ran: what it should cover. */
  private queued: 'all' | 'stale' | undefined;
  private stopped = false;

  constructor(
    private readonly feeds: () => Iterable<ResyncedFeed>,
    private readonly deps: StreamResyncDeps,
  ) {
    this.unsubscribe = deps.resyncs?.(() => void this.pass('all'));
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.unsubscribe?.();
  }

  /** Re-checks every watched stream (`all`) or the quiet ones (`stale`); resolves when done. */
  async pass(which: 'all' | 'stale'): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      if (this.queued !== 'all') this.queued = which;
      return;
    }
    this.running = true;
    try {
      let next: 'all' | 'stale' | undefined = which;
      while (next && !this.stopped) {
        this.queued = undefined;
        await this.check(next);
        next = this.queued;
      }
    } finally {
      this.running = false;
    }
  }

  private async check(which: 'all' | 'stale'): Promise<void> {
    const now = this.deps.clock.now();
    const due = [...this.feeds()].filter((feed) => which === 'all' || now - feed.heardAt >= this.deps.sweepMs);
    if (due.length === 0) return;
    try {
      // After a reconnect: what is committed after the check must reach us on the bus.
      if (which === 'all') await this.deps.subscribed();
      for (let i = 0; i < due.length && !this.stopped; i += batchSize) {
        const batch = due.slice(i, i + batchSize);
        const checkedAt = this.deps.clock.now();
        const versions = await this.deps.store.streamVersions([...new Set(batch.map((feed) => feed.stream))]);
        for (const feed of batch) {
          feed.heardAt = Math.max(feed.heardAt, checkedAt);
          feed.caughtUpTo(versions.get(feed.stream) ?? 0);
        }
      }
    } catch (error) {
      // The next sweep (or reconnect) tries again.
      this.deps.onError(error, { resync: which, streams: due.length });
    }
  }

  private schedule(): void {
    if (this.stopped || !(this.deps.sweepMs > 0)) return;
    const delay = Math.round(this.deps.sweepMs * (0.8 + 0.4 * Math.random()));
    this.timer = this.deps.clock.setTimer(delay, () => {
      void this.pass('stale').finally(() => this.schedule());
    });
  }
}
