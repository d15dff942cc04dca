import type { Transaction } from '../types.js';

/** SQL types of the columns a batch writes; a row is a plain object with these keys. */
export type Columns = Readonly<Record<string, 'text' | 'bigint' | 'integer' | 'numeric' | 'boolean' | 'timestamptz' | 'jsonb'>>;

type Row = object;

// Every statement sends its rows as one JSON parameter read by jsonb_to_recordset: one statement
// per table whatever the batch size, instead of one round trip per row. Unprepared on purpose,
// although postgres.js then asks for the parameter types first (a round trip more): prepared,
// PostgreSQL kept a generic plan made while the read models were nearly empty, and at 5,000
// commands/s the ack p50 went from 12–31 ms to 83–103 ms (docs/BENCHMARKS.md).
function recordset(columns: Columns): string {
  return `jsonb_to_recordset($1::text::jsonb) as r(${Object.entries(columns).map(([name, type]) => `${name} ${type}`).join(', ')})`;
}

/**
 * Inserts rows, replacing the other columns of rows whose `key` (the primary key) exists — or,
 * with `keep: 'existing'`, leaving those rows as they are. Keys must be unique in `rows`.
 *
 * @example
 * await upsertRows(tx, tables.rm_leaderboard, { user_id: 'text', points: 'bigint' }, ['user_id'], [{ user_id: 'u1', points: 40 }]);
 */
export async function upsertRows(
  tx: Transaction,
  table: string,
  columns: Columns,
  key: readonly string[],
  rows: readonly Row[],
  options: { keep?: 'existing' } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  const updates = names.filter((name) => !key.includes(name)).map((name) => `${name} = excluded.${name}`);
  const onConflict = updates.length === 0 || options.keep === 'existing' ? 'do nothing' : `do update set ${updates.join(', ')}`;
  await tx.unsafe(
    `insert into ${table} (${names.join(', ')}) select ${names.join(', ')} from ${recordset(columns)}
     on conflict (${key.join(', ')}) ${onConflict}`,
    [JSON.stringify(rows)],
  );
}

/** Deletes the rows whose key columns equal one of `keys`. */
export async function deleteRows(tx: Transaction, table: string, keyColumns: Columns, keys: readonly Row[]): Promise<void> {
  if (keys.length === 0) return;
  const match = Object.keys(keyColumns).map((name) => `t.${name} = r.${name}`).join(' and ');
  await tx.unsafe(`delete from ${table} t using ${recordset(keyColumns)} where ${match}`, [JSON.stringify(keys)]);
}

/** The rows whose key columns equal one of `keys`. */
export async function selectRows<R extends object>(tx: Transaction, table: string, keyColumns: Columns, keys: readonly Row[]): Promise<R[]> {
  if (keys.length === 0) return [];
  const match = Object.keys(keyColumns).map((name) => `t.${name} = r.${name}`).join(' and ');
  return tx.unsafe<R[]>(`select t.* from ${table} t, ${recordset(keyColumns)} where ${match}`, [JSON.stringify(keys)]);
}
