import type { Sql } from 'postgres';
import { storeError } from '../errors.js';
import { logPage } from '../postgres/log-page.js';
import type { LogCursor } from '../types.js';

/** How far a cursor is behind the head of the log, for the event types a projection reads. */
export interface Lag {
  /** Events of the projection's types after the cursor that it has yet to apply. */
  events: number;
  /** True when `events` passed the counting cap and is an estimate from log positions. */
  approximate: boolean;
  /** Age of the oldest event not applied yet (0 when none is waiting). */
  seconds: number;
  /** The last event of the log that is safe to read (no older transaction still running). */
  head: LogCursor;
  /** Rough share of the log behind the cursor, 0..1, by position (for rebuild progress). */
  progress: number;
}

interface Row {
  pending: number;
  oldest_age: number | null;
  head_tx: string | null;
  head_position: string | null;
}

/** Counting stops here; beyond it the lag is estimated, so a status call stays cheap. */
const countCap = 10_000;

const lagSql = `
  with horizon as materialized (select pg_snapshot_xmin(pg_current_snapshot()) as xmin),
  pending as (${logPage({ txId: '$1', position: '$2', types: '$3', limit: '$4' })}),
  head as (
    select e.tx_id, e.position from events e, horizon h
    where e.tx_id < h.xmin order by e.tx_id desc, e.position desc limit 1
  )
  select (select count(*) from pending)::int as pending,
         extract(epoch from now() - (select min(created_at) from pending))::float8 as oldest_age,
         head.tx_id::text as head_tx, head.position::text as head_position
  from (select 1) as one left join head on true`;

/**
 * Measures the lag of `cursor` in one statement: the events after it counted up to 10,000 (a page
 * of the log, `logPage`), the age of the first of them and the head of the log, all below the
 * same safe horizon the log is read with.
 */
export async function measureLag(sql: Sql, cursor: LogCursor, types: readonly string[]): Promise<Lag> {
  let row: Row | undefined;
  try {
    [row] = await sql.unsafe<Row[]>(
      lagSql,
      [String(cursor.txId), cursor.position, [...new Set(types)], countCap + 1],
      { prepare: true },
    );
  } catch (error) {
    throw storeError(error, 'measuring projection lag');
  }
  const head = row?.head_tx ? { txId: Number(row.head_tx), position: Number(row.head_position) } : cursor;
  const pending = row?.pending ?? 0;
  const approximate = pending > countCap;
  const events = approximate ? Math.max(countCap, head.position - cursor.position) : pending;
  const progress = pending === 0 || head.position <= 0 ? 1 : Math.min(1, Math.max(0, cursor.position / head.position));
  return { events, approximate, seconds: Math.max(0, row?.oldest_age ?? 0), head, progress };
}
