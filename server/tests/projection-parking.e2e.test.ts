import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_STREAM } from '../../store/index.js';
import { HttpPlayer, startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres } from '../../test/support/services.js';

const available = await needPostgres();

/**
 * An event no read model can store, written straight into the log, as an operator meets it on a
 * real server: the projections that choke on it park it and go on, the others never notice, and
 * the operator sees it, retries it and skips it over HTTP.
 */
describe.skipIf(!available)('a poisoned event on a running server (PostgreSQL)', () => {
  let running: TestServer;
  let bob: HttpPlayer;
  const admin = async (method: string, path: string, token = 'dev-admin-token') => {
    const response = await fetch(`${running.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as any };
  };
  const projectionsNow = async () => (await admin('GET', '/v1/admin/projections')).body.projections as any[];
  const metric = async (name: string, projection: string) => {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{projection="${projection}"}`));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };
  const meal = { mealId: 'b-lunch', mealType: 'lunch', eatenAt: Date.now(), foods: [{ name: 'soup', quantity: 400, unit: 'g', calories: 450, proteinG: 28, carbsG: 60, fatG: 9 }] };
  let poisoned: any[] = [];

  beforeAll(async () => {
    running = await startTestServer('postgres');
    bob = await new HttpPlayer(running.url, 'bob').login();
  });
  afterAll(() => running?.close());

  it('parks the event where a projection cannot apply it, and every projection keeps applying later events', async () => {
    // A registration without a display name (as a buggy writer or an old schema might have left
    // it): the log keeps any JSON, the read models' tables need the name.
    await running.server.store.store.append('user/mallory', NO_STREAM, [
      { id: randomUUID(), type: 'user.registered', data: { userId: 'mallory', displayName: null, timezone: 'UTC' } },
    ]);
    expect((await bob.command('user/bob', 'user.register', { displayName: 'Bob', timezone: 'UTC' })).status).toBe(200);
    expect((await bob.command('user/bob', 'meal.log', meal)).status).toBe(200);

    // Later events reach the poisoned read models (leaderboard, profiles) and the others (nutrition).
    const profile = await eventually(async () => {
      const { body } = await bob.request('GET', '/v1/players/bob');
      return body?.points > 0 && body?.today?.meals === 1 ? body : undefined;
    }, 20_000, "bob's profile with his meal");
    expect(profile).toMatchObject({ displayName: 'Bob', today: { calories: 450 } });
    await eventually(async () => {
      const { body } = await bob.request('GET', '/v1/leaderboards/global?limit=10');
      return body?.entries?.some((e: any) => e.userId === 'bob') ? true : undefined;
    }, 20_000, 'bob on the leaderboard');

    const statuses = await eventually(async () => {
      const all = await projectionsNow();
      return all.every((s) => s.state === 'live' && s.lag.events === 0) && all.some((s) => s.parked.count > 0) ? all : undefined;
    }, 20_000, 'projections live, with parked events');
    poisoned = statuses.filter((s) => s.parked.count > 0);
    expect(poisoned.map((s) => s.name)).toEqual(expect.arrayContaining(['leaderboard', 'profiles']));
    expect(statuses.find((s) => s.name === 'nutrition_days').parked).toMatchObject({ count: 0, events: [] });
    for (const status of poisoned) {
      expect(status.parked.count).toBe(1);
      expect(status.parked.list).toBe(`/v1/admin/projections/${status.name}/parked`);
      expect(status.parked.events).toEqual([
        expect.objectContaining({
          projection: status.name,
          streamId: 'user/mallory',
          streamType: 'user',
          streamVersion: 1,
          status: 'parked',
          attempts: 3,
          event: expect.objectContaining({ type: 'user.registered', data: { userId: 'mallory', displayName: null, timezone: 'UTC' } }),
        }),
      ]);
      expect(status.parked.events[0].error).toMatch(/display_name/);
      expect(await metric('gamifier_projection_parked_events', status.name)).toBe(1);
      expect(await metric('gamifier_projection_events_parked_total', status.name)).toBe(1);
    }
    expect(await metric('gamifier_projection_parked_events', 'nutrition_days')).toBe(0);
  });

  it('lists parked events, and a retry that fails again leaves the event parked', async () => {
    const leaderboard = poisoned.find((s) => s.name === 'leaderboard');
    const [entry] = leaderboard.parked.events;
    const listed = await admin('GET', '/v1/admin/projections/leaderboard/parked');
    expect(listed).toEqual({ status: 200, body: { parked: [entry] } });

    const retried = await admin('POST', `/v1/admin/projections/leaderboard/parked/${entry.id}/retry`);
    expect(retried.status).toBe(409);
    expect(retried.body.error).toMatchObject({ code: 'PARKED_EVENT_STILL_FAILS', parked: { id: entry.id, attempts: 4, status: 'parked' } });
    expect((await admin('GET', '/v1/admin/projections/leaderboard/parked')).body.parked.map((p: any) => [p.id, p.attempts])).toEqual([[entry.id, 4]]);
    expect(await metric('gamifier_projection_parked_events', 'leaderboard')).toBe(1);
  });

  it('skips parked events for good: they leave the list and the gauge, and stay on record', async () => {
    for (const status of poisoned) {
      const [entry] = status.parked.events;
      const skipped = await admin('POST', `/v1/admin/projections/${status.name}/parked/${entry.id}/skip`);
      expect(skipped).toMatchObject({ status: 200, body: { skipped: { id: entry.id, status: 'skipped', streamId: 'user/mallory' } } });
      expect((await admin('POST', `/v1/admin/projections/${status.name}/parked/${entry.id}/retry`)).body.error.code).toBe('PARKED_EVENT_NOT_FOUND');
      expect((await admin('GET', `/v1/admin/projections/${status.name}/parked?status=skipped`)).body.parked.map((p: any) => p.id)).toEqual([entry.id]);
    }
    const after = await projectionsNow();
    expect(after.map((s) => [s.name, s.parked.count])).toEqual(after.map((s) => [s.name, 0]));
    for (const status of poisoned) expect(await metric('gamifier_projection_parked_events', status.name)).toBe(0);
    // Still live: a later event is applied.
    expect((await bob.command('user/bob', 'profile.update', { displayName: 'Robert' })).status).toBe(200);
    await eventually(async () => ((await bob.request('GET', '/v1/players/bob')).body?.displayName === 'Robert' ? true : undefined), 20_000, 'the new name');
  });

  it('answers operators with catalog codes', async () => {
    expect((await admin('GET', '/v1/admin/projections/nope/parked')).body.error.code).toBe('PROJECTION_NOT_FOUND');
    expect((await admin('POST', '/v1/admin/projections/leaderboard/parked/999999/skip')).body.error.code).toBe('PARKED_EVENT_NOT_FOUND');
    expect((await admin('POST', '/v1/admin/projections/leaderboard/parked/x/retry')).body.error.code).toBe('QUERY_INVALID');
    expect((await admin('GET', '/v1/admin/projections/leaderboard/parked?status=gone')).body.error.code).toBe('QUERY_INVALID');
    expect((await admin('POST', '/v1/admin/projections/leaderboard/parked/1/skip', 'not-the-token')).status).toBe(403);
  });
});
