import type { Sql } from 'postgres';
import { EventIdConflictError, isConnectionError, storeError, StreamVersionConflictError } from '../errors.js';
import type { AppendResult, ExpectedVersion } from '../types.js';
import type { Batchable } from './group-commit.js';

/** An append validated and serialised in the caller's frame, waiting for its batch. */
export interface PendingAppend extends Batchable {
  readonly streamId: string;
  readonly streamType: string;
  readonly expected: ExpectedVersion;
  readonly eventIds: readonly string[];
  /** JSON objects `{"k":…,"i":…,"id":…,"type":…,"sv":…,"data":…,"meta":…}` without `k`, pre-rendered. */
  readonly eventRows: readonly string[];
  resolve(result: AppendResult): void;
  reject(error: Error): void;
}

interface ResultRow {
  k: number;
  i: number;
  new_position: string | null;
  new_version: number | null;
  old_stream: string | null;
  old_version: number | null;
  old_position: string | null;
}

/**
 * One statement appends a whole batch. Each append bumps its stream's row in `streams` only if
 * its expected version holds (the row lock serialises racing writers, and the re-check after the
 * lock makes the loser miss), and only the appends whose bump succeeded insert their events. An
 * append whose event ids are all stored already is an idempotent retry and writes nothing.
 */
const batchSql = (channel: string | undefined) => `
with
a as (
  select * from jsonb_to_recordset($1::text::jsonb) as x(k int, s text, t text, e int, n int)
),
ev as (
  select * from jsonb_to_recordset($2::text::jsonb) as x(k int, i int, id text, type text, sv int, data jsonb, meta jsonb)
),
known as (
  select distinct ev.k from ev join events on events.event_id = ev.id
),
todo as (
  select a.* from a where not exists (select 1 from known where known.k = a.k)
),
bumped as (
  update streams s set version = s.version + todo.n
  from todo
  where todo.e > 0 and s.stream_id = todo.s and s.version = todo.e
  returning todo.k, s.version
),
created as (
  insert into streams as s (stream_id, stream_type, version)
  select todo.s, todo.t, todo.n from todo where todo.e = 0
  on conflict (stream_id) do nothing
  returning s.stream_id, s.version
),
anyv as (
  insert into streams as s (stream_id, stream_type, version)
  select todo.s, todo.t, todo.n from todo where todo.e is null
  on conflict (stream_id) do update set version = s.version + excluded.version
  returning s.stream_id, s.version
),
ok as (
  select k, version from bumped
  union all select todo.k, c.version from created c join todo on todo.s = c.stream_id
  union all select todo.k, y.version from anyv y join todo on todo.s = y.stream_id
),
ins as (
  insert into events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata)
  select todo.s, todo.t, ok.version - todo.n + ev.i, ev.id, ev.type, ev.sv, ev.data, ev.meta
  from ok join todo on todo.k = ok.k join ev on ev.k = ok.k
  order by ok.k, ev.i
  returning event_id, position, version
)${channel ? `,
woke as (
  select pg_notify('${channel}', '') from (select 1 from ins limit 1) any_written
)` : ''}
select ev.k, ev.i,
       ins.position as new_position, ins.version as new_version,
       e.stream_id as old_stream, e.version as old_version, e.position as old_position
from ev
left join ins on ins.event_id = ev.id
left join events e on e.event_id = ev.id${channel ? `
left join (select count(*) from woke) w on true` : ''}
`;

const toSqlExpected = (expected: ExpectedVersion): number | null =>
  expected === 'any' ? null : expected === 'no-stream' ? 0 : expected;

/** Writes batches of appends; each append succeeds, is recognised as a retry, or fails alone. */
export class BatchWriter {
  private readonly text: string;

  constructor(
    private readonly sql: Sql,
    notifyChannel: string | undefined,
  ) {
    this.text = batchSql(notifyChannel);
  }

  async write(batch: PendingAppend[]): Promise<void> {
    let rows: ResultRow[];
    try {
      rows = await this.run(batch);
    } catch (error) {
      if (isConnectionError(error) || batch.length === 1) {
        // A lone append that lost a race on its own event ids sees them stored on a second try.
        if (batch.length === 1 && (error as { code?: string }).code === '23505') return this.retryAlone(batch[0]!);
        batch.forEach((item) => item.reject(storeError(error, `append to ${item.streamId}`)));
        return;
      }
      // One bad append (a deadlock across nodes, a value the database refuses) must not sink
      // the others: write each on its own so that it fails alone.
      await Promise.all(batch.map((item) => this.write([item])));
      return;
    }
    await this.settle(batch, rows);
  }

  private async retryAlone(item: PendingAppend): Promise<void> {
    try {
      await this.settle([item], await this.run([item]));
    } catch (error) {
      item.reject(storeError(error, `append to ${item.streamId}`));
    }
  }

  private run(batch: PendingAppend[]): Promise<ResultRow[]> {
    const appends: string[] = [];
    const events: string[] = [];
    batch.forEach((item, k) => {
      appends.push(
        `{"k":${k},"s":${JSON.stringify(item.streamId)},"t":${JSON.stringify(item.streamType)},"e":${JSON.stringify(
          toSqlExpected(item.expected),
        )},"n":${item.eventRows.length}}`,
      );
      for (const row of item.eventRows) events.push(`{"k":${k},${row}`);
    });
    return this.sql.unsafe<ResultRow[]>(this.text, [`[${appends.join(',')}]`, `[${events.join(',')}]`], {
      prepare: true,
    });
  }

  private async settle(batch: PendingAppend[], rows: ResultRow[]): Promise<void> {
    const byAppend: ResultRow[][] = batch.map(() => []);
    for (const row of rows) byAppend[row.k]!.push(row);
    const lost: PendingAppend[] = [];
    batch.forEach((item, k) => {
      const mine = byAppend[k]!.sort((x, y) => x.i - y.i);
      if (mine.length > 0 && mine.every((r) => r.new_position !== null)) {
        item.resolve({
          streamId: item.streamId,
          version: mine[mine.length - 1]!.new_version!,
          positions: mine.map((r) => Number(r.new_position)),
          duplicate: false,
        });
      } else if (mine.some((r) => r.old_stream !== null)) {
        settleRetry(item, mine.map((r) => r.old_stream === null ? undefined : {
          streamId: r.old_stream,
          version: r.old_version!,
          position: Number(r.old_position),
        }));
      } else {
        lost.push(item);
      }
    });
    if (lost.length > 0) await this.settleLost(lost);
  }

  /** Appends that wrote nothing: a version conflict, or a retry whose first try committed meanwhile. */
  private async settleLost(lost: PendingAppend[]): Promise<void> {
    try {
      const ids = lost.flatMap((item) => item.eventIds);
      const streams = lost.map((item) => item.streamId);
      const [stored, versions] = await Promise.all([
        this.sql<{ event_id: string; stream_id: string; version: number; position: string }[]>`
          select event_id, stream_id, version, position from events where event_id = any(${ids})`,
        this.sql<{ stream_id: string; version: number }[]>`
          select stream_id, version from streams where stream_id = any(${streams})`,
      ]);
      const storedById = new Map(stored.map((row) => [row.event_id, row]));
      const versionOf = new Map(versions.map((row) => [row.stream_id, row.version]));
      for (const item of lost) {
        const found = item.eventIds.map((id) => storedById.get(id));
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
    const clash = item.eventIds.find((_, i) => stored[i] !== undefined)!;
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
