import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../actors/runtime/clock.js';
import type { UserState } from '../../actors/user/index.js';
import { gameProjections, readModelQueries } from '../../game/index.js';
import { foldFeedPosts, foldLeaderboard } from '../../game/tests/expected.js';
import { Projections, type OpenStore } from '../../store/index.js';
import { readLog, settled } from '../../store/projections/tests/settled.js';
import { gameRuntime, openGameStore } from '../../test/support/game-runtime.js';
import { dropSchema, eventually, needPostgres, uniqueSchema } from '../../test/support/services.js';

const available = await needPostgres();
const pick = (data: Record<string, unknown>) => ({ likes: data.likes, comments: data.comments, liked: data.liked });
const sortById = <T extends { postId: unknown }>(rows: T[]) => [...rows].sort((a, b) => String(a.postId).localeCompare(String(b.postId)));
const schema = uniqueSchema('property');
const minute = 60_000;
const players = ['p0', 'p1', 'p2', 'p3', 'p4'];

type Op =
  | { kind: 'meal'; p: number; calories: number; protein: number }
  | { kind: 'delete'; p: number }
  | { kind: 'water'; p: number; ml: number }
  | { kind: 'goal'; p: number; calories: number }
  | { kind: 'befriend'; a: number; b: number }
  | { kind: 'mutual'; a: number; b: number }
  | { kind: 'challenge'; p: number; challengeKind: 'meals-logged' | 'water-ml' | 'goal-days' | 'points' }
  | { kind: 'join'; p: number; c: number }
  | { kind: 'post'; p: number }
  | { kind: 'like'; p: number; post: number; liked: boolean }
  | { kind: 'comment'; p: number; post: number }
  | { kind: 'uncomment'; p: number; post: number }
  | { kind: 'unpost'; p: number; post: number }
  | { kind: 'leave'; p: number }
  | { kind: 'time'; minutes: number };

