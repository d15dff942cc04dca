import type { Sql } from 'postgres';
import { deleteRows, selectRows, upsertRows, type Projection, type RecordedEvent, type TableNames, type Transaction } from '../../store/index.js';
import { gameEvents, streamKey, type GameEvent } from '../game-events.js';
import { applyPostEvents, postCounts, postEventTypes, postTables } from './feed-posts.js';
import { clamp, decodeCursor, encodeCursor } from './paging.js';

/** What a feed item reports; `data` depends on it (see `FeedItem`). */
export const FeedKind = {
  mealLogged: 'meal.logged',
  levelUp: 'level.up',
  achievementUnlocked: 'achievement.unlocked',
  streakMilestone: 'streak.milestone',
  goalMet: 'goal.met',
  challengeJoined: 'challenge.joined',
  challengeWon: 'challenge.won',
  post: 'post',
} as const;
export type FeedKind = (typeof FeedKind)[keyof typeof FeedKind];

/**
 * One notable thing a friend did. `data` by kind: meal.logged `{mealId, mealType, calories}`,
 * level.up `{level}`, achievement.unlocked `{achievementId, rarity}`, streak.milestone `{days}`,
 * goal.met `{day}`, challenge.joined `{challengeId, title}`, challenge.won `{challengeId, title, points}`,
 * post `{postId, kind, text, data, likes, comments, liked}` (`kind`: text, achievement, level or
 * challenge-won; `liked`: whether the reader likes it).
 */
export interface FeedItem {
  id: string;
  userId: string;
  displayName: string;
  avatar: string | null;
  kind: FeedKind;
  data: Record<string, unknown>;
  at: string;
}

export interface FeedQueries {
  /**
   * The player's friends' recent activity, newest first (log order), `limit` items (at most
   * 100) per page; pass the returned `next` as `before` for the next page.
   */
  feed(userId: string, page?: { limit?: number; before?: string }): Promise<{ items: FeedItem[]; next: string | null }>;
  /** The player's friends' ids. */
  friends(userId: string): Promise<string[]>;
}

const FRIENDS = 'rm_feed_friend';
const PLAYERS = 'rm_feed_player';
const CHALLENGES = 'rm_feed_challenge';
const ACTIVITY = 'rm_feed_activity';

const activityColumns = {
  event_id: 'text',
  user_id: 'text',
  kind: 'text',
  ref: 'text',
  data: 'jsonb',
  at: 'timestamptz',
  tx_id: 'bigint',
  position: 'bigint',
} as const;

interface ActivityRow {
  event_id: string;
  user_id: string;
  kind: FeedKind;
  ref: string | null;
  data: Record<string, unknown>;
  at: string;
  tx_id: number;
  position: number;
}

/**
 * Fan-out on read: a player's activity is written once, and a feed page merges the latest items
 * of each friend (at most 500) through an index per player. Fan-out on write would multiply every
 * meal by the author's friend count and need backfills and purges when friendships change.
 */
export const friendsFeedProjection: Projection<FeedQueries> = {
  name: 'friends_feed',
  version: 2,
  eventTypes: [
    'user.registered',
    'user.profile.updated',
    'social.friend.added',
    'social.friend.removed',
    'nutrition.meal.logged',
    'nutrition.meal.deleted',
    'nutrition.goal.met',
    'user.level.up',
    'user.streak.milestone',
    'achievement.unlocked',
    'challenge.created',
    'challenge.participant.joined',
    'challenge.reward.granted',
    'social.post.published',
    'user.account.deleted',
    ...postEventTypes,
  ],
  tables: [
    { name: FRIENDS, ddl: (t) => `create table ${t} (user_id text not null, friend_id text not null, primary key (user_id, friend_id))` },
    { name: PLAYERS, ddl: (t) => `create table ${t} (user_id text primary key, display_name text not null, avatar text)` },
    { name: CHALLENGES, ddl: (t) => `create table ${t} (challenge_id text primary key, title text not null)` },
    {
      name: ACTIVITY,
      ddl: (t) => `
        create table ${t} (
          event_id text primary key, user_id text not null, kind text not null, ref text, data jsonb not null,
          at timestamptz not null, tx_id bigint not null, position bigint not null
        );
        create index ${t}_by_user on ${t} (user_id, tx_id desc, position desc);
        create index ${t}_by_ref on ${t} (user_id, ref) where ref is not null`,
    },
    ...postTables,
  ],
  apply: applyFeed,
  queries: feedQueries,
};

