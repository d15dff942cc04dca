import type { LogCursor, Transaction } from '../types.js';
import { compareCursor } from './cursor.js';

/** Someone else (another node's projector or outbox) moved the checkpoint since this reader read it. */
export class CheckpointMovedError extends Error {
  constructor(
    readonly checkpoint: string,
    readonly expected: LogCursor,
    readonly actual: LogCursor,
  ) {
    super(`checkpoint ${checkpoint} is at ${actual.txId}/${actual.position}, expected ${expected.txId}/${expected.position}`);
    this.name = 'CheckpointMovedError';
  }
}

/**
 * Locks a checkpoint's row until `tx` ends and answers where it stands. The row is created at the
 * log's start if it is new; an upsert that changes nothing still takes the row lock, so a second
 * writer of the same checkpoint waits here until the first commits, then sees its position.
 */
export async function lockCheckpoint(tx: Transaction, name: string): Promise<LogCursor> {
  const [current] = await tx<{ tx_id: string; position: string }[]>`
    insert into projection_checkpoints (name, tx_id, position) values (${name}, '0'::xid8, 0)
    on conflict (name) do update set name = excluded.name
    returning tx_id::text as tx_id, position`;
  return { txId: Number(current!.tx_id), position: Number(current!.position) };
}

/**
 * The compare of a compare-and-set on a checkpoint: run first in the transaction that moves it.
 * Throws CheckpointMovedError (and the transaction rolls back) unless the checkpoint still is
 * where this writer read it, so two writers never both move it from one place, and a writer
 * that slept through another's progress cannot move it back.
 */
export async function fenceCheckpoint(tx: Transaction, name: string, from: LogCursor): Promise<void> {
  const actual = await lockCheckpoint(tx, name);
  if (compareCursor(actual, from) !== 0) throw new CheckpointMovedError(name, from, actual);
}
