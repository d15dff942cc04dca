import { ErrorCode, GamifierError } from '../../protocol/errors.js';
import { NO_STREAM, type EventMetadata, type EventStore, type NewEvent } from '../../store/index.js';
import { commandKey, priorCommand } from './command-key.js';
import { foldEvents, lifecycleOf, type Folded } from './fold.js';
import { eventIdFor } from './ids.js';
import { failed, type CommittedEvent, type Outcome } from './outcome.js';
import type { AnyActorType, Command, CommandEnvelope, Decision, Rejection } from './types.js';

export type Handled = { reload: false; folded: Folded<unknown>; outcome: Outcome } | { reload: true };

/**
 * decide → append → evolve for one command. The events are folded before the append (so a bug
 * in evolve or the machine crashes the actor before anything is stored) but become the actor's
 * state only once the append succeeded. Throws on bugs (the supervisor's business) and rejects
 * on database faults; resolves with `reload` when another writer moved the stream.
 *
 * Not an async function: on the common path its only wait is the append's, and an async layer
 * on every message's way costs about 500 bytes of garbage per message.
 */
export function decideAndPersist(
  store: EventStore,
  type: AnyActorType,
  address: string,
  folded: Folded<unknown>,
  envelope: CommandEnvelope,
  fingerprint: string,
  now: number,
  node: string,
  epoch?: number,
): Promise<Handled> {
  const command: Command = { id: envelope.id, type: envelope.type, payload: envelope.payload, meta: { ...envelope.meta, now } };
  const decision: Decision = type.decide(folded.state, command, lifecycleOf(type, folded));
  if (decision.rejected) return rejected(store, address, folded, envelope, fingerprint, decision);
  if (decision.events.length === 0) {
    if (decision.effects?.length) throw new Error(`${type.name} decided effects for ${envelope.type} without an event to carry them`);
    return Promise.resolve({ reload: false, folded, outcome: { status: 'ok', version: folded.version, events: [], duplicate: false } });
  }
  const next = foldEvents(type, decision.events, folded);
  const key = commandKey(envelope);
  const metadata: EventMetadata = { commandId: envelope.id, commandHash: fingerprint, node };
  if (epoch !== undefined) metadata.epoch = epoch;
  if (envelope.meta.userId) metadata.userId = envelope.meta.userId;
  if (envelope.meta.correlationId) metadata.correlationId = envelope.meta.correlationId;
  if (envelope.meta.causationId) metadata.causationId = envelope.meta.causationId;
  const events: NewEvent[] = decision.events.map((event, i) => ({
    id: eventIdFor(address, key, i),
    type: event.type,
    data: event.data,
    metadata: i === decision.events.length - 1 && decision.effects?.length ? { ...metadata, effects: decision.effects } : metadata,
  }));
  return store.append(address, folded.version === 0 ? NO_STREAM : folded.version, events).then(
    (result): Handled | Promise<Handled> => {
      if (result.duplicate) {
        return storedBefore(store, address, folded, envelope, fingerprint).then(
          (prior): Handled => prior ?? { reload: false, folded, outcome: duplicateOf(result.version) },
        );
      }
      if (result.version !== next.version) {
        throw new Error(`${address}: store is at version ${result.version} after the append, the actor computed ${next.version}`);
      }
      const committed: CommittedEvent[] = events.map((event, i) => ({
        id: event.id,
        type: event.type,
        data: event.data,
        version: folded.version + i + 1,
        position: result.positions[i]!,
        metadata: event.metadata!,
      }));
      return { reload: false, folded: next, outcome: { status: 'ok', version: result.version, events: committed, duplicate: false } };
    },
    (error: unknown) => appendFailed(store, address, folded, envelope, fingerprint, error),
  );
}

/**
 * A refused command may have been handled before this activation and be refused now only
 * because it already took effect: the store remembers its events.
 */
async function rejected(
  store: EventStore,
  address: string,
  folded: Folded<unknown>,
  envelope: CommandEnvelope,
  fingerprint: string,
  decision: Rejection,
): Promise<Handled> {
  const prior = await storedBefore(store, address, folded, envelope, fingerprint);
  return prior ?? { reload: false, folded, outcome: { status: 'rejected', code: decision.code, message: decision.message } };
}

/** A conflict means reload; an id stored already, that the first outcome stands; anything else goes up. */
async function appendFailed(
  store: EventStore,
  address: string,
  folded: Folded<unknown>,
  envelope: CommandEnvelope,
  fingerprint: string,
  error: unknown,
): Promise<Handled> {
  const code = error instanceof GamifierError ? error.code : undefined;
  if (code === ErrorCode.STREAM_VERSION_CONFLICT) return { reload: true };
  if (code === ErrorCode.EVENT_ID_CONFLICT) {
    // Handled before, deciding differently now: the first outcome stands.
    const prior = await storedBefore(store, address, folded, envelope, fingerprint);
    if (prior) return prior;
  }
  throw error;
}

/**
 * The outcome of a command the store holds already: a duplicate of the first outcome when it
 * asked the same, COMMAND_ID_REUSED when its sender reused the id for something else.
 */
async function storedBefore(
  store: EventStore,
  address: string,
  folded: Folded<unknown>,
  envelope: CommandEnvelope,
  fingerprint: string,
): Promise<Handled | undefined> {
  const prior = await priorCommand(store, address, envelope);
  if (!prior) return undefined;
  const outcome = prior.fingerprint !== undefined && prior.fingerprint !== fingerprint ? reusedId(envelope) : duplicateOf(prior.version);
  return { reload: false, folded, outcome };
}

const duplicateOf = (version: number): Outcome => ({ status: 'ok', version, events: [], duplicate: true });

export const reusedId = (envelope: CommandEnvelope): Outcome =>
  failed(ErrorCode.COMMAND_ID_REUSED, `command id ${envelope.id} was used already for another command to ${envelope.to}; use a new id`);
