import type { Sql } from 'postgres';
import { ErrorCode, GamifierError } from '../../protocol/errors.js';
import { storeError } from '../errors.js';
import type { RecordedEvent, Transaction } from '../types.js';

/**
 * An event a projector could not apply and moved past (see `Projector`), or — `skipped` — one an
 * operator discarded for good. It belongs to one generation of one projection; the event itself
 * is the log's, shown here as stored (before upcasting).
 *
 * @example
 * { id: 4, projection: 'leaderboard', generation: 1, position: 812, txId: 9021, streamId: 'user/eve',
 *   streamType: 'user', streamVersion: 1, event: { id: '…', type: 'user.registered', data: {…}, … },
 *   error: 'committing checkpoint projection.leaderboard.g1: invalid input syntax for type json (…)',
 *   attempts: 3, status: 'parked', parkedAt: '…', lastFailedAt: '…', skippedAt: null }
 */
export interface ParkedEvent {
  id: number;
  projection: string;
  generation: number;
  position: number;
  txId: number;
  streamId: string;
  streamType: string;
  streamVersion: number;
  event: { id: string; type: string; schemaVersion: number; data: unknown; metadata: unknown; createdAt: string };
  /** The last failure's text. */
  error: string;
  /** Failures of the event applied on its own: the projector's, then each failed retry. */
  attempts: number;
  status: 'parked' | 'skipped';
  parkedAt: string;
  lastFailedAt: string;
  skippedAt: string | null;
}

export class ParkedEventNotFoundError extends GamifierError {
  constructor(projection: string, id: number | string) {
    super(ErrorCode.PARKED_EVENT_NOT_FOUND, `projection ${projection} has no parked event ${id}`);
  }
}

interface Row {
  id: string;
  projection: string;
  generation: number;
  position: string;
  tx_id: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number | null;
  data: unknown;
  metadata: unknown;
  created_at: Date | null;
  error: string;
  attempts: number;
  status: 'parked' | 'skipped';
  parked_at: Date;
  last_failed_at: Date;
  skipped_at: Date | null;
}

const selectParked = `
  select p.id::text as id, p.projection, p.generation, p.position::text as position, p.tx_id::text as tx_id,
         p.stream_id, p.stream_type, p.stream_version, p.event_id, p.event_type, e.schema_version, e.data, e.metadata,
         e.created_at, p.error, p.attempts, p.status, p.parked_at, p.last_failed_at, p.skipped_at
  from parked_events p left join events e on e.position = p.position`;

/**
 * Records `event` as parked, in the transaction that moves the checkpoint past it. (The fence
 * lets a generation park a position once; a row already there is a skipped record left by an
 * abandoned rebuild of the same generation number, which this parking replaces.)
 */
export async function parkEvent(
  tx: Transaction,
  entry: { projection: string; generation: number; event: RecordedEvent; error: string; attempts: number },
): Promise<void> {
  const { event } = entry;
  await tx`
    insert into parked_events (projection, generation, position, tx_id, stream_id, stream_type, stream_version, event_id, event_type, error, attempts)
    values (${entry.projection}, ${entry.generation}, ${event.position}, ${String(event.txId)}::text::xid8, ${event.streamId},
            ${event.streamType}, ${event.version}, ${event.id}, ${event.type}, ${entry.error}, ${entry.attempts})
    on conflict (projection, generation, position) do update
      set error = excluded.error, attempts = excluded.attempts, status = 'parked', parked_at = now(), last_failed_at = now(), skipped_at = null`;
}

/**
 * A projection's entries, in log order: those still parked, or (`status: 'skipped'`) the record
 * of those an operator skipped. `generation` narrows them to one generation.
 */
export async function listParked(
  sql: Sql,
  projection: string,
  options: { generation?: number; status?: 'parked' | 'skipped'; limit?: number; afterId?: number } = {},
): Promise<ParkedEvent[]> {
  const status = options.status ?? 'parked';
  try {
    const rows = await sql.unsafe<Row[]>(
      `${selectParked}
       where p.projection = $1 and p.status = $2 and ($3::int is null or p.generation = $3) and p.id > $4
       order by p.position, p.id limit $5`,
      [projection, status, options.generation ?? null, options.afterId ?? 0, options.limit ?? 100],
    );
    return rows.map(fromRow);
  } catch (error) {
    throw storeError(error, `listing the parked events of ${projection}`);
  }
}

/** How many events are parked in one generation of a projection. */
export async function countParked(sql: Sql, projection: string, generation: number): Promise<number> {
  try {
    const [row] = await sql<{ parked: number }[]>`
      select count(*)::int as parked from parked_events
      where projection = ${projection} and generation = ${generation} and status = 'parked'`;
    return row?.parked ?? 0;
  } catch (error) {
    throw storeError(error, `counting the parked events of ${projection}`);
  }
}

/** The entry if it is still parked. */
export async function loadParked(sql: Sql | Transaction, projection: string, id: number): Promise<ParkedEvent | undefined> {
  const [row] = await sql.unsafe<Row[]>(`${selectParked} where p.id = $1 and p.projection = $2 and p.status = 'parked'`, [id, projection]);
  return row ? fromRow(row) : undefined;
}

/** Takes the entry off the parked list, if it is still on it (the retry's transaction). */
export async function unpark(tx: Transaction, id: number): Promise<boolean> {
  return (await tx`delete from parked_events where id = ${id} and status = 'parked' returning id`).length > 0;
}

/** Another failure of a parked event (a retry): it stays parked with the new error. */
export async function recordFailure(sql: Sql, id: number, error: string): Promise<ParkedEvent | undefined> {
  const [row] = await sql<{ projection: string }[]>`
    update parked_events set attempts = attempts + 1, error = ${error}, last_failed_at = now()
    where id = ${id} and status = 'parked' returning projection`;
  return row ? loadParked(sql, row.projection, id) : undefined;
}

/** Discards a parked event for good: the entry stays as the record of it, `skipped`. */
export async function skipParked(sql: Sql, projection: string, id: number): Promise<ParkedEvent> {
  const [row] = await sql<{ id: string }[]>`
    update parked_events set status = 'skipped', skipped_at = now()
    where id = ${id} and projection = ${projection} and status = 'parked' returning id`;
  if (!row) throw new ParkedEventNotFoundError(projection, id);
  const [skipped] = await sql.unsafe<Row[]>(`${selectParked} where p.id = $1`, [id]);
  return fromRow(skipped!);
}

/**
 * Forgets the events parked in a generation whose tables are being dropped: nobody can retry
 * them into those tables any more. Skipped entries stay, as the record of what was discarded.
 */
export async function dropParked(tx: Transaction, projection: string, generation: number): Promise<void> {
  await tx`delete from parked_events where projection = ${projection} and generation = ${generation} and status = 'parked'`;
}

function fromRow(row: Row): ParkedEvent {
  return {
    id: Number(row.id),
    projection: row.projection,
    generation: row.generation,
    position: Number(row.position),
    txId: Number(row.tx_id),
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    event: {
      id: row.event_id,
      type: row.event_type,
      schemaVersion: row.schema_version ?? 1,
      data: row.data ?? null,
      metadata: row.metadata ?? null,
      createdAt: row.created_at?.toISOString() ?? '',
    },
    error: row.error,
    attempts: row.attempts,
    status: row.status,
    parkedAt: row.parked_at.toISOString(),
    lastFailedAt: row.last_failed_at.toISOString(),
    skippedAt: row.skipped_at?.toISOString() ?? null,
  };
}
