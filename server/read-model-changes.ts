import type { RecordedEvent } from '../store/index.js';

type Listener = () => void;

/**
 * Turns committed read-model batches into "this topic may have moved" signals for the gateway's
 * coalesced topics: every leaderboard batch moves `leaderboard/global`; a friends-feed batch moves
 * the feeds of the authors' friends. Friend lists of watched feeds are loaded once per watcher and
 * kept current from the batch's own friend events.
 */
export class ReadModelChanges {
  private readonly leaderboard = new Set<Listener>();
  private readonly feeds = new Map<string, { listeners: Set<Listener>; friends: Set<string> }>();

  constructor(private readonly friendsOf: (userId: string) => Promise<string[]>) {}

  onLeaderboard = (listener: Listener): (() => void) => {
    this.leaderboard.add(listener);
    return () => void this.leaderboard.delete(listener);
  };

  onFeed = (userId: string, listener: Listener): (() => void) => {
    let entry = this.feeds.get(userId);
    if (!entry) {
      const created = { listeners: new Set<Listener>(), friends: new Set<string>() };
      this.feeds.set(userId, (entry = created));
      this.friendsOf(userId).then(
        (friends) => friends.forEach((friend) => created.friends.add(friend)),
        () => undefined,
      );
    }
    entry.listeners.add(listener);
    return () => {
      entry!.listeners.delete(listener);
      if (entry!.listeners.size === 0) this.feeds.delete(userId);
    };
  };

  applied = (projection: string, batch: readonly RecordedEvent[]): void => {
    if (projection === 'leaderboard') this.leaderboard.forEach((listener) => listener());
    if (projection !== 'friends_feed' || this.feeds.size === 0) return;
    const authors = new Set<string>();
    for (const event of batch) {
      const userId = event.streamId.slice(event.streamId.indexOf('/') + 1);
      authors.add(userId);
      const other = (event.data as { userId?: string }).userId;
      const watched = this.feeds.get(userId);
      if (watched && other && event.type === 'social.friend.added') watched.friends.add(other);
      if (watched && other && event.type === 'social.friend.removed') watched.friends.delete(other);
    }
    for (const [userId, { listeners, friends }] of this.feeds) {
      if (authors.has(userId) || [...authors].some((author) => friends.has(author))) listeners.forEach((listener) => listener());
    }
  };
}
