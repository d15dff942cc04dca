import type { Sql } from 'postgres';
import { storeError } from '../errors.js';
import type { DueTimer, TimerChange, TimerStore } from '../timers.js';
import type { Transaction } from '../types.js';

interface Row {
  actor: string;
  key: string;
  due_at: string;
  command_id: string;
  command: unknown;
}

/**
 * The `timers` table as the due index, on PostgreSQL and PGlite alike. A claim is one statement:
 * the rows are picked `for update skip locked` and their lease set in the same update, so two
 * claimers racing for a row never both get it, and neither waits on the other's rows.
 */
export class PostgresTimers implements TimerStore {
  constructor(private readonly sql: Sql) {}

  async apply(changes: readonly TimerChange[], tx?: Transaction): Promise<void> {
    const sql = tx ?? this.sql;
    try {
      for (const change of changes) {
        if (change.kind === 'schedule') {
          await sql`
            insert into timers (actor, key, due_at, command_id, command)
            values (${change.actor}, ${change.key}, ${change.dueAt}, ${change.commandId}, ${JSON.stringify(change.message)}::text::jsonb)
            on conflict (actor, key) do update
              set due_at = excluded.due_at, command_id = excluded.command_id, command = excluded.command, claimed_until = null`;
        } else {
          await sql`delete from timers where actor = ${change.actor} and key = ${change.key}`;
        }
      }
    } catch (cause) {
      throw storeError(cause, 'writing durable timers');
    }
  }

  async claimDue(now: number, options: { limit: number; claimMs: number }): Promise<DueTimer[]> {
    try {
      const rows = await this.sql<Row[]>`
        update timers set claimed_until = ${now + options.claimMs}
        where (actor, key) in (
          select actor, key from timers
          where due_at <= ${now} and (claimed_until is null or claimed_until <= ${now})
          order by due_at limit ${options.limit}
          for update skip locked)
        returning actor, key, due_at, command_id, command`;
      return rows
        .map((row) => ({ actor: row.actor, key: row.key, dueAt: Number(row.due_at), commandId: row.command_id, message: row.command }))
        .sort((a, b) => a.dueAt - b.dueAt);
    } catch (cause) {
      throw storeError(cause, 'claiming due timers');
    }
  }

  async remove(timer: Pick<DueTimer, 'actor' | 'key' | 'commandId'>): Promise<void> {
    try {
      await this.sql`delete from timers where actor = ${timer.actor} and key = ${timer.key} and command_id = ${timer.commandId}`;
    } catch (cause) {
      throw storeError(cause, `removing timer ${timer.key} of ${timer.actor}`);
    }
  }

  async retryAt(timer: Pick<DueTimer, 'actor' | 'key' | 'commandId'>, at: number): Promise<void> {
    try {
      await this.sql`
        update timers set claimed_until = ${at}
        where actor = ${timer.actor} and key = ${timer.key} and command_id = ${timer.commandId}`;
    } catch (cause) {
      throw storeError(cause, `giving back timer ${timer.key} of ${timer.actor}`);
    }
  }

  async nextDue(): Promise<number | undefined> {
    try {
      const [row] = await this.sql<{ at: string | null }[]>`
        select min(greatest(due_at, coalesce(claimed_until, 0))) as at from timers`;
      return row?.at == null ? undefined : Number(row.at);
    } catch (cause) {
      throw storeError(cause, 'reading the next due timer');
    }
  }
}
