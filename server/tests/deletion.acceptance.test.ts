import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostState } from '../../actors/post/index.js';
import { SimulatedClock } from '../../actors/runtime/clock.js';
import type { ChallengeState as ChallengeActorState } from '../../actors/challenge/index.js';
import { gameProjections, readModelQueries } from '../../game/index.js';
import { Projections, type OpenStore } from '../../store/index.js';
import { settled } from '../../store/projections/tests/settled.js';
import { gameRuntime, openGameStore } from '../../test/support/game-runtime.js';
import { dropSchema, eventually, needPostgres, postgresUrl, uniqueSchema } from '../../test/support/services.js';

const available = await needPostgres();
const run = promisify(execFile);
const minute = 60_000;

/** The schema as `pg_dump` writes it: what a backup of the database holds. */
async function dump(schema: string): Promise<string> {
  const { stdout } = await run('pg_dump', ['--dbname', postgresUrl, '--schema', schema, '--no-owner'], { maxBuffer: 64 * 1024 * 1024 });
  expect(stdout).toContain('COPY');
  return stdout;
}

/**
 * The issue's acceptance: a player who logged meals, posted, commented, befriended and won a
 * challenge is deleted; a dump of the whole database holds none of their personal strings, the
 * other players' views are whole, and rebuilding every read model gives what they held.
 */
