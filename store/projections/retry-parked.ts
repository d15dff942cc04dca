import type { EventStore, RecordedEvent, Transaction } from '../types.js';
import { faultText, isTransient } from './faults.js';
import { lockRow } from './generations.js';
import { loadParked, ParkedEventNotFoundError, recordFailure, unpark, type ParkedEvent } from './parked.js';
import { checkpointName, tableNames, type Projection } from './projection.js';

export type RetryOutcome =
  | { applied: true; parked: ParkedEvent; event: RecordedEvent }
  | { applied: false; parked: ParkedEvent; error: Error };

/**
 * Applies a parked event again to the generation it was parked in, on its own. On success it is
 * off the parked list, in the same transaction. On a failure that is the event's it stays parked
 * with the new error and one more attempt; a failure of the database (`isTransient`) throws and
 * changes nothing. The event is applied after the events the projector applied since: a read
 * model whose result depends on the order of events may then differ from a fold of the log,
 * which a rebuild restores.
 *
 * @example
 * const outcome = await retryParked(store, leaderboardProjection, 4);
 * if (!outcome.applied) console.log(outcome.error.message, outcome.parked.attempts);
 */
export async function retryParked(store: EventStore, projection: Projection, id: number): Promise<RetryOutcome> {
  const parked = await loadParked(store.sql, projection.name, id);
  if (!parked) throw new ParkedEventNotFoundError(projection.name, id);
  // Read before the transaction: on PGlite the pool is the transaction's one connection.
  const [event] = await store.readStream(parked.streamId, { fromVersion: parked.streamVersion, toVersion: parked.streamVersion });
  if (!event) throw new ParkedEventNotFoundError(projection.name, id);
  try {
    await store.sql.begin(async (raw) => {
      const tx = raw as unknown as Transaction;
      // The same locks, in the same order, as a projector's batch (fencing.ts): the generation
      // row shared, then the checkpoint row. Holding the checkpoint row keeps this apply and the
      // projector's batches one at a time, as the read model's code expects.
      const generations = await lockRow(tx, projection.name, 'share');
      if (!generations || (generations.generation !== parked.generation && generations.building !== parked.generation)) {
        throw new ParkedEventNotFoundError(projection.name, id);
      }
      await tx`select 1 from projection_checkpoints where name = ${checkpointName(projection.name, parked.generation)} for update`;
      if (!(await unpark(tx, id))) throw new ParkedEventNotFoundError(projection.name, id);
      await projection.apply(tx, [event], tableNames(projection, parked.generation));
    });
    return { applied: true, parked, event };
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    if (error instanceof ParkedEventNotFoundError || isTransient(error)) throw error;
    const still = await recordFailure(store.sql, id, faultText(error));
    if (!still) throw new ParkedEventNotFoundError(projection.name, id);
    return { applied: false, parked: still, error };
  }
}
