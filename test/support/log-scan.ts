// A consistency scan of the event log of one schema: what must hold after any fault of the
// cluster, whatever the nodes did.
import postgres from 'postgres';
import { shardOf } from '../../cluster/shards.js';

/** A command a client saw acknowledged: the event at `version` of `user/<userId>` must be its. */
export interface AcknowledgedCommand {
  id: string;
  userId: string;
  version?: number;
}

export interface ScanOptions {
  databaseUrl: string;
  schema: string;
  /** The commands acknowledged to clients (e.g. `load.acknowledged()`); those without a version are passed over. */
  acknowledged?: readonly AcknowledgedCommand[];
  /**
   * Players' points as some view shows them (`load.livePoints()`, {@link profilePoints}): each must
   * equal the log's sum — up to the stream version the view had reached, where it says (a live
   * watch is scanned while commands still land: later events are not its to have seen).
   */
  points?: ReadonlyMap<string, number | PointsSeen>;
}

/** Points as a watch showed them, after the events of its stream up to `atVersion`. */
export interface PointsSeen {
  points: number;
  atVersion: number;
}

export interface ScanReport {
  streams: number;
  events: number;
  /** Events by the node that wrote them (metadata.node). */
  byNode: Record<string, number>;
  /** Streams whose versions are not exactly 1..n. */
  versionProblems: Array<{ streamId: string; events: number; distinct: number; first: number; last: number }>;
  /** A command id whose events stand in a stream more than once (two runs of versions, or two transactions). */
  appliedTwice: Array<{ streamId: string; commandId: string; runs: number; transactions: number }>;
  /** Acknowledged commands whose acked version is missing, or holds another command's event. */
  lost: Array<{ id: string; streamId: string; version: number; found: string | null }>;
  /** Players whose points in the view differ from the sum of their `points.earned`. */
  points: Array<{ userId: string; view: number; log: number }>;
  /**
   * Writes under an epoch older than one already written in the same shard (in log order): a
   * stale owner's append that succeeded after the shard was taken over. Events without an epoch
   * (a node outside a cluster) are passed over.
   */
  epochRegressions: Array<{ shard: number; streamId: string; position: number; node: string; epoch: number; after: number }>;
  /** How many acknowledged commands and players' points were checked. */
  checked: { acknowledged: number; players: number };
}

/** True when the report found nothing wrong. */
export function isClean(report: ScanReport): boolean {
  return report.versionProblems.length + report.appliedTwice.length + report.lost.length + report.points.length + report.epochRegressions.length === 0;
}

/**
 * Scans the log of `schema`: per stream, versions 1..n without gap or duplicate; no command id
 * applied twice in a stream; every acknowledged command's event at its acked version; every
 * player's points (as given) equal to the sum of their `points.earned`.
 *
 * @example
 * const report = await scanLog({ databaseUrl, schema: fleet.schema, acknowledged: load.acknowledged(), points: load.livePoints() });
 * expect(report).toMatchObject({ versionProblems: [], appliedTwice: [], lost: [], points: [] });
 */
