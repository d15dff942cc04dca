import type { Sql } from 'postgres';
import { EventIdConflictError, isConnectionError, StoreQueryError, storeError, StreamVersionConflictError } from '../errors.js';
import type { AppendResult, ExpectedVersion } from '../types.js';
import type { Batchable } from './group-commit.js';
import type { KnownVersions } from './known-versions.js';

/** An event of an append, validated and serialised in the caller's frame. */
export interface RenderedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** JSON text; never holds a control character, so {@link FIELD_SEPARATOR} cannot occur in it. */
  readonly data: string;
  readonly metadata: string;
}

/** An append waiting for its batch. */
export interface PendingAppend extends Batchable {
  readonly streamId: string;
  readonly streamType: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly RenderedEvent[];
  resolve(result: AppendResult): void;
  reject(error: Error): void;
}

/**
 * Separates the values of a text column in the batch's parameters (ASCII record separator).
 * JSON text as JSON.stringify writes it escapes every control character, stream ids and event
 * types are patterns without them, and event ids are refused if they hold one; so splitting on
 * it needs no escaping on either side, unlike an array literal, whose quoting of every `"` of
 * the JSON costs both the client and the server.
 */
export const FIELD_SEPARATOR = '\u001e';

/**
 * An event of the batch: written by this statement (`fresh`), or found stored before it (then `k`
 * is its row in the parameters, counted from 1).
 */
interface ResultRow {
  stream_id: string;
  version: number;
  position: string;
  /** Absent where the statement did not look for stored ids: then every row is fresh. */
  fresh?: boolean;
  k?: number | null;
}

/**
 * One statement appends a whole batch, one row of parameters per event. The stream's version is
 * its highest event version: `unique (stream_id, version)` is what keeps a stream from forking.
 * An append that expects version `e` inserts `e + 1 … e + n` only if event `e` exists (none for
 * `NO_STREAM`), a probe of that unique index that refuses an expectation ahead of the stream;
 * where this process has seen event `e` stored (`KnownVersions`: an actor appends on top of what
 * it loaded or last wrote), it is known to exist and the probe is skipped, which took a sixth of
 * the backend's time per event. An expectation behind the stream is refused by the index
 * itself: event `e + 1` is taken, the insert fails the statement with a unique violation naming
 * the stream, and `BatchWriter.write` settles that append alone and writes the rest again. A
 * probe for `e + 1` would spare that failed statement, but conflicts are rare (an actor knows its
 * stream's version) and the probe cost every append: 7 % of the batch statement's throughput,
 * measured. Two writers racing with the same expectation meet on the index too, where the second
 * waits for the first to commit and then fails. An `ANY` append takes the stream's highest
 * version as its base.
 *
 * `checkIds` first looks up the batch's event ids: an append whose ids are stored already is an
 * idempotent retry and writes nothing. An append that expects `NO_STREAM` or a version does not
 * need it: a retry whose first try committed finds its next version taken (and `settleLost` then
 * finds its ids), and ids stored by anything else fail the statement on the unique index of event
 * ids, after which the batch is written again checked. An `ANY` append always needs it.
 *
 * The probes are kept as correlated subqueries (`offset 0`) so that the planner cannot turn them
 * into joins, which a plan made on a nearly empty table would run as whole-table scans.
 *
 * Without the id lookup the insert is the only reader of `u`, and PostgreSQL inlines it: rows go
 * from `unnest` to the insert in ordinality order, with no sort. A materialised `u` went through
 * a tuple store and a sort of its own; that cost the backend about a tenth more CPU per event
 * than a plain `unnest` insert of the same 96 rows, and inlining brought it level (measured
 * side by side). With the lookup, `u` has two readers and is computed once, materialised.
 *
 * Other nodes learn of the batch from `CommitBell`, after the commit: a NOTIFY inside the
 * statement makes every commit take PostgreSQL's one notification lock, held until its WAL is
 * flushed, so the writer connections could no longer share a flush.
 */
const batchSql = (checkIds: boolean) => `
with
u as ${checkIds ? 'materialized ' : ''}(
  select x.*, case when x.e is null then coalesce((select max(m.version) from events m where m.stream_id = x.s), 0) else x.e end as base
  from unnest(
    string_to_array($1, E'\\x1e'), string_to_array($2, E'\\x1e'), $3::text::int[], $4::text::int[],
    string_to_array($5, E'\\x1e'), string_to_array($6, E'\\x1e'), $7::text::int[],
    string_to_array($8, E'\\x1e'), string_to_array($9, E'\\x1e'), $10::text::bool[]
  ) with ordinality as x(s, t, e, i, id, type, sv, data, meta, probe, k)
),${checkIds ? `
known as (
  select u.s as append_to, u.k, stored.*
  from u cross join lateral (
    select stream_id, version, position from events where event_id = u.id offset 0
  ) stored
),` : ''}
ins as (
  insert into events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata)
  select u.s, u.t, u.base + u.i, u.id, u.type, u.sv, u.data::json, u.meta::json
  from u
  where (not u.probe or exists (select 1 from events p where p.stream_id = u.s and p.version = u.e offset 0))${checkIds ? `
    and u.s <> all(array(select append_to from known))` : ''}
  order by u.k
  returning stream_id, version, position
)
select ${checkIds ? 'null::int as k, ' : ''}stream_id, version, position${checkIds ? ', true as fresh' : ''} from ins${checkIds ? `
union all
select k::int, stream_id, version, position, false from known` : ''}
`;

