import { hash } from 'node:crypto';
import type { EventStore } from '../../store/index.js';
import { eventIdFor } from './ids.js';
import type { CommandEnvelope, CommandMeta } from './types.js';

/** What names a command for de-duplication: its id, and who sent it. */
export interface CommandRef {
  id: string;
  meta: Pick<CommandMeta, 'origin' | 'userId'>;
}

/**
 * The de-duplication key of a command. A client's ids are its own: `c8` from player A and `c8`
 * from player B are two commands. Ids of actor, timer and operator commands are derived from the
 * event that caused them (or are an operator's resend of the original), so they are unique
 * already and keep their id as key. The NUL separator cannot occur in an id (protocol text policy),
 * so no client key can equal a system one.
 *
 * @example
 * eventIdFor('challenge/c1', commandKey({ id: 'c8', meta: { origin: 'client', userId: 'ada' } }), 0);
 */
export function commandKey(ref: CommandRef): string {
  return ref.meta.origin === 'client' ? `client\u0000${ref.meta.userId ?? ''}\u0000${ref.id}` : ref.id;
}

/**
 * A digest of what a command asks (its type and payload, keys in a fixed order): a command id
 * sent again with another type or payload is another command under a reused id, not a retry.
 */
export function commandFingerprint(envelope: Pick<CommandEnvelope, 'type' | 'payload'>): string {
  return hash('sha256', `${envelope.type}\u0000${canonicalJson(envelope.payload)}`, 'base64url').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A command whose events are stored: the version it left the stream at, and what it asked. */
export interface PriorCommand {
  version: number;
  /** Undefined for events stored before fingerprints were kept. */
  fingerprint: string | undefined;
}

/** The stored outcome of a command (undefined: never applied). */
export async function priorCommand(store: Pick<EventStore, 'commandEvents'>, address: string, ref: CommandRef): Promise<PriorCommand | undefined> {
  // A lost database is the sender's to retry, not a crash of the actor: the store's errors say so.
  const applied = await store.commandEvents(address, eventIdFor(address, commandKey(ref), 0), { commandId: ref.id, userId: ref.meta.userId });
  if (!applied) return undefined;
  const fingerprint = applied.metadata.commandHash;
  return { version: applied.lastVersion, fingerprint: typeof fingerprint === 'string' ? fingerprint : undefined };
}

/** The stream version a command left behind, if its events are stored (undefined: never applied). */
export async function appliedVersion(store: Pick<EventStore, 'commandEvents'>, address: string, ref: CommandRef): Promise<number | undefined> {
  return (await priorCommand(store, address, ref))?.version;
}