export async function scanLog(options: ScanOptions): Promise<ScanReport> {
  const sql = postgres(options.databaseUrl, {
    max: 1,
    onnotice: () => undefined,
    connect_timeout: 5,
    connection: { search_path: options.schema, statement_timeout: 60_000 },
  });
  try {
    const [totals] = await sql<{ streams: number; events: number }[]>`
      select count(distinct stream_id)::int as streams, count(*)::int as events from events`;
    const nodes = await sql<{ node: string | null; n: number }[]>`
      select metadata->>'node' as node, count(*)::int as n from events group by 1 order by 1`;
    const versionProblems = await sql<ScanReport['versionProblems']>`
      select stream_id as "streamId", count(*)::int as events, count(distinct version)::int as distinct,
             min(version) as first, max(version) as last
      from events group by stream_id
      having min(version) <> 1 or count(*) <> max(version) or count(distinct version) <> count(*)
      order by stream_id`;
    // One command's events are appended together: one run of consecutive versions, in one transaction.
    const appliedTwice = await sql<ScanReport['appliedTwice']>`
      with tagged as (
        select stream_id, tx_id::text as tx, metadata->>'commandId' as command_id,
               (lag(metadata->>'commandId') over byVersion is distinct from metadata->>'commandId'
                or lag(version) over byVersion is distinct from version - 1) as starts_run
        from events window byVersion as (partition by stream_id order by version))
      select stream_id as "streamId", command_id as "commandId",
             count(*) filter (where starts_run)::int as runs, count(distinct tx)::int as transactions
      from tagged where command_id is not null group by stream_id, command_id
      having count(*) filter (where starts_run) > 1 or count(distinct tx) > 1
      order by 1, 2`;
    const acknowledged = (options.acknowledged ?? []).filter((command) => command.version !== undefined);
    const lost = acknowledged.length === 0 ? [] : await sql<ScanReport['lost']>`
      select a.id, a.stream_id as "streamId", a.version, e.metadata->>'commandId' as found
      from unnest(${acknowledged.map((command) => command.id)}::text[],
                  ${acknowledged.map((command) => `user/${command.userId}`)}::text[],
                  ${acknowledged.map((command) => command.version!)}::int[]) as a(id, stream_id, version)
      left join events e on e.stream_id = a.stream_id and e.version = a.version
      where e.metadata->>'commandId' is distinct from a.id
      order by a.stream_id, a.version`;
    const points: ScanReport['points'] = [];
    if (options.points && options.points.size > 0) {
      const userIds = [...options.points.keys()];
      const rows = await sql<{ userId: string; version: number; amount: number }[]>`
        select substr(stream_id, 6) as "userId", version::int as version, (data->>'amount')::int as amount
        from events where type = 'points.earned' and stream_id = any(${userIds.map((id) => `user/${id}`)}::text[])`;
      for (const [userId, seen] of options.points) {
        const { points: view, atVersion } = typeof seen === 'number' ? { points: seen, atVersion: Infinity } : seen;
        const log = rows.filter((row) => row.userId === userId && row.version <= atVersion).reduce((sum, row) => sum + row.amount, 0);
        if (view !== log) points.push({ userId, view, log });
      }
    }
    return {
      epochRegressions: await epochRegressions(sql),
      streams: totals!.streams,
      events: totals!.events,
      byNode: Object.fromEntries(nodes.map((row) => [row.node ?? '(none)', row.n])),
      versionProblems: [...versionProblems],
      appliedTwice: [...appliedTwice],
      lost: [...lost],
      points,
      checked: { acknowledged: acknowledged.length, players: options.points?.size ?? 0 },
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function epochRegressions(sql: postgres.Sql): Promise<ScanReport['epochRegressions']> {
  const [settings] = await sql<{ shards: number | null }[]>`
    select (select shard_count from cluster_settings) as shards where to_regclass('cluster_settings') is not null`;
  if (!settings?.shards) return [];
  const rows = await sql<{ streamId: string; position: number; node: string; epoch: number }[]>`
    select stream_id as "streamId", position::float8 as position, metadata->>'node' as node, (metadata->>'epoch')::int as epoch
    from events where metadata->>'epoch' is not null order by position`;
  const highest = new Map<number, number>();
  const regressions: ScanReport['epochRegressions'] = [];
  for (const row of rows) {
    const shard = shardOf(row.streamId, settings.shards);
    const after = highest.get(shard) ?? 0;
    if (row.epoch < after) regressions.push({ shard, ...row, after });
    else highest.set(shard, row.epoch);
  }
  return regressions;
}

/**
 * The points of each player's profile (`GET /v1/players/:id`, the projected read model, which
 * may lag the log: wait for it with `eventually`). Asked with the first player's dev token.
 */
export async function profilePoints(url: string, userIds: readonly string[]): Promise<Map<string, number>> {
  const points = new Map<string, number>();
  if (userIds.length === 0) return points;
  const login = await fetch(`${url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId: userIds[0] }) });
  const { token } = (await login.json()) as { token: string };
  for (const userId of userIds) {
    const response = await fetch(`${url}/v1/players/${encodeURIComponent(userId)}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { points?: number };
    points.set(userId, response.status === 200 ? (body.points ?? 0) : -1);
  }
  return points;
}