async function applyFeed(tx: Transaction, batch: readonly RecordedEvent[], tables: TableNames): Promise<void> {
  const events = gameEvents(batch);
  const titles = await challengeTitles(tx, tables, events);
  const players = await playersOf(tx, tables, events);
  const friendships = new Map<string, { user_id: string; friend_id: string; friends: boolean }>();
  const activity = new Map<string, ActivityRow>();
  // Items whose meal or post was deleted: by (author, meal or post id).
  const deletedRefs: Array<{ user_id: string; ref: string }> = [];
  const drop = (userId: string, kind: FeedKind, ref: string) => {
    // An item added earlier in this batch just goes; one from an earlier batch is deleted below.
    const pending = [...activity.values()].find((row) => row.user_id === userId && row.kind === kind && row.ref === ref);
    if (pending) activity.delete(pending.event_id);
    else deletedRefs.push({ user_id: userId, ref });
  };
  const add = (event: GameEvent, userId: string, kind: FeedKind, data: Record<string, unknown>, ref: string | null = null) =>
    activity.set(event.id, { event_id: event.id, user_id: userId, kind, ref, data, at: event.createdAt.toISOString(), tx_id: event.txId, position: event.position });
  // Deleted players: their name, items and friendships go (their friends' streams end the friendships too).
  const gone: string[] = [];
  for (const event of events) {
    const userId = streamKey(event.streamId);
    switch (event.type) {
      case 'user.account.deleted':
        gone.push(userId);
        players.delete(userId);
        for (const [id, row] of activity) if (row.user_id === userId) activity.delete(id);
        for (const [key, pair] of friendships) if (pair.user_id === userId || pair.friend_id === userId) friendships.delete(key);
        break;
      case 'social.post.player.forgotten':
        // Its author deleted: the post's item goes, as a deleted post's does.
        if (event.data.userId === event.data.authorId) drop(event.data.authorId, FeedKind.post, streamKey(event.streamId));
        break;
      case 'user.registered':
        players.set(userId, { user_id: userId, display_name: event.data.displayName, avatar: players.get(userId)?.avatar ?? null });
        break;
      case 'user.profile.updated': {
        const known = players.get(userId) ?? { user_id: userId, display_name: '', avatar: null };
        players.set(userId, { ...known, display_name: event.data.displayName ?? known.display_name, avatar: event.data.avatar ?? known.avatar });
        break;
      }
      case 'social.friend.added':
      case 'social.friend.removed':
        friendships.set(`${userId}\u0000${event.data.userId}`, { user_id: userId, friend_id: event.data.userId, friends: event.type === 'social.friend.added' });
        break;
      case 'nutrition.meal.logged':
        add(event, userId, FeedKind.mealLogged, { mealId: event.data.mealId, mealType: event.data.mealType, calories: event.data.totals.calories }, event.data.mealId);
        break;
      case 'nutrition.meal.deleted':
        drop(userId, FeedKind.mealLogged, event.data.mealId);
        break;
      case 'social.post.published': {
        // From the post's own stream, so a friend sees a post only once it takes likes and comments.
        const { postId, authorId, kind, text, data } = event.data;
        add(event, authorId, FeedKind.post, { postId, kind, text, data }, postId);
        break;
      }
      case 'social.post.deleted':
        drop(event.data.authorId, FeedKind.post, streamKey(event.streamId));
        break;
      case 'nutrition.goal.met':
        add(event, userId, FeedKind.goalMet, { day: event.data.day });
        break;
      case 'user.level.up':
        add(event, userId, FeedKind.levelUp, { level: event.data.level });
        break;
      case 'user.streak.milestone':
        add(event, userId, FeedKind.streakMilestone, { days: event.data.days });
        break;
      case 'achievement.unlocked':
        add(event, userId, FeedKind.achievementUnlocked, { achievementId: event.data.achievementId, rarity: event.data.rarity });
        break;
      case 'challenge.created':
        titles.set(event.data.challengeId, event.data.title);
        break;
      case 'challenge.participant.joined': {
        const challengeId = streamKey(event.streamId);
        add(event, event.data.userId, FeedKind.challengeJoined, { challengeId, title: titles.get(challengeId) ?? '' });
        break;
      }
      case 'challenge.reward.granted': {
        if (event.data.rank !== 1) break;
        const challengeId = streamKey(event.streamId);
        add(event, event.data.userId, FeedKind.challengeWon, { challengeId, title: titles.get(challengeId) ?? '', points: event.data.points });
        break;
      }
    }
  }
  const pairs = [...friendships.values()];
  await upsertRows(tx, tables[FRIENDS]!, { user_id: 'text', friend_id: 'text' }, ['user_id', 'friend_id'], pairs.filter((p) => p.friends).map(({ user_id, friend_id }) => ({ user_id, friend_id })));
  await deleteRows(tx, tables[FRIENDS]!, { user_id: 'text', friend_id: 'text' }, pairs.filter((p) => !p.friends).map(({ user_id, friend_id }) => ({ user_id, friend_id })));
  await upsertRows(tx, tables[PLAYERS]!, { user_id: 'text', display_name: 'text', avatar: 'text' }, ['user_id'], [...players.values()]);
  await upsertRows(tx, tables[CHALLENGES]!, { challenge_id: 'text', title: 'text' }, ['challenge_id'], [...titles].map(([challenge_id, title]) => ({ challenge_id, title })));
  await applyPostEvents(tx, tables, events);
  await deleteRows(tx, tables[ACTIVITY]!, { user_id: 'text', ref: 'text' }, deletedRefs);
  const goneKeys = gone.map((user_id) => ({ user_id }));
  await deleteRows(tx, tables[PLAYERS]!, { user_id: 'text' }, goneKeys);
  await deleteRows(tx, tables[ACTIVITY]!, { user_id: 'text' }, goneKeys);
  await deleteRows(tx, tables[FRIENDS]!, { user_id: 'text' }, goneKeys);
  await deleteRows(tx, tables[FRIENDS]!, { friend_id: 'text' }, gone.map((friend_id) => ({ friend_id })));
  await upsertRows(tx, tables[ACTIVITY]!, activityColumns, ['event_id'], [...activity.values()]);
}