const p = fc.integer({ min: 0, max: players.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('meal' as const), p, calories: fc.integer({ min: 50, max: 1500 }), protein: fc.integer({ min: 0, max: 80 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), p }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('water' as const), p, ml: fc.integer({ min: 100, max: 2500 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('goal' as const), p, calories: fc.integer({ min: 1200, max: 3000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('befriend' as const), a: p, b: p }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('challenge' as const), p, challengeKind: fc.constantFrom('meals-logged', 'water-ml', 'goal-days', 'points') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('join' as const), p, c: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('time' as const), minutes: fc.integer({ min: 1, max: 26 * 60 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('mutual' as const), a: p, b: p }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('post' as const), p }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('like' as const), p, post: fc.nat(5), liked: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('comment' as const), p, post: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('uncomment' as const), p, post: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unpost' as const), p, post: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), p }) },
);

/**
 * For random interleavings of many players' and challenges' commands — run through the real
 * runtime, outbox and timers — the leaderboard and every profile equal a fold over the event log,
 * each player's points are the sum of their `points.earned` events, and every post in a friend's
 * feed shows the likes, comments and reader's like that its post's and likes' events make.
 */
describe.skipIf(!available)('read models agree with the event log (property, PostgreSQL)', () => {
  let opened: OpenStore;
  let run = 0;
  /** Posts compared in friends' feeds, over all runs: the law must have been tested on some. */
  let postsCompared = 0;
  /** Deleted players checked, over all runs. */
  let deletionsChecked = 0;

  beforeAll(async () => {
    opened = await openGameStore(schema);
  });
  afterAll(async () => {
    await opened?.close();
    await dropSchema(schema);
  });

  it('holds for random command sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
        run += 1;
        const clock = new SimulatedClock(Date.parse('2026-06-01T08:00:00Z') + run * 30 * 24 * 60 * minute);
        const runtime = gameRuntime(opened, clock);
        const projections = new Projections(opened.store, gameProjections, { catchUpPollMs: 20 });
        runtime.start();
        await projections.start();
        const ids = players.map((name) => `r${run}-${name}`);
        const challenges: string[] = [];
        const meals = new Map<number, string[]>();
        const posts: Array<{ postId: string; author: string }> = [];
        const comments = new Map<string, Array<{ commentId: string; by: string }>>();
        const deleted = new Set<string>();
        let seq = 0;
        const send = (userId: string, to: string, type: string, payload: unknown) =>
          runtime.send({ id: `r${run}-c${++seq}`, to, type, payload, meta: { origin: 'client', userId } });
        try {
          for (const id of ids) await send(id, `user/${id}`, 'user.register', { displayName: id.toUpperCase(), timezone: 'Asia/Tokyo' });
          // Two friends from the start, so that feeds have posts to show in most runs.
          await send(ids[0]!, `user/${ids[0]}`, 'friend.request', { userId: ids[1] });
          await send(ids[1]!, `user/${ids[1]}`, 'friend.request', { userId: ids[0] });
          for (const step of ops) {
            const id = 'p' in step ? ids[step.p]! : '';
            switch (step.kind) {
              case 'meal': {
                const mealId = `m${++seq}`;
                meals.set(step.p, [...(meals.get(step.p) ?? []), mealId]);
                const foods = [{ name: 'x', quantity: 1, unit: 'g', calories: step.calories, proteinG: step.protein, carbsG: 10, fatG: 5 }];
                await send(id, `user/${id}`, 'meal.log', { mealId, mealType: 'snack', eatenAt: clock.now(), foods });
                break;
              }
              case 'delete': {
                const mealId = meals.get(step.p)?.pop();
                if (mealId) await send(id, `user/${id}`, 'meal.delete', { mealId });
                break;
              }
              case 'water':
                await send(id, `user/${id}`, 'water.log', { ml: step.ml, drankAt: clock.now() });
                break;
              case 'goal':
                await send(id, `user/${id}`, 'goal.set', { calories: step.calories, proteinG: 60, carbsG: 200, fatG: 60, waterMl: 2000 });
                break;
              case 'befriend':
                await send(ids[step.a]!, `user/${ids[step.a]}`, 'friend.request', { userId: ids[step.b] });
                break;
              case 'mutual':
                // Crossing requests make a friendship, whatever order they arrive in.
                await send(ids[step.a]!, `user/${ids[step.a]}`, 'friend.request', { userId: ids[step.b] });
                await send(ids[step.b]!, `user/${ids[step.b]}`, 'friend.request', { userId: ids[step.a] });
                break;
              case 'challenge': {
                const challengeId = `r${run}-ch${challenges.length}`;
                challenges.push(challengeId);
                const startsAt = clock.now() + minute;
                await send(id, `challenge/${challengeId}`, 'challenge.create', {
                  challengeId, title: challengeId, kind: step.challengeKind, startsAt, endsAt: startsAt + 3 * 60 * minute, maxParticipants: 4,
                });
                break;
              }
              case 'join':
                if (challenges.length > 0) await send(id, `challenge/${challenges[step.c % challenges.length]}`, 'challenge.join', {});
                break;
              case 'time':
                await clock.advance(step.minutes * minute);
                break;
              case 'post': {
                const postId = `r${run}-post${posts.length}`;
                posts.push({ postId, author: id });
                await send(id, `user/${id}`, 'post.create', { postId, text: `post ${posts.length}` });
                break;
              }
              case 'like': {
                const post = posts[step.post % Math.max(1, posts.length)];
                if (post) await send(id, `like/${post.postId}@${id}`, step.liked ? 'post.like' : 'post.unlike', { postId: post.postId });
                break;
              }
              case 'comment': {
                const post = posts[step.post % Math.max(1, posts.length)];
                if (!post) break;
                const commentId = `k${++seq}`;
                const outcome = await send(id, `post/${post.postId}`, 'comment.add', { commentId, text: 'nice' });
                if (outcome.status === 'ok') comments.set(post.postId, [...(comments.get(post.postId) ?? []), { commentId, by: id }]);
                break;
              }
              case 'uncomment': {
                const post = posts[step.post % Math.max(1, posts.length)];
                const comment = post && comments.get(post.postId)?.pop();
                if (post && comment) await send(comment.by, `post/${post.postId}`, 'comment.delete', { commentId: comment.commentId });
                break;
              }
              case 'leave':
                if ((await send(id, `user/${id}`, 'user.delete', {})).status === 'ok') deleted.add(id);
                break;
              case 'unpost': {
                const post = posts[step.post % Math.max(1, posts.length)];
                if (post) await send(post.author, `post/${post.postId}`, 'post.delete', {});
                break;
              }
            }
          }
          // Let every challenge end and every outbox command and timer be delivered.
          await clock.advance(4 * 60 * minute);
          await eventually(async () => {
            const cursor = await opened.store.loadCheckpoint('runtime.effects');
            const rest = await opened.store.readAll(cursor, { limit: 1 });
            const due = await opened.sql`select 1 from timers where due_at <= ${clock.now()} limit 1`;
            return rest.events.length === 0 && due.length === 0 && runtime.stats().mailboxDepth === 0 ? true : undefined;
          }, 20_000, 'the outbox and due timers to drain');
          await settled(projections, opened.sql);

          const log = await readLog(opened.store);
          const queries = readModelQueries(opened.sql);
          const board = await queries.leaderboard.top(1_000);
          const strip = (e: { rank: number; userId: string; displayName: string; points: number; level: number }) =>
            [e.rank, e.userId, e.displayName, e.points, e.level];
          expect(board.map(strip)).toEqual(foldLeaderboard(log).map(strip));
          for (const id of ids) {
            if (deleted.has(id)) {
              // Gone from every read model: no profile, no friends, no feed, on no one's friends' list.
              expect(await queries.profiles.get(id, clock.now())).toBeUndefined();
              expect(await queries.feed.friends(id)).toEqual([]);
              expect((await queries.feed.feed(id, { limit: 100 })).items).toEqual([]);
              for (const other of ids) expect(await queries.feed.friends(other)).not.toContain(id);
              deletionsChecked += 1;
              continue;
            }
            const earned = log
              .filter((e) => e.streamId === `user/${id}` && e.type === 'points.earned')
              .reduce((sum, e) => sum + (e.data as { amount: number }).amount, 0);
            const live = (await runtime.current(`user/${id}`)).state as UserState;
            const profile = await queries.profiles.get(id, clock.now());
            expect(live.points).toBe(earned);
            expect(profile?.points).toBe(earned);
            expect(profile?.level).toBe(live.level);
            expect(profile?.achievements.map((a) => a.achievementId).sort()).toEqual([...live.achievements].sort());
            // Every post in this player's feed, as its post's and likes' events make it.
            const feed = await queries.feed.feed(id, { limit: 100 });
            const shown = feed.items.filter((item) => item.kind === 'post').map((item) => ({ postId: item.data.postId, ...pick(item.data) }));
            const friends = new Set(await queries.feed.friends(id));
            const expected = foldFeedPosts(log, id).filter((post) => friends.has(post.authorId)).map(({ authorId: _, ...post }) => post);
            expect(sortById(shown)).toEqual(sortById(expected));
            postsCompared += expected.length;
          }
        } finally {
          await runtime.stop();
          await projections.stop();
        }
      }),
      { numRuns: 8 },
    );
    expect(postsCompared).toBeGreaterThan(0);
    expect(deletionsChecked).toBeGreaterThan(0);
  });
});
