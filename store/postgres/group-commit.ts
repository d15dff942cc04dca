import { StoreClosedError } from '../errors.js';

export interface Batchable {
  readonly streamId: string;
  readonly eventCount: number;
  reject(error: Error): void;
}

export interface GroupCommitOptions {
  /** Batches written at once, on `connections` connections. */
  maxInFlight: number;
  /**
   * Connections that write. Beyond one batch per connection, a batch queues on a busy connection
   * (pipelined) only when at least `minSplitEvents` wait: that keeps a backend busy under load,
   * but at a light load a batch sent behind another would wait for it, for no gain.
   */
  connections: number;
  /** Upper bound of events in one batch. */
  maxBatchEvents: number;
  /** Waiting events are shared among free connections only in batches of at least this many. */
  minSplitEvents: number;
}

/**
 * Group commit: appends that arrive while a batch is being written queue up and go out together
 * as the next batch, so that one round trip carries many appends under load while a lone append
 * is written at once. A stream never has two appends in flight together: a second one waits for
 * the next batch, which keeps each stream's writes in arrival order and each batch free of
 * duplicate streams.
 */
export class GroupCommit<Item extends Batchable> {
  private queue: Item[] = [];
  /** The events of `queue`, kept as it changes: under a backlog, counting them per batch would cost as much as the queue is long. */
  private queuedEvents = 0;
  private readonly busyStreams = new Set<string>();
  private inFlight = 0;
  private scheduled = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly writeBatch: (batch: Item[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: Item): void {
    if (this.closed) {
      item.reject(new StoreClosedError());
      return;
    }
    this.queue.push(item);
    this.queuedEvents += item.eventCount;
    // Appends made in the same tick (an actor system handling many messages) share a batch.
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  /** Number of appends waiting or being written. */
  get pending(): number {
    return this.queue.length + this.busyStreams.size;
  }

  /** Refuses new appends and resolves once every accepted one is settled. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      // Under load, what waits is shared among the free connections so that each writes a batch
      // at once: one big batch keeps one database backend busy while the others idle, and
      // appends that waited together tend to come back together, so the lockstep would last.
      const free = this.options.maxInFlight - this.inFlight;
      const queued = this.queuedEvents;
      if (this.inFlight >= this.options.connections && queued < this.options.minSplitEvents) break;
      const share = Math.max(this.options.minSplitEvents, Math.ceil(queued / free));
      const batch = this.take(Math.min(this.options.maxBatchEvents, share));
      if (batch.length === 0) break;
      this.inFlight += 1;
      this.writeBatch(batch)
        .catch((error: Error) => batch.forEach((item) => item.reject(error)))
        .finally(() => {
          this.inFlight -= 1;
          for (const item of batch) this.busyStreams.delete(item.streamId);
          this.pump();
          if (this.inFlight === 0 && this.queue.length === 0) this.notifyIdle();
        });
    }
  }

  private take(maxEvents: number): Item[] {
    const batch: Item[] = [];
    const rest: Item[] = [];
    // A stream whose earlier append stays behind holds its later ones back too, or a small
    // append could overtake a big one that did not fit.
    const held = new Set<string>();
    let events = 0;
    let scanned = 0;
    // Once the batch is full the scan stops: the rest keeps its order untouched, so a backlog
    // costs each batch what it takes, not the length of the queue.
    for (; scanned < this.queue.length && events < maxEvents; scanned++) {
      const item = this.queue[scanned]!;
      const fits = batch.length === 0 || events + item.eventCount <= maxEvents;
      if (fits && !this.busyStreams.has(item.streamId) && !held.has(item.streamId)) {
        batch.push(item);
        events += item.eventCount;
        this.busyStreams.add(item.streamId);
      } else {
        rest.push(item);
        held.add(item.streamId);
      }
    }
    this.queue = scanned === this.queue.length ? rest : rest.concat(this.queue.slice(scanned));
    this.queuedEvents -= events;
    return batch;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
