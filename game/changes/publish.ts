import type { Bus } from '../../bus/index.js';
import type { RecordedEvent } from '../../store/index.js';
import { streamKey } from '../game-events.js';
import { friendsFeedProjection } from '../read-models/friends-feed.js';
import { leaderboardProjection } from '../read-models/leaderboard.js';
import { feedChangedSubject, leaderboardChangedSubject, type FeedChange } from './subjects.js';

/**
 * Turns the batches a node's projectors commit into read-model change signals on the bus, for the
 * watchers of every node (`ReadModelChanges`): every leaderboard batch publishes
 * `g.rm.leaderboard`; a friends-feed batch publishes `g.rm.feed.<author>` once per author, with
 * the friendships the author made or ended in it. Give it to `Projections` as `onApplied`.
 * Delivery is at most once, like every bus message: a watcher that misses one shows the change at
 * the next.
 *
 * @example
 * new Projections(store, gameProjections, { onApplied: readModelChangePublisher(bus, (error) => log.warn({ err: error })) });
 */
export function readModelChangePublisher(bus: Bus, onError: (error: unknown) => void): (projection: string, batch: readonly RecordedEvent[]) => void {
  const publish = (subject: string, message: unknown) => {
    try {
      bus.publish(subject, message);
    } catch (error) {
      onError(error);
    }
  };
  return (projection, batch) => {
    if (projection === leaderboardProjection.name) publish(leaderboardChangedSubject, {});
    if (projection !== friendsFeedProjection.name) return;
    for (const [author, change] of feedChanges(batch)) publish(feedChangedSubject(author), change);
  };
}

/** Each author of the batch's feed items, with their friendships in their final state of the batch. */
function feedChanges(batch: readonly RecordedEvent[]): Map<string, FeedChange> {
  const friendships = new Map<string, Map<string, boolean>>();
  for (const event of batch) {
    const author = authorOf(event);
    if (author === undefined) continue;
    let friends = friendships.get(author);
    if (!friends) friendships.set(author, (friends = new Map()));
    const other = (event.data as { userId?: unknown }).userId;
    if (typeof other !== 'string') continue;
    if (event.type === 'social.friend.added') friends.set(other, true);
    if (event.type === 'social.friend.removed') friends.set(other, false);
  }
  const changes = new Map<string, FeedChange>();
  for (const [author, friends] of friendships) {
    const ids = (added: boolean) => [...friends].filter(([, friend]) => friend === added).map(([id]) => id);
    changes.set(author, { friended: ids(true), unfriended: ids(false) });
  }
  return changes;
}

/**
 * Whose feed an event moves, as the friends-feed read model files it: a challenge's joined and won
 * items belong to the player (`data.userId`); a challenge's other events make no item; a post's
 * events (likes, comments, deletion) move its author's item (`data.authorId`); a player's events
 * are the player's.
 */
function authorOf(event: RecordedEvent): string | undefined {
  if (event.streamType === 'post') {
    const author = (event.data as { authorId?: unknown }).authorId;
    return typeof author === 'string' && author !== '' ? author : undefined;
  }
  if (event.streamType !== 'challenge') return streamKey(event.streamId);
  const player = (event.data as { userId?: unknown }).userId;
  return typeof player === 'string' ? player : undefined;
}
