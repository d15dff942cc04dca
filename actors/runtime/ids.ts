import { hash } from 'node:crypto';

// One-shot hashing: a third of createHash().update().digest()'s cost, on every event appended.
function digest(...parts: string[]): string {
  return hash('sha256', parts.join('\u0000'), 'base64url').slice(0, 24);
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
