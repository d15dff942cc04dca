import { createHash } from 'node:crypto';

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 24);
}

/**
 * The id of the i-th event a command produced. Deterministic, so that a command handled again
 * (after a crash or a restart lost the in-memory record of it) produces ids the store already has,
 * and the store refuses to apply it twice.
 */
export function eventIdFor(stream: string, commandId: string, index: number): string {
  return `ev_${digest(stream, commandId, String(index))}`;
}

/** The id of the i-th command an event caused: retries of its delivery carry the same id. */
export function causedCommandId(eventId: string, index: number): string {
  return `cc_${digest(eventId, String(index))}`;
}
