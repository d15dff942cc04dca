import type { EventStore, RecordedEvent, Transaction } from '../../store/index.js';
import { sleep, type Clock } from './clock.js';
import { causedCommandId } from './ids.js';
import type { Outcome } from './outcome.js';
import { groupBy } from './timers.js';
import type { CommandEnvelope, Effect } from './types.js';

export interface EffectsProcessorDeps {
  store: EventStore;
  clock: Clock;
  deliver(envelope: CommandEnvelope): Promise<Outcome>;
  /** Whether an outcome means the command was taken (answered, or dead-lettered). */
  delivered(outcome: Outcome): boolean;
  /** A timer row was written: look at the due index. */
  timersChanged(): void;
  onError(what: string, error: unknown): void;
  /** Only effects of events for which this holds (the actors this node owns). */
  owns?(address: string): boolean;
  retryMs?: number;
}

type TimerChange =
  | { kind: 'schedule'; actor: string; key: string; at: number; commandId: string; command: unknown }
  | { kind: 'cancel'; actor: string; key: string };

/**
 * The outbox. Effects are stored in the metadata of the event whose command decided them, so
 * they commit with it; this processor follows the global log from its checkpoint, delivers each
 * `send` (retrying until the receiver takes it; the receiver de-duplicates by the derived id),
 * writes `schedule`/`cancel` into the due index, and then moves its checkpoint in the same
 * transaction as the timer rows. A crash anywhere means re-delivery, never loss.
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
        const from = await store.loadCheckpoint(this.checkpointName);
        for await (const batch of store.tail(from, { signal: this.abort.signal })) {
          await this.process(batch);
        }
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.deps.onError('processing effects', error);
        await sleep(clock, this.deps.retryMs ?? 1_000, this.abort.signal);
      }
    }
  }

  private async process(batch: RecordedEvent[]): Promise<void> {
    const sends: CommandEnvelope[] = [];
    const timers: TimerChange[] = [];
    for (const event of batch) {
      const effects = event.metadata.effects as Effect[] | undefined;
      if (!Array.isArray(effects) || (this.deps.owns && !this.deps.owns(event.streamId))) continue;
      effects.forEach((effect, i) => {
        const id = causedCommandId(event.id, i);
        if (effect.kind === 'send') {
          const meta: CommandEnvelope['meta'] = { origin: 'actor', causationId: event.id };
          if (typeof event.metadata.correlationId === 'string') meta.correlationId = event.metadata.correlationId;
          sends.push({ id, to: effect.to, type: effect.command.type, payload: effect.command.payload, meta });
        } else if (effect.kind === 'schedule') {
          timers.push({ kind: 'schedule', actor: event.streamId, key: effect.key, at: effect.at, commandId: id, command: effect.command });
        } else {
          timers.push({ kind: 'cancel', actor: event.streamId, key: effect.key });
        }
      });
    }
    // One receiver's commands keep their order; receivers are served in parallel.
    await Promise.all(
      groupBy(sends, (send) => send.to).map(async (group) => {
        for (const send of group) await this.deliverUntilTaken(send);
      }),
    );
    const last = batch[batch.length - 1]!;
    await this.deps.store.commitCheckpoint(
      this.checkpointName,
      { txId: last.txId, position: last.position },
      timers.length > 0 ? (tx) => writeTimers(tx, timers) : undefined,
    );
    if (timers.length > 0) this.deps.timersChanged();
  }

  private async deliverUntilTaken(envelope: CommandEnvelope): Promise<void> {
    for (let attempt = 1; !this.abort.signal.aborted; attempt++) {
      const outcome = await this.deps.deliver(envelope);
      if (this.deps.delivered(outcome)) return;
      await sleep(this.deps.clock, Math.min(50 * 2 ** attempt, 5_000), this.abort.signal);
    }
    throw new Error('stopped while delivering');
  }
}

async function writeTimers(tx: Transaction, changes: TimerChange[]): Promise<void> {
  for (const change of changes) {
    if (change.kind === 'schedule') {
      await tx`
        insert into timers (actor, key, due_at, command_id, command)
        values (${change.actor}, ${change.key}, ${change.at}, ${change.commandId}, ${JSON.stringify(change.command)}::text::jsonb)
        on conflict (actor, key) do update set due_at = excluded.due_at, command_id = excluded.command_id, command = excluded.command`;
    } else {
      await tx`delete from timers where actor = ${change.actor} and key = ${change.key}`;
    }
  }
}
