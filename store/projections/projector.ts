import { setTimeout as delay } from 'node:timers/promises';
import { compareCursor } from '../postgres/cursor.js';
import type { EventStore, LogCursor, RecordedEvent } from '../types.js';
import { faultText, isTransient } from './faults.js';
import { causedBy, CheckpointMovedError, fenceBatch, GenerationRetiredError } from './fencing.js';
import { parkEvent } from './parked.js';
import { checkpointName, tableNames, type Projection } from './projection.js';

export interface ProjectorSettings {
  /** Events per batch (and per transaction). */
  batchSize: number;
  /** First retry delay after a failed batch; it doubles per failure up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /**
   * How many times an event must fail applied on its own (see `Projector`) before it is parked
   * and the projector moves past it; 0 never parks (the projector retries it until it applies).
   */
  parkAfter: number;
}

export const defaultProjectorSettings: ProjectorSettings = { batchSize: 500, retryBaseMs: 100, retryMaxMs: 30_000, parkAfter: 3 };

export interface ProjectorFailure {
  error: Error;
  /** Failures in a row; the next retry waits `retryBaseMs · 2^(attempts−1)`, capped. */
  attempts: number;
  since: Date;
}

export interface ProjectorHooks {
  onError?(projection: string, generation: number, error: Error): void;
  /** The generation was swapped out (by another node): this projector has stopped. */
  onRetired?(projector: Projector): void;
  /**
   * A batch committed to the read model (how live topics learn that it moved), by this projector
   * or by another of its generation that got there first (another node's).
   */
  onApplied?(projection: string, batch: readonly RecordedEvent[]): void;
  /** This projector parked `event` after it failed `attempts` times on its own. */
  onParked?(projection: string, generation: number, event: RecordedEvent, error: Error, attempts: number): void;
}

/**
 * Follows the global log for one generation of one projection: from its checkpoint it tails the
 * log for the projection's event types and applies each batch in the transaction that moves the
 * checkpoint, so a batch lands exactly once. Several projectors of one generation may run (on
 * several nodes): the fence in each transaction lets only one apply a given batch.
 *
 * A failed batch rolls back whole and is retried, with backoff, from the checkpoint. What
 * happens next depends on the failure (`isTransient`):
 * - the database's (unreachable, a deadlock, a timeout…): the batch is retried as it is until
 *   it applies, however long that takes; nothing is parked;
 * - any other: the retry applies the batch's events one at a time, each in its own transaction
 *   with the checkpoint, so the events before the failing one land (once each). The failing
 *   event is retried on its own, with backoff; when it has failed `parkAfter` times on its own,
 *   it is parked (`parked_events`) in the transaction that moves the checkpoint past it, and
 *   the projector goes on with the events after it.
 */
export class Projector {
  readonly checkpoint: string;
  private abort = new AbortController();
  private loop: Promise<void> | undefined;
  private cursor: LogCursor | undefined;
  private applied = 0;
  private reachedHead = false;
  private failure: ProjectorFailure | undefined;
  private retired = false;
  /** The last batch another projector applied first. */
  private lost: RecordedEvent[] | undefined;
  /** The last batch failed, not for the database's sake: apply the next one event by event. */
  private isolating = false;
  /** The event that failed on its own, and how many times in a row. */
  private suspect: { position: number; failures: number } | undefined;

