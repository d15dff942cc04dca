import type { Sql } from 'postgres';
import type { DeadLetterRecord, DeadLetterStore, DeadLetterToKeep } from '../dead-letters.js';
import { EventNotSerializableError, storeError } from '../errors.js';
import { toJsonText } from '../serialize.js';

interface Row {
  id: string;
  actor: string;
  command_id: string;
  command: unknown;
  error: string;
  attempts: number;
  node: string | null;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (row: Row): DeadLetterRecord => ({
  id: Number(row.id),
  actor: row.actor,
  commandId: row.command_id,
  // A string is a message jsonb refused, kept as its JSON text (see `storable`).
  message: typeof row.command === 'string' ? JSON.parse(row.command) : row.command,
  error: row.error,
  attempts: row.attempts,
  node: row.node,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * The message as the `command` jsonb column keeps it: its JSON, or, when it holds text that jsonb
 * refuses (a NUL, an unpaired surrogate: a message from a sender that skipped the edge's checks),
 * its JSON text as one jsonb string. JSON.stringify escapes both (`\u0000`, `\udfff`), so that
 * string is plain text, and reading it back (`toRecord`) gives the very same message.
 */
function storable(message: unknown): string {
  try {
    return toJsonText(message, 'command');
  } catch (error) {
    if (!(error instanceof EventNotSerializableError)) throw error;
    return JSON.stringify(JSON.stringify(message));
  }
}

/** An error's text as a `text` column keeps it: a NUL written as `\0`, an unpaired surrogate as U+FFFD. */
function keepableText(text: string): string {
  return (text.replaceAll('\u0000', '\\0') as unknown as { toWellFormed(): string }).toWellFormed();
}

/** Dead letters in the `dead_letters` table, on PostgreSQL and PGlite alike. */
export class PostgresDeadLetters implements DeadLetterStore {
  constructor(private readonly sql: Sql) {}

  async keep(letter: DeadLetterToKeep): Promise<void> {
    try {
      await this.sql`
        insert into dead_letters (actor, command_id, message_key, command, error, attempts, node)
        values (${letter.actor}, ${letter.commandId}, ${letter.key}, ${storable(letter.message)}::text::jsonb, ${keepableText(letter.error.slice(0, 8_000))}, ${letter.attempts}, ${letter.node})
        on conflict (message_key) do update
          set error = excluded.error, attempts = dead_letters.attempts + excluded.attempts,
              node = excluded.node, updated_at = now()`;
    } catch (cause) {
      throw storeError(cause, `dead-lettering ${letter.commandId} for ${letter.actor}`);
    }
  }

  async list(options: { actor?: string; limit?: number; afterId?: number } = {}): Promise<DeadLetterRecord[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1_000);
    try {
      const rows = await this.sql<Row[]>`
        select id, actor, command_id, command, error, attempts, node, created_at, updated_at from dead_letters
        where id > ${options.afterId ?? 0} ${options.actor ? this.sql`and actor = ${options.actor}` : this.sql``}
        order by id limit ${limit}`;
      return rows.map(toRecord);
    } catch (cause) {
      throw storeError(cause, 'listing dead letters');
    }
  }

  async get(id: number): Promise<DeadLetterRecord | undefined> {
    try {
      const [row] = await this.sql<Row[]>`select id, actor, command_id, command, error, attempts, node, created_at, updated_at from dead_letters where id = ${id}`;
      return row && toRecord(row);
    } catch (cause) {
      throw storeError(cause, `reading dead letter ${id}`);
    }
  }

  async remove(id: number): Promise<boolean> {
    try {
      const rows = await this.sql`delete from dead_letters where id = ${id} returning id`;
      return rows.length > 0;
    } catch (cause) {
      throw storeError(cause, `removing dead letter ${id}`);
    }
  }

  async count(): Promise<number> {
    try {
      const [row] = await this.sql<{ n: number }[]>`select count(*)::int as n from dead_letters`;
      return row?.n ?? 0;
    } catch (cause) {
      throw storeError(cause, 'counting dead letters');
    }
  }
}
