import { causedBy, CheckpointMovedError, type EventStore, type LogCursor, type RecordedEvent, type TimerChange, type TimerStore } from '../../store/index.js';
import { sleep, type Clock } from './clock.js';
import type { Dispatcher } from './dispatcher.js';
import { causedCommandId } from './ids.js';
import { taken } from './outcome.js';
import { groupBy } from './timers.js';
import type { CommandEnvelope, Effect } from './types.js';

export interface EffectsProcessorDeps {
  store: Pick<EventStore, 'tail' | 'loadCheckpoint' | 'commitCheckpoint'>;
  /** Where `schedule` and `cancel` effects go (the due index the TimerService fires from). */
  timers: TimerStore;
  dispatcher: Pick<Dispatcher, 'send'>;
  clock: Clock;
  /** A timer row was written: look at the due index. */
  timersChanged(): void;
  /**
   * A `forget` effect: forget the subject's personal data (idempotent; called again after a crash
   * until the batch's checkpoint moves). `causationId`: the event that asked, for the ids of the
   * commands it sends. Without it, a `forget` effect stops the outbox (it must never be skipped).
   */
  forget?(subject: string, causationId: string): Promise<void>;
  onError(what: string, error: unknown): void;
  retryMs?: number;
}

/**
 * The outbox. Effects are stored in the metadata of the event whose command decided them, so
 * they commit with it; this processor follows the global log from its checkpoint, delivers each
 * `send` through the dispatcher (retrying until the receiver takes it; the receiver de-duplicates
 * by the derived id), writes `schedule`/`cancel` into the due index, and then moves its
 * checkpoint in the same transaction as the timer rows. A crash anywhere means re-delivery,
 * never loss.
 *
 * The checkpoint is fenced: each batch's transaction moves it only from where this processor
 * started the batch (a compare-and-set, `commitCheckpoint(…, { from })`). Two processors on one
 * database — two nodes, or a process that slept through another's progress — may both deliver a
 * batch (the receiver drops the second), but only one commits it: the other's timer rows and
 * checkpoint roll back, and it resumes from where the winner left the checkpoint. So the
 * checkpoint never moves back and a stale batch never rewrites the due index.
 *
 * @example
 * const outbox = new EffectsProcessor({ store, timers, dispatcher: runtime, clock, timersChanged, onError });
 * outbox.start();
 */
export class EffectsProcessor {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly deps: EffectsProcessorDeps,
    readonly checkpointName = 'runtime.effects',
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { store, clock } = this.deps;
    while (!this.abort.signal.aborted) {
      try {
        let from = await store.loadCheckpoint(this.checkpointName);
        for await (const batch of store.tail(from, { signal: this.abort.signal })) {
          from = await this.process(batch, from);
        }
      } catch (error) {
        if (this.abort.signal.aborted) return;
        // Another processor committed these events first: carry on from where it left the checkpoint.
        if (causedBy(error, CheckpointMovedError)) continue;
        this.deps.onError('processing effects', error);
        await sleep(clock, this.deps.retryMs ?? 1_000, this.abort.signal);
      }
    }
  }

  /** Delivers a batch's effects and moves the checkpoint from `from` past it; answers the new checkpoint. */
  private async process(batch: RecordedEvent[], from: LogCursor): Promise<LogCursor> {
    const sends: CommandEnvelope[] = [];
    const timers: TimerChange[] = [];
    const forgets: Array<{ subject: string; causationId: string }> = [];
    for (const event of batch) {
      const effects = event.metadata.effects as Effect[] | undefined;
      if (!Array.isArray(effects)) continue;
      effects.forEach((effect, i) => {
        const id = causedCommandId(event.id, i);
        if (effect.kind === 'send') {
          const meta: CommandEnvelope['meta'] = { origin: 'actor', causationId: event.id };
          if (typeof event.metadata.correlationId === 'string') meta.correlationId = event.metadata.correlationId;
          sends.push({ id, to: effect.to, type: effect.command.type, payload: effect.command.payload, meta });
        } else if (effect.kind === 'schedule') {
          timers.push({ kind: 'schedule', actor: event.streamId, key: effect.key, dueAt: effect.at, commandId: id, message: effect.command });
        } else if (effect.kind === 'cancel') {
          timers.push({ kind: 'cancel', actor: event.streamId, key: effect.key });
        } else {
          forgets.push({ subject: effect.subject, causationId: event.id });
        }
      });
    }
    // One receiver's commands keep their order; receivers are served in parallel.
    await Promise.all(
      groupBy(sends, (send) => send.to).map(async (group) => {
        for (const send of group) await this.deliverUntilTaken(send);
      }),
    );
    // After the sends: a deleted player's friends are told before their key goes.
    for (const { subject, causationId } of forgets) {
      if (!this.deps.forget) throw new Error(`a forget effect of ${subject} and no forget hook: the outbox waits`);
      await this.deps.forget(subject, causationId);
    }
    const last = batch[batch.length - 1]!;
    const next = { txId: last.txId, position: last.position };
    await this.deps.store.commitCheckpoint(this.checkpointName, next, timers.length > 0 ? (tx) => this.deps.timers.apply(timers, tx) : undefined, { from });
    if (timers.length > 0) this.deps.timersChanged();
    return next;
  }

  private async deliverUntilTaken(envelope: CommandEnvelope): Promise<void> {
    for (let attempt = 1; !this.abort.signal.aborted; attempt++) {
      if (taken(await this.deps.dispatcher.send(envelope))) return;
      await sleep(this.deps.clock, Math.min(50 * 2 ** attempt, 5_000), this.abort.signal);
    }
    throw new Error('stopped while delivering');
  }
}