const UNIQUE_VIOLATION = '23505';
const EVENT_ID_UNIQUE = 'events_event_id_unique';
const STREAM_VERSION_UNIQUE = 'events_stream_version_unique';
/** The violation's detail, `Key (stream_id, version)=(user/u42, 7) already exists.` (stream ids hold no `,` or space). */
const takenVersion = /^Key \(stream_id, version\)=\(([^,\s]+), \d+\) already exists\.$/;
/** Writes that race on one stream, each trying again after the other committed, before giving up. */
const MAX_RACE_RETRIES = 8;

/**
 * The ten columns of a batch, one value per event. An append that expects a version this process
 * has not seen stored is probed for it (`probe`); one that expects none, any, or a version it
 * knows, is not.
 */
function batchParameters(batch: readonly PendingAppend[], known: KnownVersions): string[] {
  const streams: string[] = [];
  const types: string[] = [];
  const expected: string[] = [];
  const index: string[] = [];
  const ids: string[] = [];
  const eventTypes: string[] = [];
  const schemaVersions: string[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  const probes: string[] = [];
  for (const item of batch) {
    const e = item.expected === 'any' ? 'NULL' : item.expected === 'no-stream' ? '0' : String(item.expected);
    const probe = typeof item.expected === 'number' && !known.has(item.streamId, item.expected) ? 't' : 'f';
    item.events.forEach((event, i) => {
      streams.push(item.streamId);
      types.push(item.streamType);
      expected.push(e);
      index.push(String(i + 1));
      ids.push(event.id);
      eventTypes.push(event.type);
      schemaVersions.push(String(event.schemaVersion));
      data.push(event.data);
      metadata.push(event.metadata);
      probes.push(probe);
    });
  }
  const text = (values: string[]) => values.join(FIELD_SEPARATOR);
  const ints = (values: string[]) => `{${values.join(',')}}`;
  return [text(streams), text(types), ints(expected), ints(index), text(ids), text(eventTypes), ints(schemaVersions), text(data), text(metadata), ints(probes)];
}

/** Writes batches of appends; each append succeeds, is recognised as a retry, or fails alone. */
export class BatchWriter {
  private readonly text: { checked: string; unchecked: string };
  /** The highest global position this writer has seen: how big the log is, roughly. */
  private highestPosition = 0;

  constructor(
    private readonly sql: Sql,
    private readonly known: KnownVersions,
  ) {
    this.text = { checked: batchSql(true), unchecked: batchSql(false) };
  }

  async write(batch: PendingAppend[], checkIds = batch.some((item) => item.expected === 'any'), races = 0): Promise<void> {
    let rows: ResultRow[];
    try {
      rows = await this.run(batch, checkIds);
    } catch (error) {
      if (isConnectionError(error)) {
        batch.forEach((item) => item.reject(storeError(error, `append to ${item.streamId}`)));
        return;
      }
      const { code, constraint_name: constraint, detail } = error as { code?: string; constraint_name?: string; detail?: string };
      if (code === UNIQUE_VIOLATION && constraint === EVENT_ID_UNIQUE && !checkIds) return this.write(batch, true, races);
      if (code === UNIQUE_VIOLATION && constraint === STREAM_VERSION_UNIQUE) {
        // A stream's next version is taken: an append behind its stream, a retry whose first try
        // committed, or the loser of a race, which waited for the winner's commit.
        const stream = batch.length === 1 ? batch[0]!.streamId : takenVersion.exec(detail ?? '')?.[1];
        const taken = batch.find((item) => item.streamId === stream);
        if (taken) {
          const rest = batch.filter((item) => item !== taken);
          await Promise.all([
            // An ANY append takes the new highest version as its base on a second try.
            taken.expected === 'any' && races < MAX_RACE_RETRIES ? this.write([taken], true, races + 1) : this.settleLost([taken]),
            rest.length > 0 ? this.write(rest, checkIds, races) : undefined,
          ]);
          return;
        }
      }
      if (batch.length > 1) {
        // One bad append (a deadlock across nodes, a value the database refuses, a violation
        // whose detail is not read as above) must not sink the others: write each on its own
        // so that it fails alone.
        await Promise.all(batch.map((item) => this.write([item], checkIds, races)));
        return;
      }
      // A lone append whose event id another writer was inserting at the same time waited for
      // that commit: a second try finds the id stored, and answers with a duplicate or a clash.
      if (code === UNIQUE_VIOLATION && races < MAX_RACE_RETRIES) return this.write(batch, true, races + 1);
      batch[0]!.reject(storeError(error, `append to ${batch[0]!.streamId}`));
      return;
    }
    await this.settle(batch, rows);
  }

  private run(batch: PendingAppend[], checkIds: boolean): Promise<ResultRow[]> {
    // Prepared, the statement is parsed and planned once per connection: planning it per batch
    // took a fifth of the database's time. PostgreSQL soon settles on one generic plan, costed
    // on the table sizes of that moment, and keeps it until autovacuum analyses the tables again;
    // a plan made while the log was nearly empty scans tables that an index serves once they
    // grow. So the text names the log's order of magnitude, and each tenfold growth prepares a
    // fresh statement whose plan fits the tables as they are.
    const text = `${checkIds ? this.text.checked : this.text.unchecked}-- log of ${String(this.highestPosition).length} digits`;
    return this.sql.unsafe<ResultRow[]>(text, batchParameters(batch, this.known), { prepare: true });
  }

  private async settle(batch: PendingAppend[], rows: ResultRow[]): Promise<void> {
    // A stream appears once per batch, so the fresh rows of an append are those of its stream;
    // rows found stored are known by their parameter row.
    const fresh = new Map<string, ResultRow[]>();
    const known = new Map<number, ResultRow>();
    for (const row of rows) {
      if (row.fresh === false) known.set(row.k!, row);
      else {
        const written = fresh.get(row.stream_id);
        if (written) written.push(row);
        else fresh.set(row.stream_id, [row]);
      }
    }
    const lost: PendingAppend[] = [];
    let k = 1;
    for (const item of batch) {
      const first = k;
      k += item.events.length;
      const mine = fresh.get(item.streamId);
      if (mine && mine.length !== item.events.length) {
        // The statement writes an append's events all or none; anything else is a bug to see.
        item.reject(new StoreQueryError(`append to ${item.streamId} wrote ${mine.length} of its ${item.events.length} events`));
        continue;
      }
      if (mine) {
        mine.sort((a, b) => a.version - b.version);
        const last = mine[mine.length - 1]!;
        this.highestPosition = Math.max(this.highestPosition, Number(last.position));
        this.known.saw(item.streamId, last.version);
        item.resolve({ streamId: item.streamId, version: last.version, positions: mine.map((row) => Number(row.position)), duplicate: false });
        continue;
      }
      const stored = item.events.map((_, i) => known.get(first + i));
      if (stored.some((row) => row !== undefined)) {
        settleRetry(item, stored.map((row) => row && { streamId: row.stream_id, version: row.version, position: Number(row.position) }));
      } else {
        lost.push(item);
      }
    }
    if (lost.length > 0) await this.settleLost(lost);
  }

  /** Appends that wrote nothing: a version conflict, or a retry whose first try committed meanwhile. */
  private async settleLost(lost: PendingAppend[]): Promise<void> {
    try {
      const ids = lost.flatMap((item) => item.events.map((event) => event.id));
      const streams = lost.map((item) => item.streamId);
      const [stored, versions] = await Promise.all([
        this.sql<{ event_id: string; stream_id: string; version: number; position: string }[]>`
          select event_id, stream_id, version, position from events where event_id = any(${ids})`,
        this.sql<{ stream_id: string; version: number }[]>`
          select s.stream_id, (select coalesce(max(e.version), 0) from events e where e.stream_id = s.stream_id) as version
          from unnest(${streams}::text[]) as s(stream_id)`,
      ]);
      const storedById = new Map(stored.map((row) => [row.event_id, row]));
      const versionOf = new Map(versions.map((row) => [row.stream_id, row.version]));
      for (const { stream_id: streamId, version } of versions) if (version > 0) this.known.saw(streamId, version);
      for (const item of lost) {
        const found = item.events.map((event) => storedById.get(event.id));
        if (found.some((row) => row !== undefined)) {
          settleRetry(item, found.map((row) => row && { streamId: row.stream_id, version: row.version, position: Number(row.position) }));
        } else {
          item.reject(new StreamVersionConflictError(item.streamId, item.expected, versionOf.get(item.streamId) ?? 0));
        }
      }
    } catch (error) {
      lost.forEach((item) => item.reject(storeError(error, `append to ${item.streamId}`)));
    }
  }
}

type Stored = { streamId: string; version: number; position: number } | undefined;

/** Resolves an append whose event ids are already stored, if they are exactly this append. */
function settleRetry(item: PendingAppend, stored: Stored[]): void {
  const sameAppend = stored.every(
    (row, i) => row !== undefined && row.streamId === item.streamId && (i === 0 || row.version === stored[i - 1]!.version + 1),
  );
  if (!sameAppend) {
    const clash = item.events.find((_, i) => stored[i] !== undefined)!.id;
    item.reject(
      new EventIdConflictError(clash, `event id ${clash} is stored already, but not as this append to ${item.streamId}`),
    );
    return;
  }
  item.resolve({
    streamId: item.streamId,
    version: stored[stored.length - 1]!.version,
    positions: stored.map((row) => row!.position),
    duplicate: true,
  });
}
