import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../actors/runtime/clock.js';
import { HttpPlayer, startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres } from '../../test/support/services.js';

const available = await needPostgres();
const minute = 60_000;

/**
 * The whole game over real HTTP against a real server on PostgreSQL, as a player and an operator
 * would play it. The server runs on a simulated clock so that a challenge can start and end.
 */
describe.skipIf(!available)('the game over HTTP (PostgreSQL)', () => {
  const clock = new SimulatedClock(Date.now());
  let running: TestServer;
  let ada: HttpPlayer;
  let bob: HttpPlayer;
  const admin = (method: string, path: string) =>
    fetch(`${running.url}${path}`, { method, headers: { authorization: 'Bearer dev-admin-token' } }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as any,
    }));
  const ok = async (result: Promise<{ status: number; body: any }>) => {
    const { status, body } = await result;
    expect(status, JSON.stringify(body)).toBe(200);
    return body;
  };
  const food = { name: 'lentil soup', quantity: 400, unit: 'g', calories: 450, proteinG: 28, carbsG: 60, fatG: 9 };
  const meal = (mealId: string, eatenAt = clock.now()) => ({ mealId, mealType: 'lunch', eatenAt, foods: [food] });

  beforeAll(async () => {
    running = await startTestServer('postgres', {}, { clock });
    ada = await new HttpPlayer(running.url, 'ada').login();
    bob = await new HttpPlayer(running.url, 'bob').login();
  });
  afterAll(() => running?.close());

  it('registers two players who befriend each other and log meals, water and goals', async () => {
    await ok(ada.command('user/ada', 'user.register', { displayName: 'Ada', timezone: 'Europe/Paris' }));
    await ok(bob.command('user/bob', 'user.register', { displayName: 'Bob', timezone: 'America/New_York' }));
    await ok(ada.command('user/ada', 'friend.request', { userId: 'bob' }));
    await eventually(async () => ((await bob.command('user/bob', 'friend.accept', { userId: 'ada' })).status === 200 ? true : undefined));
    await ok(ada.command('user/ada', 'goal.set', { calories: 2000, proteinG: 90, carbsG: 250, fatG: 70, waterMl: 2000 }));
    await ok(ada.command('user/ada', 'meal.log', meal('a-lunch')));
    await ok(ada.command('user/ada', 'water.log', { ml: 2000, drankAt: clock.now() }));
    await ok(bob.command('user/bob', 'meal.log', meal('b-lunch')));

    const profile = await eventually(async () => {
      const { body } = await ada.request('GET', '/v1/players/ada');
      return body?.achievements?.length >= 2 ? body : undefined;
    });
    expect(profile).toMatchObject({ userId: 'ada', displayName: 'Ada', level: 1, streak: { days: 1 } });
    expect(profile.achievements.map((a: any) => a.achievementId).sort()).toEqual(['first-meal', 'hydrated']);
    expect(profile.today).toMatchObject({ calories: 450, waterMl: 2000, meals: 1 });
    // 10 (meal) + 10 (first-meal) + 5 (water goal) + 10 (hydrated)
    expect(profile.points).toBe(35);

    const today = profile.today.day as string;
    expect(await ok(ada.request('GET', `/v1/players/ada/nutrition/${today}`))).toMatchObject({ calories: 450, proteinG: 28, meals: 1 });
    const feed = await eventually(async () => {
      const { body } = await bob.request('GET', '/v1/players/bob/feed');
      return body?.items?.some((item: any) => item.userId === 'ada' && item.kind === 'meal.logged') ? body : undefined;
    });
    expect(feed.items.every((item: any) => item.userId === 'ada')).toBe(true);
    expect((await bob.request('GET', '/v1/players/ada/feed')).body.error.code).toBe('AUTH_FORBIDDEN');
  });

  it('runs a challenge that starts and ends on its timers, ranks it, and rewards the winner once', async () => {
    const startsAt = clock.now() + minute;
    await ok(ada.command('challenge/lunch-cup', 'challenge.create', {
      title: 'Lunch cup', kind: 'meals-logged', startsAt, endsAt: startsAt + 60 * minute, maxParticipants: 10,
    }));
    await ok(ada.command('challenge/lunch-cup', 'challenge.join', {}));
    await ok(bob.command('challenge/lunch-cup', 'challenge.join', {}));
    const listed = await eventually(async () => {
      const { body } = await bob.request('GET', '/v1/challenges');
      return body?.items?.find((c: any) => c.challengeId === 'lunch-cup' && c.participants === 2);
    });
    expect(listed).toMatchObject({ title: 'Lunch cup', kind: 'meals-logged', state: 'open', maxParticipants: 10 });

    await clock.advance(2 * minute);
    await eventually(async () => ((await ada.request('GET', '/v1/challenges/lunch-cup')).body.state === 'running' ? true : undefined));
    await ok(bob.command('user/bob', 'meal.log', meal('b-snack-1')));
    await ok(bob.command('user/bob', 'meal.log', meal('b-snack-2')));
    await ok(ada.command('user/ada', 'meal.log', meal('a-snack-1')));
    const standings = await eventually(async () => {
      const { body } = await ada.request('GET', '/v1/challenges/lunch-cup');
      return body.standings?.[0]?.score === 2 && body.standings?.[1]?.score === 1 ? body.standings : undefined;
    });
    expect(standings.map((s: any) => [s.rank, s.userId, s.score])).toEqual([[1, 'bob', 2], [2, 'ada', 1]]);

    await clock.advance(62 * minute);
    const bobProfile = await eventually(async () => {
      const { body } = await bob.request('GET', '/v1/players/bob');
      return body.achievements?.some((a: any) => a.achievementId === 'challenge-winner') ? body : undefined;
    });
    // Each read model follows the log on its own: the challenges' one may still be a batch behind.
    await eventually(async () => ((await ada.request('GET', '/v1/challenges/lunch-cup')).body.state === 'finished' ? true : undefined));
    const { body: events } = await admin('GET', '/v1/admin/streams/user/bob/events');
    const challengePoints = events.events.filter((e: any) => e.type === 'points.earned' && e.data.sourceId.startsWith('challenge:'));
    expect(challengePoints.map((e: any) => e.data.amount)).toEqual([300]);
    const earned = events.events.filter((e: any) => e.type === 'points.earned').reduce((sum: number, e: any) => sum + e.data.amount, 0);
    expect(bobProfile.points).toBe(earned);

    const board = await eventually(async () => {
      const body = await ok(ada.request('GET', '/v1/leaderboards/global'));
      return body.entries.find((e: any) => e.userId === 'bob')?.points === earned ? body : undefined;
    });
    expect(board.entries.slice(0, 2).map((e: any) => e.userId)).toEqual(['bob', 'ada']);
    const around = await ok(ada.request('GET', '/v1/leaderboards/global/around/ada?k=1'));
    expect(around.player).toMatchObject({ userId: 'ada', rank: 2 });
    expect(around.above.map((e: any) => e.userId)).toEqual(['bob']);
  });

  it('lets an operator rebuild a projection while commands flow, and it ends equal to the log', async () => {
    const before = (await admin('GET', '/v1/admin/projections')).body.projections.find((p: any) => p.name === 'leaderboard');
    const rebuild = await admin('POST', '/v1/admin/projections/leaderboard/rebuild');
    expect(rebuild.status).toBe(202);
    for (let i = 0; i < 3; i++) await ok(ada.command('user/ada', 'meal.log', meal(`a-rebuild-${i}`)));
    await eventually(async () => {
      const status = (await admin('GET', '/v1/admin/projections')).body.projections.find((p: any) => p.name === 'leaderboard');
      return status.generation > before.generation && status.state === 'live' && status.lag.events === 0 ? status : undefined;
    });
    const { body: adaEvents } = await admin('GET', '/v1/admin/streams/user/ada/events');
    const adaPoints = adaEvents.events.filter((e: any) => e.type === 'points.earned').reduce((sum: number, e: any) => sum + e.data.amount, 0);
    const board = await eventually(async () => {
      const { body } = await ada.request('GET', '/v1/leaderboards/global');
      return body.entries.find((e: any) => e.userId === 'ada')?.points === adaPoints ? body : undefined;
    });
    expect(board.players).toBeGreaterThanOrEqual(2);
    expect((await admin('POST', '/v1/admin/projections/nope/rebuild')).body.error.code).toBe('PROJECTION_NOT_FOUND');
  });

  it('lets an operator retry a dead letter, which then applies once', async () => {
    const command = { id: 'dl-1', to: 'user/ada', type: 'water.log', payload: { ml: 300, drankAt: clock.now() }, meta: { origin: 'client', userId: 'ada' } };
    await running.server.store.deadLetters.keep({
      actor: 'user/ada', commandId: 'dl-1', key: 'dl-1', message: command, error: 'TypeError: simulated crash', attempts: 3, node: 'e2e',
    });
    const [letter] = (await admin('GET', '/v1/admin/dead-letters?actor=user/ada')).body.deadLetters;
    expect(letter).toMatchObject({ commandId: 'dl-1', attempts: 3 });
    const retried = await admin('POST', `/v1/admin/dead-letters/${letter.id}/retry`);
    expect(retried.body).toMatchObject({ id: 'dl-1', status: 'ok', duplicate: false });
    expect((await admin('GET', '/v1/admin/dead-letters?actor=user/ada')).body.deadLetters).toEqual([]);
    expect((await ada.request('GET', '/v1/commands/dl-1?to=user/ada')).body).toMatchObject({ status: 'ok', version: retried.body.version });
    expect((await ada.command('user/ada', 'water.log', command.payload, 'dl-1')).body).toMatchObject({ duplicate: true });
    expect((await admin('DELETE', `/v1/admin/dead-letters/${letter.id}`)).body.error.code).toBe('DEAD_LETTER_NOT_FOUND');
  });

  it('replays a player to any version and serves metrics', async () => {
    const state = await admin('GET', '/v1/admin/streams/user/ada/state?version=1');
    expect(state.body).toMatchObject({ version: 1, lifecycle: 'active', state: { displayName: 'Ada', points: 0 } });
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/gamifier_commands_total\{actor="user",type="meal.log",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/gamifier_projection_lag_events\{projection="leaderboard"\} \d+/);
  });
});
