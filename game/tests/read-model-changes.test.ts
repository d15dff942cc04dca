import { describe, expect, it } from 'vitest';
import { InProcessBus } from '../../bus/index.js';
import type { RecordedEvent } from '../../store/index.js';
import { readModelChangePublisher, ReadModelChanges } from '../index.js';

let position = 0;
const event = (author: string, type: string, data: Record<string, unknown> = {}, streamType = 'user'): RecordedEvent => {
  position += 1;
  return { position, txId: position, streamId: `${streamType}/${author}`, streamType, version: position, id: `e${position}`, type, schemaVersion: 1, data, metadata: {}, createdAt: new Date(0) };
};
const meal = (author: string) => event(author, 'nutrition.meal.logged');
const befriended = (author: string, friend: string) => event(author, 'social.friend.added', { userId: friend });
const unfriended = (author: string, friend: string) => event(author, 'social.friend.removed', { userId: friend });
const joined = (challengeId: string, player: string) => event(challengeId, 'challenge.participant.joined', { userId: player, joinedAt: 0 }, 'challenge');

/** The projection side and the gateway side of one node, on one bus. */
function node(friendsOf: (userId: string) => Promise<string[]>) {
  const bus = new InProcessBus();
  const applied = readModelChangePublisher(bus, (error) => {
    throw error;
  });
  return { bus, applied, changes: new ReadModelChanges(bus, friendsOf) };
}

/** Friend lists as the read model would answer, and a counter of signals per watched feed. */
function setup(friendLists: Record<string, string[]>) {
  const { changes, applied } = node(async (userId) => friendLists[userId] ?? []);
  const signals = new Map<string, number>();
  const watch = (userId: string) => changes.onFeed(userId, () => signals.set(userId, (signals.get(userId) ?? 0) + 1));
  const moved = (batch: RecordedEvent[]) => {
    signals.clear();
    applied('friends_feed', batch);
    return [...signals.keys()].sort();
  };
  return { changes, applied, watch, moved, signals };
}

const loaded = () => new Promise((resolve) => setImmediate(resolve));

describe('read-model changes for watched feeds', () => {
  it("moves a feed for its owner's events and its friends' events, not for anyone else's", async () => {
    const { watch, moved } = setup({ ann: ['bob'], bob: ['ann'], cat: [] });
    watch('ann');
    watch('bob');
    watch('cat');
    await loaded();
    expect(moved([meal('ann')])).toEqual(['ann', 'bob']);
    expect(moved([meal('cat')])).toEqual(['cat']);
    expect(moved([meal('dan')])).toEqual([]);
    expect(moved([meal('ann'), meal('bob'), meal('ann')])).toEqual(['ann', 'bob']);
  });

  it('signals each listener of a moved feed once per author of the batch it reads', async () => {
    // One signal per author (`g.rm.feed.<author>`); the coalesced topic folds them into one reload.
    const { changes, moved } = setup({ ann: ['bob'] });
    let first = 0;
    let second = 0;
    changes.onFeed('ann', () => (first += 1));
    changes.onFeed('ann', () => (second += 1));
    await loaded();
    moved([meal('bob'), meal('bob'), meal('ann')]);
    expect([first, second]).toEqual([2, 2]);
  });

  it("moves the feeds of a challenge's joiner and the joiner's friends, not the challenge's", async () => {
    const { watch, moved } = setup({ ann: ['bob'], bob: [], c1: [] });
    watch('ann');
    watch('bob');
    watch('c1');
    await loaded();
    expect(moved([joined('c1', 'bob')])).toEqual(['ann', 'bob']);
  });

  it("follows friendships made and ended in the watched owner's own stream, within the batch", async () => {
    const { watch, moved } = setup({ ann: [] });
    watch('ann');
    await loaded();
    expect(moved([meal('eve')])).toEqual([]);
    expect(moved([befriended('ann', 'eve'), meal('eve')])).toEqual(['ann']);
    expect(moved([meal('eve')])).toEqual(['ann']);
    expect(moved([unfriended('ann', 'eve')])).toEqual(['ann']); // ann's own event
    expect(moved([meal('eve')])).toEqual([]);
  });

  it('forgets a feed once its last watcher leaves, friends and all', async () => {
    const { watch, moved, changes } = setup({ ann: ['bob'] });
    const stopFirst = watch('ann');
    const stopSecond = changes.onFeed('ann', () => undefined);
    await loaded();
    stopFirst();
    expect(moved([meal('bob')])).toEqual([]); // the first listener is gone
    stopSecond();
    expect(moved([meal('bob'), meal('ann'), befriended('ann', 'eve'), meal('eve')])).toEqual([]);
    watch('ann');
    await loaded();
    expect(moved([meal('bob')])).toEqual(['ann']);
    expect(moved([meal('eve')])).toEqual([]); // eve was befriended while nobody watched
  });

  it('keeps the friends of a feed watched again before its first list arrived', async () => {
    let answer!: (friends: string[]) => void;
    const lists: Array<Promise<string[]>> = [new Promise((resolve) => (answer = resolve)), Promise.resolve(['bob'])];
    const { changes, applied } = node(() => lists.shift()!);
    let signals = 0;
    const stop = changes.onFeed('ann', () => undefined);
    stop();
    changes.onFeed('ann', () => (signals += 1));
    await loaded();
    answer(['cat']); // the stale list of the first watch
    await loaded();
    applied('friends_feed', [meal('cat')]);
    expect(signals).toBe(0);
    applied('friends_feed', [meal('bob')]);
    expect(signals).toBe(1);
  });

  it('ignores other projections for feeds and moves the leaderboard on its own batches', async () => {
    const { changes, applied, watch, signals } = setup({ ann: [] });
    watch('ann');
    let board = 0;
    const stop = changes.onLeaderboard(() => (board += 1));
    await loaded();
    applied('leaderboard', [meal('ann')]);
    applied('profiles', [meal('ann')]);
    expect(board).toBe(1);
    expect(signals.size).toBe(0);
    stop();
    applied('leaderboard', [meal('ann')]);
    expect(board).toBe(1);
  });
});
