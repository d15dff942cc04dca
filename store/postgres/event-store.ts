import type { Sql } from 'postgres';
import { AppendEmptyError, EventInvalidError, StoreClosedError, storeError } from '../errors.js';
import { toJsonText } from '../serialize.js';
import { streamTypeOf } from '../stream-id.js';
import type {
  AppendResult,
  CommandEvents,
  EventCodec,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  LatestState,
  LogCursor,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  RecordedEvent,
  Snapshot,
  SnapshotToSave,
  StoredData,
  StreamId,
  TailOptions,
  Transaction,
} from '../types.js';
import { LOG_START, MAX_STREAM_VERSION } from '../types.js';
import { Upcasters } from '../upcasters.js';
import { BatchWriter, type PendingAppend, type RenderedEvent } from './append.js';
import { fenceCheckpoint } from './checkpoint-fence.js';
import { CommitBell } from './commit-bell.js';
import { GroupCommit } from './group-commit.js';
import { KnownVersions } from './known-versions.js';
import { compareCursor } from './cursor.js';
import { LogFeed } from './log-feed.js';
import { logPage } from './log-page.js';
import { type TailPolicy } from './tail.js';
import { InOrder } from './in-order.js';
import { inTransaction } from './transaction.js';
import { Wake } from './wake.js';

export interface PostgresEventStoreOptions {
  /** Batches written at once; beyond the writer connections they queue on them (pipelined). 1 on PGlite. */
  maxInFlightBatches?: number;
  maxBatchEvents?: number;
  /** Connections that write the append batches; the store's own pool when absent. */
  writer?: Sql;
  /** How many connections `writer` has (default: one per batch in flight, no pipelining). */
  writerConnections?: number;
  /** LISTEN/NOTIFY channel that wakes tails on other nodes; off where only one process writes. */
  notifyChannel?: string;
  upcasters?: Upcasters;
  /** Encodes event data on append and decodes it on every read (personal fields encrypted). */
  codec?: EventCodec;
  tail?: Partial<TailPolicy>;
}

interface EventRow {
  position: string;
  tx_id: string;
  stream_id: string;
  stream_type: string;
  version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
  created_at: Date;
}

const eventColumns = 'position, tx_id::text as tx_id, stream_id, stream_type, version, event_id, type, schema_version, data, metadata, created_at';
const channelPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * `readAll`'s statement. One statement, one snapshot: the page and the head both stop below the
 * oldest transaction still running, so nothing it will commit can land behind the returned cursor.
 */
const readAllStatement = (page: string) => `
  with horizon as materialized (select pg_snapshot_xmin(pg_current_snapshot()) as xmin),
  page as (${page}),
  head as (
    select e.tx_id, e.position from events e, horizon h
    where e.tx_id < h.xmin order by e.tx_id desc, e.position desc limit 1
  )
  select p.position, p.tx_id::text as tx_id, p.stream_id, p.stream_type, p.version, p.event_id, p.type,
         p.schema_version, p.data, p.metadata, p.created_at,
         head.tx_id::text as head_tx, head.position as head_position
  from head left join page p on true
  order by p.tx_id, p.position`;
const readAllSql = {
  all: readAllStatement(logPage({ txId: '$1', position: '$2', limit: '$3' })),
  typed: readAllStatement(logPage({ txId: '$1', position: '$2', limit: '$3', types: '$4' })),
};

/** The event store in SQL, through postgres.js, on PostgreSQL or on PGlite. */
export class PostgresEventStore implements EventStore {
  private readonly commits: GroupCommit<PendingAppend>;
  private readonly wake = new Wake();
  private readonly upcasters: Upcasters;
  private readonly tailPolicy: TailPolicy;
  private readonly feed: LogFeed;
  /** Stream versions seen stored: appends that expect one of them skip the database's probe. */
  private readonly known = new KnownVersions();
  /** A stream's appends are encoded one after the other, so that none overtakes an earlier one. */
  private readonly encoding = new InOrder();
  private unlisten: (() => Promise<void>) | undefined;
  /** Notifies other processes' tails after appends commit (with a notify channel). */
  private readonly bell: CommitBell | undefined;
  private closed = false;