/** Titles of the challenges the batch mentions (those created in it are added while folding). */
async function challengeTitles(tx: Transaction, tables: TableNames, events: readonly GameEvent[]): Promise<Map<string, string>> {
  const ids = new Set(events.filter((e) => e.type === 'challenge.participant.joined' || e.type === 'challenge.reward.granted').map((e) => streamKey(e.streamId)));
  const rows = await selectRows<{ challenge_id: string; title: string }>(tx, tables[CHALLENGES]!, { challenge_id: 'text' }, [...ids].map((challenge_id) => ({ challenge_id })));
  return new Map(rows.map((row) => [row.challenge_id, row.title]));
}

type PlayerRow = { user_id: string; display_name: string; avatar: string | null };

/** The stored rows of the players whose name or avatar the batch changes. */
async function playersOf(tx: Transaction, tables: TableNames, events: readonly GameEvent[]): Promise<Map<string, PlayerRow>> {
  const ids = new Set(events.filter((e) => e.type === 'user.registered' || e.type === 'user.profile.updated').map((e) => streamKey(e.streamId)));
  const rows = await selectRows<PlayerRow>(tx, tables[PLAYERS]!, { user_id: 'text' }, [...ids].map((user_id) => ({ user_id })));
  return new Map(rows.map((row) => [row.user_id, row]));
}

function feedQueries(sql: Sql): FeedQueries {
  return {
    async feed(userId, page = {}) {
      const limit = clamp(page.limit ?? 20, 1, 100);
      const before = (page.before !== undefined ? decodeCursor(page.before, ['number', 'number'], 'before') : undefined) ?? [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      // Each friend's newest items below the cursor through their index, then the newest of those.
      const rows = await sql.unsafe<Array<ActivityRow & { display_name: string | null; avatar: string | null; at: Date }>>(
        `select a.event_id, a.user_id, a.kind, a.data, a.at, a.tx_id::float8 as tx_id, a.position::float8 as position, p.display_name, p.avatar
         from ${FRIENDS} f
         cross join lateral (
           select * from ${ACTIVITY} a
           where a.user_id = f.friend_id and (a.tx_id, a.position) < ($2::bigint, $3::bigint)
           order by a.tx_id desc, a.position desc limit $4
         ) a
         left join ${PLAYERS} p on p.user_id = a.user_id
         where f.user_id = $1
         order by a.tx_id desc, a.position desc limit $4`,
        [userId, before[0]!, before[1]!, limit + 1],
        { prepare: true },
      );
      const shown = rows.slice(0, limit);
      const counts = await postCounts(sql, userId, shown.filter((row) => row.kind === FeedKind.post).map((row) => String(row.data.postId)));
      const items = shown.map((row) => ({
        id: row.event_id,
        userId: row.user_id,
        displayName: row.display_name ?? '',
        avatar: row.avatar,
        kind: row.kind,
        data: row.kind === FeedKind.post ? { ...row.data, ...(counts.get(String(row.data.postId)) ?? { likes: 0, comments: 0, liked: false }) } : row.data,
        at: row.at.toISOString(),
      }));
      const last = rows[limit - 1];
      return { items, next: rows.length > limit && last ? encodeCursor([last.tx_id, last.position]) : null };
    },

    async friends(userId) {
      const rows = await sql.unsafe<{ friend_id: string }[]>(`select friend_id from ${FRIENDS} where user_id = $1 order by friend_id`, [userId], { prepare: true });
      return rows.map((row) => row.friend_id);
    },
  };
}
