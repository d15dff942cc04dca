import { StoreClosedError } from '../errors.js';

export interface Batchable {
  readonly streamId: string;
  readonly eventCount: number;
  reject(error: Error): void;
}

export interface GroupCommitOptions {
  /** Batches written at once; each holds a connection. */
  maxInFlight: number;
  /** Upper bound of events in one batch. */
  maxBatchEvents: number;
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
      const batch = this.take();
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

  private take(): Item[] {
    const batch: Item[] = [];
    const rest: Item[] = [];
    let events = 0;
    for (const item of this.queue) {
      const fits = batch.length === 0 || events + item.eventCount <= this.options.maxBatchEvents;
      if (fits && !this.busyStreams.has(item.streamId)) {
        batch.push(item);
        events += item.eventCount;
        this.busyStreams.add(item.streamId);
      } else {
        rest.push(item);
      }
    }
    this.queue = rest;
    return batch;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