describe.skipIf(!available)('deleting a player who played everything (PostgreSQL, pg_dump)', () => {
  const schema = uniqueSchema('deletion');
  let opened: OpenStore;

  beforeAll(async () => {
    opened = await openGameStore(schema);
  });
  afterAll(async () => {
    await opened?.close();
    await dropSchema(schema);
  });

  it('forgets them everywhere and leaves every other view whole', async () => {
    const tag = randomUUID().slice(0, 8);
    const secrets = { name: `Ada Lovelace ${tag}`, food: `secret porridge ${tag}`, post: `my diary ${tag}`, comment: `nice one ${tag}`, legacy: `old words ${tag}` };
    const clock = new SimulatedClock(Date.parse('2026-06-01T08:00:00Z'));
    // Snapshots every 2 events, so that plaintext copies exist before the deletion.
    const runtime = gameRuntime(opened, clock, { snapshotEvery: 2 });
    const projections = new Projections(opened.store, gameProjections, { catchUpPollMs: 20 });
    runtime.start();
    await projections.start();
    const queries = readModelQueries(opened.sql);
    let seq = 0;
    const send = async (userId: string, to: string, type: string, payload: unknown) => {
      const outcome = await runtime.send({ id: `c${++seq}`, to, type, payload, meta: { origin: 'client', userId } });
      expect(outcome, `${type} to ${to}`).toMatchObject({ status: 'ok' });
      return outcome;
    };
    const drained = () =>
      eventually(async () => {
        const rest = await opened.store.readAll(await opened.store.loadCheckpoint('runtime.effects'), { limit: 1 });
        const due = await opened.sql`select 1 from timers where due_at <= ${clock.now()} limit 1`;
        return rest.events.length === 0 && due.length === 0 && runtime.stats().mailboxDepth === 0 ? true : undefined;
      }, 20_000, 'the outbox and due timers to drain');
    const food = (name: string) => [{ name, quantity: 100, unit: 'g', calories: 380, proteinG: 13, carbsG: 67, fatG: 7 }];
    try {
      await send('ada', 'user/ada', 'user.register', { displayName: secrets.name, timezone: 'Europe/London' });
      await send('bob', 'user/bob', 'user.register', { displayName: 'Bob', timezone: 'UTC' });
      await send('cy', 'user/cy', 'user.register', { displayName: 'Cy', timezone: 'UTC' });
      await send('ada', 'user/ada', 'friend.request', { userId: 'bob' });
      await send('bob', 'user/bob', 'friend.request', { userId: 'ada' });
      await send('bob', 'user/bob', 'friend.request', { userId: 'cy' });
      await send('cy', 'user/cy', 'friend.request', { userId: 'bob' });
      await send('ada', 'user/ada', 'friend.request', { userId: 'cy' }); // pending when ada goes
      // A challenge ada wins.
      const startsAt = clock.now() + minute;
      await send('bob', 'challenge/cup', 'challenge.create', { challengeId: 'cup', title: 'Breakfast cup', kind: 'meals-logged', startsAt, endsAt: startsAt + 10 * minute, maxParticipants: 4 });
      await send('ada', 'challenge/cup', 'challenge.join', {});
      await send('bob', 'challenge/cup', 'challenge.join', {});
      await clock.advance(2 * minute);
      await drained();
      await send('ada', 'user/ada', 'meal.log', { mealId: 'm1', mealType: 'breakfast', eatenAt: clock.now(), foods: food(secrets.food) });
      await send('ada', 'user/ada', 'meal.log', { mealId: 'm2', mealType: 'lunch', eatenAt: clock.now(), foods: food(`${secrets.food} again`) });
      await send('bob', 'user/bob', 'meal.log', { mealId: 'm1', mealType: 'lunch', eatenAt: clock.now(), foods: food('oats') });
      // Posts and comments, each way.
      await send('ada', 'user/ada', 'post.create', { postId: 'pa', text: secrets.post });
      await send('bob', 'user/bob', 'post.create', { postId: 'pb', text: 'Bob here' });
      for (const post of ['post/pa', 'post/pb']) {
        await eventually(async () => (((await runtime.current(post)).state as PostState).post ? true : undefined), 10_000, `${post} published`);
      }
      await send('ada', 'post/pb', 'comment.add', { commentId: 'k1', text: secrets.comment });
      await send('bob', 'post/pa', 'comment.add', { commentId: 'k2', text: 'Well done' });
      await send('bob', 'like/pa@bob', 'post.like', { postId: 'pa' });
      await clock.advance(12 * minute);
      await drained();
      await settled(projections, opened.sql);

      const cup = (await runtime.current('challenge/cup')).state as ChallengeActorState;
      expect(cup.finalRanking?.[0]).toMatchObject({ userId: 'ada', rank: 1 });
      expect((await queries.profiles.get('ada', clock.now()))?.achievements.map((a) => a.achievementId)).toContain('challenge-winner');
      // A post of ada's written before encryption existed: its text and her comment in plaintext.
      const legacy = (version: number, type: string, data: unknown) => opened.sql`
        insert into events (stream_id, stream_type, version, event_id, type, data)
        values ('post/old', 'post', ${version}, ${randomUUID()}, ${type}, ${JSON.stringify(data)}::text::json)`;
      await legacy(1, 'social.post.published', { postId: 'old', authorId: 'ada', kind: 'text', text: secrets.legacy, data: {}, createdAt: clock.now() });
      await legacy(2, 'social.comment.added', { commentId: 'k0', userId: 'ada', authorId: 'ada', text: `${secrets.legacy} (a comment)`, at: clock.now() });
      await legacy(3, 'social.comment.added', { commentId: 'k9', userId: 'cy', authorId: 'ada', text: 'Cy was here', at: clock.now() });
      const before = await dump(schema);
      expect(before).toContain(secrets.legacy);
      expect(before).toContain(secrets.name); // the dump would show them: read models and snapshots hold plaintext

      await send('ada', 'user/ada', 'user.delete', {});
      // The outbox has done the forgetting once its checkpoint is past the deletion.
      const [deletion] = await opened.sql<{ position: string }[]>`select position::text from events where stream_id = 'user/ada' and type = 'user.account.deleted'`;
      await eventually(async () => ((await opened.store.loadCheckpoint('runtime.effects')).position >= Number(deletion!.position) ? true : undefined), 20_000, 'the forgetting');
      await drained();
      await settled(projections, opened.sql);

      const after = await dump(schema);
      for (const [what, secret] of Object.entries(secrets)) expect(after.includes(secret), `${what} in the dump`).toBe(false);
      expect(after).not.toContain(tag);

      // Every other player's view is whole.
      expect(await queries.profiles.get('ada', clock.now())).toBeUndefined();
      expect((await queries.leaderboard.top(100)).map((entry) => entry.userId).sort()).toEqual(['bob', 'cy']);
      expect(await queries.feed.friends('bob')).toEqual(['cy']);
      expect(await queries.feed.friends('cy')).toEqual(['bob']);
      const bobsFeed = await queries.feed.feed('bob', { limit: 100 });
      expect(bobsFeed.items.filter((item) => item.userId === 'ada')).toEqual([]);
      const bob = (await runtime.current('user/bob')).state as { friends: Record<string, true> };
      const cys = (await runtime.current('user/cy')).state as { requestsReceived: Record<string, true> };
      expect(Object.keys(bob.friends)).toEqual(['cy']);
      expect(cys.requestsReceived).toEqual({});
      // The challenge's ranking stays whole, ada's entry under her id.
      const standings = await queries.challenges.standings('cup');
      expect(standings.map((standing) => standing.userId)).toEqual(['ada', 'bob']);
      expect(((await runtime.current('challenge/cup')).state as ChallengeActorState).finalRanking?.map((entry) => entry.userId)).toEqual(['ada', 'bob']);
      // Bob's post keeps its text and his words; ada's comment reads (deleted), live and replayed.
      const pb = (await runtime.current('post/pb')).state as PostState;
      expect(pb.post?.text).toBe('Bob here');
      expect(pb.comments.map((comment) => [comment.userId, comment.text])).toEqual([['ada', '(deleted)']]);
      const pa = (await runtime.current('post/pa')).state as PostState;
      expect(pa.post?.text).toBe('(deleted)');
      expect(pa.comments.map((comment) => comment.text)).toEqual(['Well done']);
      // The legacy post: rewritten in place, but for cy's comment.
      expect((await opened.store.readStream('post/old')).map((event) => (event.data as { text?: string }).text)).toEqual(['(deleted)', '(deleted)', 'Cy was here', undefined]);

      // A rebuild of every read model gives what they hold.
      const views = async () => ({
        top: await queries.leaderboard.top(100),
        profiles: [await queries.profiles.get('ada', clock.now()), await queries.profiles.get('bob', clock.now()), await queries.profiles.get('cy', clock.now())],
        feeds: [await queries.feed.feed('bob', { limit: 100 }), await queries.feed.feed('cy', { limit: 100 }), await queries.feed.feed('ada', { limit: 100 })],
        friends: [await queries.feed.friends('ada'), await queries.feed.friends('bob'), await queries.feed.friends('cy')],
        challenges: [await queries.challenges.get('cup'), await queries.challenges.standings('cup')],
        nutrition: [await queries.nutrition.day('ada', '2026-06-01'), await queries.nutrition.day('bob', '2026-06-01')],
      });
      const served = await views();
      for (const projection of gameProjections) await (await projections.rebuild(projection.name)).done;
      await settled(projections, opened.sql);
      expect(await views()).toEqual(served);
    } finally {
      await runtime.stop();
      await projections.stop();
    }
  }, 120_000);
});
