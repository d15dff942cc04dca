import type { RecordedEvent } from '../store/index.js';

type Listener = () => void;

interface WatchedFeed {
  listeners: Set<Listener>;
  /** The owner's friends: authors whose events move this feed (besides the owner's own). */
  friends: Set<string>;
}

/**
 * Turns committed read-model batches into "this topic may have moved" signals for the gateway's
 * coalesced topics: every leaderboard batch moves `leaderboard/global`; a friends-feed batch moves
 * the feeds of the authors and of the authors' friends. Friend lists of watched feeds are loaded
 * once per watched feed and kept current from the batch's own friend events.
 *
 * A batch costs its authors and the feeds they move, not the watched feeds: `readers` holds, per
 * author, the watched feeds that author's events move. Every player online may watch their own
 * feed, so scanning every watched feed for every batch grew with the players online times the
 * batch's authors.
 */
export class ReadModelChanges {
  private readonly leaderboard = new Set<Listener>();
  private readonly feeds = new Map<string, WatchedFeed>();
  /** Author → owners of watched feeds that author's events move (the author's own included). */
  private readonly readers = new Map<string, Set<string>>();

  constructor(private readonly friendsOf: (userId: string) => Promise<string[]>) {}

  onLeaderboard = (listener: Listener): (() => void) => {
    this.leaderboard.add(listener);
    return () => void this.leaderboard.delete(listener);
  };

  onFeed = (userId: string, listener: Listener): (() => void) => {
    let feed = this.feeds.get(userId);
    if (!feed) {
      const created: WatchedFeed = { listeners: new Set(), friends: new Set() };
      this.feeds.set(userId, (feed = created));
      this.link(userId, userId);
      this.friendsOf(userId).then(
        (friends) => {
          // Unless the feed stopped being watched meanwhile.
          if (this.feeds.get(userId) === created) friends.forEach((friend) => this.befriend(userId, friend));
        },
        () => undefined,
      );
    }
    feed.listeners.add(listener);
    return () => {
      feed!.listeners.delete(listener);
      if (feed!.listeners.size > 0 || this.feeds.get(userId) !== feed) return;
      this.feeds.delete(userId);
      this.unlink(userId, userId);
      feed!.friends.forEach((friend) => this.unlink(friend, userId));
    };
  };

  applied = (projection: string, batch: readonly RecordedEvent[]): void => {
    if (projection === 'leaderboard') this.leaderboard.forEach((listener) => listener());
    if (projection !== 'friends_feed' || this.feeds.size === 0) return;
    const authors = new Set<string>();
    for (const event of batch) {
      const userId = event.streamId.slice(event.streamId.indexOf('/') + 1);
      authors.add(userId);
      // Only watched owners' friendships are kept (befriend and unfriend look the feed up).
      const other = (event.data as { userId?: string }).userId;
      if (other && event.type === 'social.friend.added') this.befriend(userId, other);
      if (other && event.type === 'social.friend.removed') this.unfriend(userId, other);
    }
    const moved = new Set<string>();
    for (const author of authors) this.readers.get(author)?.forEach((owner) => moved.add(owner));
    for (const owner of moved) this.feeds.get(owner)?.listeners.forEach((listener) => listener());
  };

  private befriend(owner: string, friend: string): void {
    const feed = this.feeds.get(owner);
    if (!feed || friend === owner || feed.friends.has(friend)) return;
    feed.friends.add(friend);
    this.link(friend, owner);
  }

  private unfriend(owner: string, friend: string): void {
    const feed = this.feeds.get(owner);
    if (!feed?.friends.delete(friend)) return;
    this.unlink(friend, owner);
  }

  private link(author: string, owner: string): void {
    let owners = this.readers.get(author);
    if (!owners) this.readers.set(author, (owners = new Set()));
    owners.add(owner);
  }

  private unlink(author: string, owner: string): void {
    const owners = this.readers.get(author);
    if (!owners) return;
    owners.delete(owner);
    if (owners.size === 0) this.readers.delete(author);
  }
}
