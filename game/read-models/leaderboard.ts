import type { Sql } from 'postgres';
import { deleteRows, selectRows, upsertRows, type Projection, type RecordedEvent, type TableNames, type Transaction } from '../../store/index.js';
import { gameEvents, streamKey } from '../game-events.js';
import { clamp } from './paging.js';

/**
 * The global points leaderboard. Ranks are standard competition ranks by points ("1224": equal
 * points share a rank and the next rank skips). Within equal points, players are listed by who
 * reached that total first (the time the event that brought them to it was committed), then by
 * user id. A histogram of players per points total makes a rank cost a sum over the distinct
 * totals above it rather than a count of every player above.
 */
export interface LeaderboardEntry {
  rank: number;
  userId: string;
  displayName: string;
  points: number;
  level: number;
}

export interface LeaderboardQueries {
  /** The first `limit` players (at most 1,000), best first. */
  top(limit?: number): Promise<LeaderboardEntry[]>;
  /** The player with the `k` players listed just above and just below (at most 50 each); undefined for an unknown player. */
  around(userId: string, k?: number): Promise<{ player: LeaderboardEntry; above: LeaderboardEntry[]; below: LeaderboardEntry[]; players: number } | undefined>;
  /** Players on the board. */
  players(): Promise<number>;
}

const PLAYERS = 'rm_leaderboard';
const SCORES = 'rm_leaderboard_scores';

const playerColumns = { user_id: 'text', display_name: 'text', points: 'bigint', level: 'integer', reached_at: 'timestamptz' } as const;

interface PlayerRow {
  user_id: string;
  display_name: string;
  points: number;
  level: number;
  reached_at: string;
}

export const leaderboardProjection: Projection<LeaderboardQueries> = {
  name: 'leaderboard',
  version: 1,
  eventTypes: ['user.registered', 'user.profile.updated', 'points.earned', 'user.level.up', 'user.account.deleted'],
  tables: [
    {
      name: PLAYERS,
      ddl: (t) => `
        create table ${t} (
          user_id text primary key, display_name text not null, points bigint not null,
          level integer not null, reached_at timestamptz not null
        );
        create index ${t}_order on ${t} ((-points), reached_at, user_id)`,
    },
    { name: SCORES, ddl: (t) => `create table ${t} (points bigint primary key, players integer not null)` },
  ],
  apply: applyLeaderboard,
  queries: leaderboardQueries,
};

async function applyLeaderboard(tx: Transaction, batch: readonly RecordedEvent[], tables: TableNames): Promise<void> {
  const events = gameEvents(batch);
  const ids = [...new Set(events.map((event) => streamKey(event.streamId)))];
  const stored = await selectRows<PlayerRow & { points: string }>(tx, tables[PLAYERS]!, { user_id: 'text' }, ids.map((user_id) => ({ user_id })));
  const before = new Map(stored.map((row) => [row.user_id, Number(row.points)]));
  const after = new Map<string, PlayerRow>(stored.map((row) => [row.user_id, { ...row, points: Number(row.points) }]));
  // A deleted player leaves the board (and their points' bucket of the histogram).
  const deleted = new Set<string>();
  for (const event of events) {
    const userId = streamKey(event.streamId);
    if (event.type === 'user.account.deleted') {
      after.delete(userId);
      deleted.add(userId);
      continue;
    }
    const at = event.createdAt.toISOString();
    const row = after.get(userId) ?? { user_id: userId, display_name: '', points: 0, level: 1, reached_at: at };
    switch (event.type) {
      case 'user.registered':
        row.display_name = event.data.displayName;
        break;
      case 'user.profile.updated':
        if (event.data.displayName !== undefined) row.display_name = event.data.displayName;
        break;
      case 'points.earned':
        row.points += event.data.amount;
        row.reached_at = at;
        break;
      case 'user.level.up':
        row.level = Math.max(row.level, event.data.level);
        break;
    }
    after.set(userId, row);
  }
  // Histogram: each player leaves the bucket of their old total and joins the one of the new.
  const moves = new Map<number, number>();
  for (const userId of deleted) {
    const old = before.get(userId);
    if (old !== undefined && !after.has(userId)) moves.set(old, (moves.get(old) ?? 0) - 1);
  }
  for (const [userId, row] of after) {
    const old = before.get(userId);
    if (old === row.points) continue;
    if (old !== undefined) moves.set(old, (moves.get(old) ?? 0) - 1);
    moves.set(row.points, (moves.get(row.points) ?? 0) + 1);
  }
  await deleteRows(tx, tables[PLAYERS]!, { user_id: 'text' }, [...deleted].filter((userId) => !after.has(userId)).map((user_id) => ({ user_id })));
  await upsertRows(tx, tables[PLAYERS]!, playerColumns, ['user_id'], [...after.values()]);
  const changes = [...moves].filter(([, players]) => players !== 0).map(([points, players]) => ({ points, players }));
  if (changes.length === 0) return;
  const scores = tables[SCORES]!;
  await tx.unsafe(
    `insert into ${scores} (points, players) select points, players from jsonb_to_recordset($1::text::jsonb) as r(points bigint, players integer)
     on conflict (points) do update set players = ${scores}.players + excluded.players`,
    [JSON.stringify(changes)],
  );
  await tx.unsafe(`delete from ${scores} where points = any($1::bigint[]) and players <= 0`, [changes.map((change) => change.points)]);
}