  private constructor(
    readonly sql: Sql,
    private readonly options: PostgresEventStoreOptions,
  ) {
    if (options.notifyChannel !== undefined && !channelPattern.test(options.notifyChannel)) {
      throw new Error(`notify channel ${options.notifyChannel} is not a plain identifier`);
    }
    const writer = new BatchWriter(options.writer ?? sql, this.known);
    this.commits = new GroupCommit((batch) => writer.write(batch), {
      maxInFlight: options.maxInFlightBatches ?? 2,
      connections: options.writerConnections ?? options.maxInFlightBatches ?? 2,
      maxBatchEvents: options.maxBatchEvents ?? 4_000,
      minSplitEvents: 64,
    });
    this.upcasters = options.upcasters ?? new Upcasters();
    this.tailPolicy = { minPollMs: 10, maxPollMs: 1_000, batchSize: 500, minReadGapMs: 20, ...options.tail };
    this.bell = options.notifyChannel === undefined ? undefined : new CommitBell(sql, options.notifyChannel);
    this.feed = new LogFeed((cursor, opts) => this.readAll(cursor, opts), this.wake, this.tailPolicy);
  }

  /** Opens the store on a migrated database; with a notify channel, listens for other writers. */
  static async open(sql: Sql, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(sql, options);
    if (options.notifyChannel) {
      const { unlisten } = await sql.listen(options.notifyChannel, () => store.wake.ring());
      store.unlisten = unlisten;
    }
    return store;
  }

  async decodeStored(events: StoredData[]): Promise<void> {
    await this.options.codec?.decode(events);
  }

