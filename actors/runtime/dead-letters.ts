import type { Sql } from 'postgres';
import { EventNotSerializableError, storeError, toJsonText } from '../../store/index.js';
import type { CommandEnvelope } from './types.js';

export interface DeadLetter {
  id: number;
  actor: string;
  commandId: string;
  command: CommandEnvelope;
  error: string;
  attempts: number;
  node: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  id: string;
  actor: string;
  command_id: string;
  command: CommandEnvelope | string;
  error: string;
  attempts: number;
  node: string | null;
  created_at: Date;
  updated_at: Date;
}

const toDeadLetter = (row: Row): DeadLetter => ({
  id: Number(row.id),
  actor: row.actor,
  commandId: row.command_id,
  command: typeof row.command === 'string' ? (JSON.parse(row.command) as CommandEnvelope) : row.command,
  error: row.error,
  attempts: row.attempts,
  node: row.node,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * The command as the `command` jsonb column keeps it: its JSON, or, when it holds text that jsonb
 * refuses (a NUL, an unpaired surrogate: a command from a sender that skipped the edge's checks),
 * its JSON text as one jsonb string. JSON.stringify escapes both (`\u0000`, `\udfff`), so that
 * string is plain text, and reading it back (`toDeadLetter`) gives the very same command.
 */
function storable(command: CommandEnvelope): string {
  try {
    return toJsonText(command, 'command');
  } catch (error) {
    if (!(error instanceof EventNotSerializableError)) throw error;
    return JSON.stringify(JSON.stringify(command));
  }
}

/** An error's text as a `text` column keeps it: a NUL written as `\0`, an unpaired surrogate as U+FFFD. */
function keepableText(text: string): string {
  return (text.replaceAll('\u0000', '\\0') as unknown as { toWellFormed(): string }).toWellFormed();
}

/** Commands that crashed their actor on every attempt, kept in PostgreSQL for an operator. */
export class DeadLetters {
  constructor(private readonly sql: Sql) {}

  /** Keeps the command with its error; the same command dead-lettered again updates its entry. */
  async add(command: CommandEnvelope, error: unknown, attempts: number, node: string): Promise<void> {
    const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
    try {
      await this.sql`
        insert into dead_letters (actor, command_id, command, error, attempts, node)
        values (${command.to}, ${command.id}, ${storable(command)}::text::jsonb, ${keepableText(text.slice(0, 8_000))}, ${attempts}, ${node})
        on conflict (command_id) do update
          set error = excluded.error, attempts = dead_letters.attempts + excluded.attempts,
              node = excluded.node, updated_at = now()`;
    } catch (cause) {
      throw storeError(cause, `dead-lettering ${command.id} for ${command.to}`);
    }
  }

  async list(options: { actor?: string; limit?: number; afterId?: number } = {}): Promise<DeadLetter[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1_000);
    try {
      const rows = await this.sql<Row[]>`
        select id, actor, command_id, command, error, attempts, node, created_at, updated_at from dead_letters
        where id > ${options.afterId ?? 0} ${options.actor ? this.sql`and actor = ${options.actor}` : this.sql``}
        order by id limit ${limit}`;
      return rows.map(toDeadLetter);
    } catch (cause) {
      throw storeError(cause, 'listing dead letters');
    }
  }

  async get(id: number): Promise<DeadLetter | undefined> {
    try {
      const [row] = await this.sql<Row[]>`
        select id, actor, command_id, command, error, attempts, node, created_at, updated_at from dead_letters where id = ${id}`;
      return row && toDeadLetter(row);
    } catch (cause) {
      throw storeError(cause, `reading dead letter ${id}`);
    }
  }

  /** Removes an entry; true when it existed. */
  async remove(id: number): Promise<boolean> {
    try {
      const rows = await this.sql`delete from dead_letters where id = ${id} returning id`;
      return rows.length > 0;
    } catch (cause) {
      throw storeError(cause, `removing dead letter ${id}`);
    }
  }

  async count(): Promise<number> {
    const [row] = await this.sql<{ n: number }[]>`select count(*)::int as n from dead_letters`;
    return row?.n ?? 0;
  }
}
