import type { Topic } from '../../../protocol/topics.js';
import { rowsDiff, type ReadModelTopic, type RowsDiff } from './coalesced.js';

/** A row of the global leaderboard as watchers see it (the read model's LeaderboardEntry). */
export interface LeaderboardRow {
  rank: number;
  userId: string;
  displayName: string;
  points: number;
  level: number;
}

/** How many rows `leaderboard/global` carries. */
export const leaderboardSize = 100;

/**
 * `leaderboard/global`: the top 100, pushed as a diff of rows (by user id) against what watchers
 * last got. `changes` is the read model's notification that its table moved (a projector batch
 * that touched it); the read-model side provides it.
 *
 * @example
 * const source = new CoalescedTopicSource(leaderboardTopic(readModelQueries(sql).leaderboard, changes), { intervalMs: 50 });
 */
export function leaderboardTopic(
  queries: { top(limit: number): Promise<LeaderboardRow[]> },
  changes: (listener: () => void) => () => void,
): ReadModelTopic<LeaderboardRow[], RowsDiff<LeaderboardRow>> {
  return {
    eventType: 'leaderboard.changed',
    load: async () => (await queries.top(leaderboardSize)).map(({ rank, userId, displayName, points, level }) => ({ rank, userId, displayName, points, level })),
    onChange: (_topic: Topic, changed: () => void) => changes(changed),
    diff: (before, after) => rowsDiff(before, after, (row) => row.userId),
  };
}

/** An item of a player's friends' feed as watchers see it (the read model's FeedItem). */
export interface FeedRow {
  id: string;
  userId: string;
  kind: string;
  data: Record<string, unknown>;
  at: string;
  displayName?: string;
  avatar?: string | null;
}

/** How many of the newest items `feed/<id>` carries. */
export const feedSize = 50;

/**
 * `feed/<id>`: the player's friends' newest activity, pushed as a diff of items (by id).
 * `changes(userId, listener)` is the read model's notification that the player's feed may have
 * moved; the read-model side provides it.
 */
export function feedTopic(
  queries: { feed(userId: string, page: { limit: number }): Promise<{ items: FeedRow[] }> },
  changes: (userId: string, listener: () => void) => () => void,
): ReadModelTopic<FeedRow[], RowsDiff<FeedRow>> {
  return {
    eventType: 'feed.changed',
    load: async (topic) => (await queries.feed(topic.id, { limit: feedSize })).items,
    onChange: (topic, changed) => changes(topic.id, changed),
    diff: (before, after) => rowsDiff(before, after, (item) => item.id),
  };
}
