import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPlayer, startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres } from '../../test/support/services.js';

const available = await needPostgres();

/**
 * Command ids belong to the player who sends them: clients number their commands `c1, c2, …`,
 * so two players' `c8` are two commands, and one player's `c8` reused for something else is
 * refused rather than acknowledged as a duplicate of what it is not.
 */
describe.skipIf(!available)('command ids (PostgreSQL)', () => {
  let running: TestServer;
  let ada: HttpPlayer;
  let bob: HttpPlayer;
  const water = (ml: number) => ({ ml, drankAt: Date.now() });

  beforeAll(async () => {
    running = await startTestServer('postgres');
    ada = await new HttpPlayer(running.url, 'ada').login();
    bob = await new HttpPlayer(running.url, 'bob').login();
    for (const player of [ada, bob]) {
      const registered = await player.command(`user/${player.userId}`, 'user.register', { displayName: player.userId, timezone: 'UTC' }, 'c1');
      expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    }
  });
  afterAll(() => running?.close());

  it("are the sender's own: another player's same id to the same challenge is a new command", async () => {
    const startsAt = Date.now() + 3_600_000;
    const created = await ada.command('challenge/ids-cup', 'challenge.create', {
      title: 'Ids cup', kind: 'meals-logged', startsAt, endsAt: startsAt + 3_600_000, maxParticipants: 10,
    }, 'c7');
    expect(created.status, JSON.stringify(created.body)).toBe(200);

    const adaJoins = await ada.command('challenge/ids-cup', 'challenge.join', {}, 'c8');
    const bobJoins = await bob.command('challenge/ids-cup', 'challenge.join', {}, 'c8');
    expect(adaJoins.body).toMatchObject({ status: 'ok', duplicate: false });
    expect(bobJoins.body).toMatchObject({ status: 'ok', duplicate: false });
    expect(bobJoins.body.events.map((event: { type: string }) => event.type)).toContain('challenge.participant.joined');

    const listed = await eventually(async () => {
      const { body } = await bob.request('GET', '/v1/challenges/ids-cup');
      return body?.participants === 2 ? body : undefined;
    });
    expect(listed).toMatchObject({ challengeId: 'ids-cup', participants: 2 });

    // Each player's status lookup finds their own c8.
    const adaStatus = await ada.request('GET', '/v1/commands/c8?to=challenge/ids-cup');
    const bobStatus = await bob.request('GET', '/v1/commands/c8?to=challenge/ids-cup');
    expect(adaStatus.body.version).toBe(adaJoins.body.version);
    expect(bobStatus.body.version).toBe(bobJoins.body.version);
  });

  it('refuse a reused id for another command, live and once the actor has forgotten it, and keep retries duplicates', async () => {
    const glass = water(250);
    const first = await ada.command('user/ada', 'water.log', glass, 'w1');
    expect(first.body).toMatchObject({ status: 'ok', duplicate: false });

    const reusedLive = await ada.command('user/ada', 'water.log', water(900), 'w1');
    expect(reusedLive.status).toBe(409);
    expect(reusedLive.body.error).toMatchObject({ code: 'COMMAND_ID_REUSED', id: 'w1' });

    // Enough other commands that the live actor no longer remembers w1: the store answers.
    for (let i = 0; i < 12; i++) expect((await ada.command('user/ada', 'water.log', water(10), `fill-${i}`)).status).toBe(200);
    const reusedStored = await ada.command('user/ada', 'meal.delete', { mealId: 'nothing' }, 'w1');
    expect(reusedStored.status).toBe(409);
    expect(reusedStored.body.error.code).toBe('COMMAND_ID_REUSED');
    const registerAgain = await ada.command('user/ada', 'user.register', { displayName: 'Ada', timezone: 'UTC' }, 'c1');
    expect(registerAgain.status).toBe(409);
    expect(registerAgain.body.error.code).toBe('COMMAND_ID_REUSED');

    const retried = await ada.command('user/ada', 'water.log', glass, 'w1');
    expect(retried.body).toMatchObject({ status: 'ok', duplicate: true, version: first.body.version });
  });

  it("tell a player nothing of another player's commands", async () => {
    const asked = await bob.request('GET', '/v1/commands/c1?to=user/ada');
    expect(asked.status).toBe(403);
    expect(asked.body.error.code).toBe('AUTH_FORBIDDEN');
    expect((await ada.request('GET', '/v1/commands/c1?to=user/ada')).body).toMatchObject({ status: 'ok', version: 1 });
  });
});
