import type { Transaction } from '../../types.js';
import type { Projection } from '../index.js';

/**
 * Has the database fail the transaction with an error of its own that says nothing about the
 * events (deadlock_detected by default): a batch that meets it is retried, never parked.
 */
export async function raiseDatabaseFault(tx: Transaction, message: string, sqlState = '40P01'): Promise<void> {
  await tx.unsafe(`do $$ begin raise exception '${message.replace(/'/g, "''")}' using errcode = '${sqlState}'; end $$`);
}

/**
 * How the counter fails on an event whose data says `poison: true`: `poison` throws from the
 * read model's code (the event's fault), `transient` has the database raise deadlock_detected
 * (the database's fault: a real error of the real database, whatever the event).
 */
export type CounterFault = 'poison' | 'transient' | 'none';

export interface CounterQueries {
  ids(): Promise<string[]>;
}

/** A small read model for the failure cases: one row per event it applied. */
export function counterProjection(fault: () => CounterFault, name = 'test_counter'): Projection<CounterQueries> {
  const view = `rm_${name}`;
  return {
    name,
    version: 1,
    eventTypes: ['test.counter.bumped'],
    tables: [{ name: view, ddl: (t) => `create table ${t} (event_id text primary key)` }],
    async apply(tx, events, tables) {
      for (const event of events) {
        await tx.unsafe(`insert into ${tables[view]} values ($1)`, [event.id]);
        if (!(event.data as { poison?: boolean }).poison) continue;
        const now = fault();
        if (now === 'poison') throw new Error('cannot digest poison');
        if (now === 'transient') await raiseDatabaseFault(tx, 'deadlock, as far as you know');
      }
    },
    queries: (sql) => ({ ids: async () => (await sql.unsafe<{ event_id: string }[]>(`select event_id from ${view} order by event_id`)).map((r) => r.event_id) }),
  };
}
