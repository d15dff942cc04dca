import { subjectToken } from '../../bus/index.js';

/**
 * A batch moved the leaderboard read model: `g.rm.leaderboard`. The message is `{}`: watchers
 * reload the top rows, they do not apply a delta.
 */
export const leaderboardChangedSubject = 'g.rm.leaderboard';

/**
 * A batch moved the friends' feed items of `authorId` (shown in the author's own feed and in the
 * feeds of everyone who befriended them): `g.rm.feed.<authorId>`, the id escaped by `subjectToken`.
 * A node subscribes to the authors its watched feeds read, so NATS brings it only those.
 *
 * @example
 * bus.subscribe(feedChangedSubject('u42'), (_subject, message) => feedChangeOf(message));
 */
export function feedChangedSubject(authorId: string): string {
  return `g.rm.feed.${subjectToken(authorId)}`;
}

/** What a `g.rm.feed.<authorId>` message says besides "moved": the author's friendships the batch made or ended. */
export interface FeedChange {
  friended: string[];
  unfriended: string[];
}

/** The message as a FeedChange, or empty lists for anything else (a signal still moves the feed). */
export function feedChangeOf(message: unknown): FeedChange {
  const { friended, unfriended } = (typeof message === 'object' && message !== null ? message : {}) as Partial<FeedChange>;
  const ids = (list: unknown) => (Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : []);
  return { friended: ids(friended), unfriended: ids(unfriended) };
}