  constructor(
    private readonly store: EventStore,
    readonly projection: Projection,
    readonly generation: number,
    private readonly settings: ProjectorSettings = defaultProjectorSettings,
    private readonly hooks: ProjectorHooks = {},
  ) {
    this.checkpoint = checkpointName(projection.name, generation);
  }

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  /** Stops after the batch in flight (if any) has committed or rolled back. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
  }

  get running(): boolean {
    return this.loop !== undefined && !this.abort.signal.aborted && !this.retired;
  }

  /** What the projector knows without asking the database. */
  snapshot(): { cursor: LogCursor | undefined; applied: number; reachedHead: boolean; failure: ProjectorFailure | undefined; retired: boolean } {
    return { cursor: this.cursor, applied: this.applied, reachedHead: this.reachedHead, failure: this.failure, retired: this.retired };
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    let failures = 0;
    while (!signal.aborted) {
      try {
        let from = await this.store.loadCheckpoint(this.checkpoint);
        if (this.cursor && compareCursor(from, this.cursor) > 0) await this.appliedElsewhere(this.cursor, from, this.lost);
        this.lost = undefined;
        this.cursor = from;
        for await (const batch of this.store.tail(from, { types: this.projection.eventTypes, limit: this.settings.batchSize, signal })) {
          if (this.isolating) {
            from = await this.applyOneByOne(from, batch);
            this.isolating = false;
          } else {
            from = await this.applyBatch(from, batch);
            this.applied += batch.length;
          }
          this.cursor = from;
          if (batch.length < this.settings.batchSize) this.reachedHead = true;
          failures = 0;
          this.failure = undefined;
        }
      } catch (caught) {
        if (signal.aborted) return;
        const error = caught instanceof Error ? caught : new Error(String(caught));
        if (causedBy(error, GenerationRetiredError)) {
          this.retired = true;
          this.hooks.onRetired?.(this);
          return;
        }
        if (causedBy(error, CheckpointMovedError)) {
          // The store wraps it (commitCheckpoint names the checkpoint); another projector applied
          // this batch, so resume after it, pausing to let it go on.
          await delay(this.settings.retryBaseMs, undefined, { signal }).catch(() => undefined);
          continue;
        }
        failures += 1;
        if (this.settings.parkAfter > 0 && !isTransient(error)) this.isolating = true;
        this.failure = { error, attempts: failures, since: this.failure?.since ?? new Date() };
        this.hooks.onError?.(this.projection.name, this.generation, error);
        const wait = Math.min(this.settings.retryBaseMs * 2 ** (failures - 1), this.settings.retryMaxMs);
        await delay(wait, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private async applyBatch(from: LogCursor, batch: RecordedEvent[]): Promise<LogCursor> {
    const last = batch[batch.length - 1]!;
    const next = { txId: last.txId, position: last.position };
    const tables = tableNames(this.projection, this.generation);
    const fence = { projection: this.projection.name, generation: this.generation, checkpoint: this.checkpoint, from };
    try {
      await this.store.commitCheckpoint(this.checkpoint, next, async (tx) => {
        await fenceBatch(tx, fence);
        await this.projection.apply(tx, batch, tables);
      });
    } catch (error) {
      // Kept for announcing, should another projector have applied it (see run).
      if (causedBy(error, CheckpointMovedError)) this.lost = batch;
      throw error;
    }
    this.hooks.onApplied?.(this.projection.name, batch);
    return next;
  }

  /**
   * Applies a batch that failed as a whole one event at a time, each in its own transaction with
   * the checkpoint. An event that fails (not for the database's sake) throws, after the events
   * before it have committed, until it has failed `parkAfter` times in a row: then it is parked.
   */
  private async applyOneByOne(from: LogCursor, batch: readonly RecordedEvent[]): Promise<LogCursor> {
    for (const event of batch) {
      try {
        from = await this.applyBatch(from, [event]);
        this.applied += 1;
      } catch (error) {
        if (isTransient(error) || causedBy(error, CheckpointMovedError) || causedBy(error, GenerationRetiredError)) throw error;
        const failures = this.suspect?.position === event.position ? this.suspect.failures + 1 : 1;
        this.suspect = { position: event.position, failures };
        if (failures < this.settings.parkAfter) throw error;
        from = await this.park(from, event, error instanceof Error ? error : new Error(String(error)), failures);
      }
      this.cursor = from;
    }
    return from;
  }

  /** Moves the checkpoint past `event`, recording it as parked in the same transaction. */
  private async park(from: LogCursor, event: RecordedEvent, error: Error, attempts: number): Promise<LogCursor> {
    const next = { txId: event.txId, position: event.position };
    const { name } = this.projection;
    await this.store.commitCheckpoint(this.checkpoint, next, async (tx) => {
      await fenceBatch(tx, { projection: name, generation: this.generation, checkpoint: this.checkpoint, from });
      await parkEvent(tx, { projection: name, generation: this.generation, event, error: faultText(error), attempts });
    });
    this.suspect = undefined;
    this.hooks.onParked?.(name, this.generation, event, error, attempts);
    return next;
  }

  /**
   * Another projector of this generation (another node's) moved the checkpoint from `from` to
   * `upTo`: the read model this node's watchers read has moved, and they must hear of it as if
   * this node had applied those events, or they would hear only of the batches it happened to
   * win. The batch this projector lost covers the start of that span; the rest is read from the
   * log (one read when the other projector went further while this one paused).
   */
  private async appliedElsewhere(from: LogCursor, upTo: LogCursor, lost: RecordedEvent[] | undefined): Promise<void> {
    const announce = (events: readonly RecordedEvent[]): boolean => {
      const applied = events.filter((event) => compareCursor(event, upTo) <= 0);
      if (applied.length > 0) this.hooks.onApplied?.(this.projection.name, applied);
      return applied.length === events.length;
    };
    let at = from;
    if (lost && lost.length > 0 && compareCursor(lost[0]!, from) > 0) {
      if (!announce(lost)) return;
      at = lost[lost.length - 1]!;
    }
    const limit = this.settings.batchSize;
    try {
      while (compareCursor(at, upTo) < 0) {
        const { events, next } = await this.store.readAll(at, { limit, types: this.projection.eventTypes });
        if (!announce(events) || events.length < limit) return;
        at = next;
      }
    } catch (error) {
      this.hooks.onError?.(this.projection.name, this.generation, error instanceof Error ? error : new Error(String(error)));
    }
  }
}
