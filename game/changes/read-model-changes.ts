import type { Bus, BusSubscription } from '../../bus/index.js';
import { feedChangedSubject, feedChangeOf, leaderboardChangedSubject } from './subjects.js';

type Listener = () => void;

interface WatchedFeed {
  listeners: Set<Listener>;
  /** The owner's friends: authors whose events move this feed (besides the owner's own). */
  friends: Set<string>;
}

interface Author {
  /** Owners of watched feeds this author's events move (the author's own included). */
  readers: Set<string>;
  subscription: BusSubscription;
}

/**
 * Turns the read-model change signals on the bus (`readModelChangePublisher`, on whichever node
 * applied the batch) into "this topic may have moved" signals for the gateway's coalesced topics:
 * `g.rm.leaderboard` moves `leaderboard/global`; `g.rm.feed.<author>` moves the feeds of the author
 * and of the author's friends. Friend lists of watched feeds are loaded once per watched feed and
 * kept current from the signals' own friendships.
 *
 * A node subscribes to the authors its watched feeds read, one subscription per author, so a
 * signal costs the feeds it moves, not the watched feeds, and NATS brings a node only the authors
 * its watchers read.
 *
 * @example
 * const changes = new ReadModelChanges(bus, (userId) => queries.feed.friends(userId));
 * const stop = changes.onFeed('u42', () => source.changed());
 */
export class ReadModelChanges {
  private readonly leaderboard = new Set<Listener>();
  private leaderboardSubscription: BusSubscription | undefined;
  private readonly feeds = new Map<string, WatchedFeed>();
  private readonly authors = new Map<string, Author>();

  constructor(
    private readonly bus: Bus,
    private readonly friendsOf: (userId: string) => Promise<string[]>,
  ) {}

  onLeaderboard = (listener: Listener): (() => void) => {
    this.leaderboard.add(listener);
    this.leaderboardSubscription ??= this.bus.subscribe(leaderboardChangedSubject, () => this.leaderboard.forEach((each) => each()));
    return () => {
      this.leaderboard.delete(listener);
      if (this.leaderboard.size > 0) return;
      this.leaderboardSubscription?.unsubscribe();
      this.leaderboardSubscription = undefined;
    };
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

  /** `author`'s feed items moved: follow the friendships the signal carries, then tell the feeds that read the author. */
  private moved(author: string, message: unknown): void {
    const { friended, unfriended } = feedChangeOf(message);
    // Only watched owners' friendships are kept (befriend and unfriend look the feed up).
    friended.forEach((friend) => this.befriend(author, friend));
    unfriended.forEach((friend) => this.unfriend(author, friend));
    const readers = this.authors.get(author)?.readers;
    if (readers) for (const owner of [...readers]) this.feeds.get(owner)?.listeners.forEach((listener) => listener());
  }

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
    let entry = this.authors.get(author);
    if (!entry) {
      const subscription = this.bus.subscribe(feedChangedSubject(author), (_subject, message) => this.moved(author, message));
      this.authors.set(author, (entry = { readers: new Set(), subscription }));
    }
    entry.readers.add(owner);
  }

  private unlink(author: string, owner: string): void {
    const entry = this.authors.get(author);
    if (!entry) return;
    entry.readers.delete(owner);
    if (entry.readers.size > 0) return;
    entry.subscription.unsubscribe();
    this.authors.delete(author);
  }
}
