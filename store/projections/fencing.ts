import { CheckpointMovedError, lockCheckpoint } from '../postgres/checkpoint-fence.js';
import { compareCursor } from '../postgres/cursor.js';
import type { LogCursor, Transaction } from '../types.js';

export { CheckpointMovedError } from '../postgres/checkpoint-fence.js';
export { causedBy } from '../errors.js';

/** The generation a projector writes was swapped out or discarded: it must stop writing it. */
export class GenerationRetiredError extends Error {
  constructor(
    readonly projection: string,
    readonly generation: number,
  ) {
    super(`projection ${projection}: generation ${generation} is neither served nor being built any more`);
    this.name = 'GenerationRetiredError';
  }
}

export interface Fence {
  projection: string;
  generation: number;
  checkpoint: string;
  /** Where this projector believes the checkpoint is. */
  from: LogCursor;
}

/**
 * Run first in a batch's transaction. It holds the generation row (shared) so a swap cannot
 * commit in between, and the checkpoint row (exclusive) so that two projectors of one
 * generation — two nodes, or a restart racing the old loop — never both apply the same batch:
 * the second finds the checkpoint moved, rolls back, and resumes from the new one.
 *
 * The transaction commits without waiting for its WAL to reach the disk (synchronous_commit
 * off, for this transaction only): a read model is derived from the log, and its rows and its
 * checkpoint commit or vanish together, so a crash can only take back the last batches whole,
 * and the projector applies them again from the log. Every batch is one flush wait shorter, which
 * is the time between a command and the pushes of the read models it moved.
 */
export async function fenceBatch(tx: Transaction, fence: Fence): Promise<void> {
  // Both statements go out together (pipelined on the transaction's connection, which runs them
  // in this order): one round trip for the fence instead of two. Should the generation be
  // retired, the checkpoint lock is released by the rollback that the error below causes.
  const [[row], actual] = await Promise.all([
    tx<{ generation: number; building: number | null }[]>`
      select generation, building, set_config('synchronous_commit', 'off', true)
      from read_model_generations where projection = ${fence.projection} for share`,
    lockCheckpoint(tx, fence.checkpoint),
  ]);
  if (!row || (row.generation !== fence.generation && row.building !== fence.generation)) {
    throw new GenerationRetiredError(fence.projection, fence.generation);
  }
  if (compareCursor(actual, fence.from) !== 0) throw new CheckpointMovedError(fence.checkpoint, fence.from, actual);
}