  async append(streamId: StreamId, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> {
    if (this.closed) throw new StoreClosedError();
    const streamType = streamTypeOf(streamId);
    checkExpected(expected);
    if (!Array.isArray(events) || events.length === 0) throw new AppendEmptyError(streamId);
    const codec = this.options.codec;
    const stored = codec ? await this.encoding.run(streamId, () => codec.encode(streamId, events)) : events;
    const rendered = stored.map((event, i) => renderEvent(event, i));
    let result: AppendResult;
    try {
      result = await new Promise<AppendResult>((resolve, reject) =>
        this.commits.submit({ streamId, streamType, expected, events: rendered, eventCount: rendered.length, resolve, reject }),
      );
    } catch (error) {
      throw storeError(error, `append to ${streamId}`);
    }
    if (!result.duplicate) {
      this.wake.ring();
      this.bell?.ring();
    }
    return result;
  }

  async readStream(streamId: StreamId, range: { fromVersion?: number; toVersion?: number } = {}): Promise<RecordedEvent[]> {
    streamTypeOf(streamId);
    // Versions are 32-bit integers in the table: a range beyond them is empty, not a failed query.
    const from = Math.max(range.fromVersion ?? 1, 1);
    const to = Math.min(range.toVersion ?? MAX_STREAM_VERSION, MAX_STREAM_VERSION);
    if (from > to) return [];
    let rows: EventRow[];
    try {
      rows = await this.sql.unsafe<EventRow[]>(
        `select ${eventColumns} from events where stream_id = $1 and version >= $2 and version <= $3 order by version`,
        [streamId, from, to],
        { prepare: true },
      );
    } catch (error) {
      throw storeError(error, `reading ${streamId}`);
    }
    const last = rows[rows.length - 1];
    if (last) this.known.saw(streamId, last.version);
    await this.options.codec?.decode(rows);
    return rows.map((row) => this.toRecorded(row));
  }

  async streamVersion(streamId: StreamId): Promise<number> {
    streamTypeOf(streamId);
    try {
      const [row] = await this.sql<{ version: number | null }[]>`select max(version) as version from events where stream_id = ${streamId}`;
      const version = row?.version ?? 0;
      if (version > 0) this.known.saw(streamId, version);
      return version;
    } catch (error) {
      throw storeError(error, `reading the version of ${streamId}`);
    }
  }

  async streamVersions(streamIds: readonly StreamId[]): Promise<Map<StreamId, number>> {
    const ids = [...new Set(streamIds)];
    for (const id of ids) streamTypeOf(id);
    const versions = new Map<StreamId, number>();
    if (ids.length === 0) return versions;
    let rows: Array<{ stream_id: string; version: number | null }>;
    try {
      // A scalar max per stream (a backward probe of the unique index each), not a group by that
      // would read every event of the streams.
      rows = await this.sql.unsafe(
        'select s.id as stream_id, (select max(version) from events where stream_id = s.id) as version from unnest($1::text[]) as s(id)',
        [ids] as never[],
        { prepare: true },
      );
    } catch (error) {
      throw storeError(error, `reading the versions of ${ids.length} streams`);
    }
    for (const row of rows) {
      const version = row.version ?? 0;
      if (version > 0) this.known.saw(row.stream_id, version);
      versions.set(row.stream_id, version);
    }
    return versions;
  }

  async readAll(from: LogCursor, options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const limit = options.limit ?? this.tailPolicy.batchSize;
    const params: unknown[] = [String(from.txId), from.position, limit];
    if (options.types) params.push([...new Set(options.types)]);
    let rows: Array<EventRow & { head_tx: string; head_position: string }>;
    try {
      rows = await this.sql.unsafe(options.types ? readAllSql.typed : readAllSql.all, params as never[], { prepare: true });
    } catch (error) {
      throw storeError(error, 'reading the global log');
    }
    const found = rows.filter((row) => row.position !== null);
    await this.options.codec?.decode(found);
    const events = found.map((row) => this.toRecorded(row));
    let next = from;
    if (events.length === limit) {
      const last = events[events.length - 1]!;
      next = { txId: last.txId, position: last.position };
    } else if (rows.length > 0) {
      const head = { txId: Number(rows[0]!.head_tx), position: Number(rows[0]!.head_position) };
      if (compareCursor(head, from) > 0) next = head;
    }
    return { events, next };
  }

  tail(from: LogCursor, options: TailOptions = {}): AsyncIterable<RecordedEvent[]> {
    return this.feed.tail(from, options);
  }

  async saveSnapshot(snapshot: SnapshotToSave): Promise<void> {
    const streamType = streamTypeOf(snapshot.streamId);
    const state = toJsonText(snapshot.state, 'snapshot.state');
    try {
      // A snapshot never goes back: an older one arriving late leaves the newer in place.
      await this.sql`
        insert into snapshots (stream_id, stream_type, version, schema_version, state)
        values (${snapshot.streamId}, ${streamType}, ${snapshot.version}, ${snapshot.schemaVersion ?? 1}, ${state}::text::jsonb)
        on conflict (stream_id) do update
          set version = excluded.version, schema_version = excluded.schema_version,
              state = excluded.state, created_at = now()
          where snapshots.version <= excluded.version`;
    } catch (error) {
      throw storeError(error, `saving a snapshot of ${snapshot.streamId}`);
    }
  }

  async loadSnapshot<State = unknown>(streamId: StreamId): Promise<Snapshot<State> | undefined> {
    streamTypeOf(streamId);
    try {
      const [row] = await this.sql<{ version: number; schema_version: number; state: State; created_at: Date }[]>`
        select version, schema_version, state, created_at from snapshots where stream_id = ${streamId}`;
      if (!row) return undefined;
      return { streamId, version: row.version, schemaVersion: row.schema_version, state: row.state, createdAt: row.created_at };
    } catch (error) {
      throw storeError(error, `loading the snapshot of ${streamId}`);
    }
  }

  async loadLatest<State = unknown>(streamId: StreamId, schemaVersion: number): Promise<LatestState<State>> {
    streamTypeOf(streamId);
    // One statement: the snapshot's row (position null), then the events after it in version order.
    const text = `
      with snap as materialized (
        select version, state, created_at from snapshots where stream_id = $1 and schema_version = $2
      )
      select null::bigint as position, null as tx_id, null as stream_id, null as stream_type, version, null as event_id,
             null as type, $2::int as schema_version, state::json as data, null::json as metadata, created_at
      from snap
      union all
      (select ${eventColumns} from events
       where stream_id = $1 and version > coalesce((select version from snap), 0) order by version)`;
    let rows: EventRow[];
    try {
      rows = await this.sql.unsafe<EventRow[]>(text, [streamId, schemaVersion], { prepare: true });
    } catch (error) {
      throw storeError(error, `loading ${streamId}`);
    }
    // The snapshot's row is the one without a position (first, as PostgreSQL appends, but not relied upon).
    const snapped = rows.find((row) => row.position === null);
    const snapshot: Snapshot<State> | undefined = snapped
      ? { streamId, version: snapped.version, schemaVersion, state: snapped.data as State, createdAt: snapped.created_at }
      : undefined;
    const events = snapped ? rows.filter((row) => row !== snapped) : rows;
    // A snapshot's version proves nothing stored (a snapshot may be saved for any version).
    const highest = events.reduce((max, row) => Math.max(max, row.version), 0);
    if (highest > 0) this.known.saw(streamId, highest);
    await this.options.codec?.decode(events);
    return { snapshot, events: events.map((row) => this.toRecorded(row)) };
  }

  async loadCheckpoint(name: string): Promise<LogCursor> {
    try {
      const [row] = await this.sql<{ tx_id: string; position: string }[]>`
        select tx_id::text as tx_id, position from projection_checkpoints where name = ${name}`;
      return row ? { txId: Number(row.tx_id), position: Number(row.position) } : LOG_START;
    } catch (error) {
      throw storeError(error, `loading checkpoint ${name}`);
    }
  }

  async commitCheckpoint(name: string, cursor: LogCursor, update?: (tx: Transaction) => Promise<void>, fence?: { from: LogCursor }): Promise<void> {
    await inTransaction(this.sql, `committing checkpoint ${name}`, async (tx) => {
      if (fence) await fenceCheckpoint(tx, name, fence.from);
      if (update) await update(tx);
      await tx`
        insert into projection_checkpoints (name, tx_id, position) values (${name}, ${String(cursor.txId)}::text::xid8, ${cursor.position})
        on conflict (name) do update set tx_id = excluded.tx_id, position = excluded.position, updated_at = now()`;
    });
  }

  async commandEvents(streamId: StreamId, firstEventId: string, sender: { commandId: string; userId: string | undefined }): Promise<CommandEvents | undefined> {
    try {
      // The same command id from another sender may follow a command's events; the sender tells them apart.
      const [row] = await this.sql<{ version: number; metadata: EventMetadata; last: number | null }[]>`
        select first.version, first.metadata, (
          select max(version)::int from events
          where stream_id = ${streamId} and version between first.version and first.version + 1000
            and metadata->>'commandId' = ${sender.commandId} and (metadata->>'userId') is not distinct from ${sender.userId ?? null}
        ) as last
        from events first where first.event_id = ${firstEventId} and first.stream_id = ${streamId}`;
      return row && { firstVersion: row.version, lastVersion: row.last ?? row.version, metadata: row.metadata };
    } catch (error) {
      throw storeError(error, `looking up command ${sender.commandId} of ${streamId}`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits.close();
    await this.bell?.close();
    await this.unlisten?.().catch(() => undefined);
  }

  private toRecorded(row: EventRow): RecordedEvent {
    const upcast = this.upcasters.size === 0 ? { schemaVersion: row.schema_version, data: row.data } : this.upcasters.apply(row.type, row.schema_version, row.data);
    return {
      position: Number(row.position),
      txId: Number(row.tx_id),
      streamId: row.stream_id,
      streamType: row.stream_type,
      version: row.version,
      id: row.event_id,
      type: row.type,
      schemaVersion: upcast.schemaVersion,
      data: upcast.data,
      metadata: row.metadata,
      createdAt: row.created_at,
    };
  }
}

function checkExpected(expected: ExpectedVersion): void {
  if (expected === 'any' || expected === 'no-stream') return;
  if (!Number.isInteger(expected) || expected < 0) {
    throw new EventInvalidError(`expected version ${String(expected)} is not 'any', 'no-stream' or a whole number ≥ 0`);
  }
}

const eventTypePattern = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
/** Event types seen valid: a program has a few dozen, so each is matched against the pattern once. */
const eventTypes = new Set<string>();
const learnEventType = (type: string): boolean => {
  if (!eventTypePattern.test(type)) return false;
  if (eventTypes.size < 10_000) eventTypes.add(type);
  return true;
};

// Control characters would break the batch's field separator, and have no place in an id.
const controlCharacter = /[\u0000-\u001f\u007f]/;

function renderEvent(event: NewEvent, i: number): RenderedEvent {
  if (event === null || typeof event !== 'object') throw new EventInvalidError(`event ${i} is not an object`);
  if (typeof event.id !== 'string' || event.id.length === 0 || event.id.length > 200 || controlCharacter.test(event.id)) {
    throw new EventInvalidError(`event ${i} needs an id of 1 to 200 characters, none of them a control character`);
  }
  if (typeof event.type !== 'string' || !(eventTypes.has(event.type) || learnEventType(event.type))) {
    throw new EventInvalidError(`event ${i} has type ${JSON.stringify(event.type)}, not of the form area.noun.verb`);
  }
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
    throw new EventInvalidError(`event ${i} (${event.type}) needs data that is a JSON object`);
  }
  const sv = event.schemaVersion ?? 1;
  if (!Number.isInteger(sv) || sv < 1) throw new EventInvalidError(`event ${i} has schema version ${sv}`);
  return {
    id: event.id,
    type: event.type,
    schemaVersion: sv,
    data: toJsonText(event.data, () => `events[${i}].data`),
    metadata: toJsonText(event.metadata ?? {}, () => `events[${i}].metadata`),
  };
}