interface EntryRow {
  rank: number;
  user_id: string;
  display_name: string;
  points: number;
  level: number;
}

const toEntry = (row: EntryRow): LeaderboardEntry => ({ rank: row.rank, userId: row.user_id, displayName: row.display_name, points: row.points, level: row.level });

function leaderboardQueries(sql: Sql): LeaderboardQueries {
  return {
    async top(limit = 100) {
      const rows = await sql.unsafe<EntryRow[]>(
        `select rank() over (order by -points)::int as rank, user_id, display_name, points::float8 as points, level
         from ${PLAYERS} order by -points, reached_at, user_id limit $1`,
        [clamp(limit, 1, 1_000)],
        { prepare: true },
      );
      return rows.map(toEntry);
    },

    async around(userId, k = 5) {
      // One statement, so the window and the ranks come from one snapshot of the board.
      const rows = await sql.unsafe<Array<EntryRow & { place: number; total: number }>>(
        `with me as (select -points as np, reached_at, user_id from ${PLAYERS} where user_id = $1),
         above as (
           select t.* from ${PLAYERS} t, me where (-t.points, t.reached_at, t.user_id) < (me.np, me.reached_at, me.user_id)
           order by -t.points desc, t.reached_at desc, t.user_id desc limit $2),
         below as (
           select t.* from ${PLAYERS} t, me where (-t.points, t.reached_at, t.user_id) > (me.np, me.reached_at, me.user_id)
           order by -t.points, t.reached_at, t.user_id limit $2),
         board as (
           select t.*, 0 as place from ${PLAYERS} t join me using (user_id)
           union all select *, -1 from above union all select *, 1 from below)
         select b.user_id, b.display_name, b.points::float8 as points, b.level, b.place,
                (1 + coalesce((select sum(s.players) from ${SCORES} s where s.points > b.points), 0))::int as rank,
                (select coalesce(sum(players), 0) from ${SCORES})::int as total
         from board b order by -b.points, b.reached_at, b.user_id`,
        [userId, clamp(k, 0, 50)],
        { prepare: true },
      );
      const me = rows.find((row) => row.place === 0);
      if (!me) return undefined;
      return {
        player: toEntry(me),
        above: rows.filter((row) => row.place < 0).map(toEntry),
        below: rows.filter((row) => row.place > 0).map(toEntry),
        players: me.total,
      };
    },

    async players() {
      const [row] = await sql.unsafe<{ total: number }[]>(`select coalesce(sum(players), 0)::int as total from ${SCORES}`, [], { prepare: true });
      return row?.total ?? 0;
    },
  };
}
