import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalog } from '../../protocol/errors.js';
import { HttpPlayer, startTestServer, type TestServer } from '../../test/support/server.js';
import { needPostgres } from '../../test/support/services.js';

const available = await needPostgres();

describe.skipIf(!available)('HTTP API refuses bad input with a clear 4xx and a stable code (PostgreSQL)', () => {
  let running: TestServer;
  let ada: HttpPlayer;

  beforeAll(async () => {
    running = await startTestServer('postgres', { MAX_BODY_BYTES: '2048' });
    ada = await new HttpPlayer(running.url, 'ada').login();
    await ada.command('user/ada', 'user.register', { displayName: 'Ada', timezone: 'Europe/Paris' });
  });
  afterAll(() => running?.close());

  const meal = (overrides: Record<string, unknown> = {}) => ({
    mealId: 'm1',
    mealType: 'lunch',
    eatenAt: Date.now(),
    foods: [{ name: 'oats', quantity: 100, unit: 'g', calories: 380, proteinG: 13, carbsG: 67, fatG: 7 }],
    ...overrides,
  });

  it.each([
    ['malformed JSON', () => ada.request('POST', '/v1/commands', '{"id": "x",'), 'BODY_INVALID'],
    ['a JSON array', () => ada.request('POST', '/v1/commands', '[1,2]'), 'BODY_INVALID'],
    ['an oversized body', () => ada.request('POST', '/v1/commands', JSON.stringify({ id: 'big', to: 'user/ada', type: 'meal.log', payload: meal({ mealId: 'x'.repeat(4000) }) })), 'BODY_TOO_LARGE'],
    ['an unknown command type', () => ada.command('user/ada', 'meal.eat', {}), 'COMMAND_UNKNOWN'],
    ['a system-only command', () => ada.command('user/ada', 'points.award', { amount: 1000, reason: 'cheat', sourceId: 'x' }), 'COMMAND_UNKNOWN'],
    ['a command to the wrong actor type', () => ada.command('challenge/c1', 'meal.log', meal()), 'COMMAND_UNKNOWN'],
    ["another player's actor", () => ada.command('user/bob', 'meal.log', meal()), 'AUTH_FORBIDDEN'],
    ['a negative quantity', () => ada.command('user/ada', 'meal.log', meal({ foods: [{ name: 'x', quantity: -1, unit: 'g', calories: 1, proteinG: 0, carbsG: 0, fatG: 0 }] })), 'COMMAND_INVALID'],
    ['an unexpected field', () => ada.command('user/ada', 'water.log', { ml: 250, drankAt: Date.now(), extra: true }), 'COMMAND_INVALID'],
    ['a missing id', () => ada.request('POST', '/v1/commands', { to: 'user/ada', type: 'water.log', payload: { ml: 1, drankAt: 1 } }), 'COMMAND_INVALID'],
    ['a bad address', () => ada.command('user/../../etc', 'water.log', { ml: 1, drankAt: 1 }), 'COMMAND_INVALID'],
    ['a meal with no foods (a game rule)', () => ada.command('user/ada', 'meal.log', meal({ foods: [] })), 'CMD_REJECTED'],
    ['registering twice (a game rule)', () => ada.command('user/ada', 'user.register', { displayName: 'Ada', timezone: 'UTC' }), 'CMD_REJECTED'],
  ])('%s', async (_what, send, code) => {
    const { status, body } = await send();
    expect(body.error.code).toBe(code);
    expect(status).toBe(errorCatalog[code as keyof typeof errorCatalog].status);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });

  it('names the rule that refused a command', async () => {
    const { body } = await ada.command('user/ada', 'meal.log', meal({ foods: [] }));
    expect(body.error).toMatchObject({ code: 'CMD_REJECTED', reason: 'MEAL_HAS_NO_FOODS' });
  });

  it('refuses requests without a valid token', async () => {
    const anonymous = new HttpPlayer(running.url, 'nobody');
    expect((await anonymous.command('user/nobody', 'water.log', { ml: 1, drankAt: 1 })).body.error.code).toBe('AUTH_INVALID');
    const bare = await fetch(`${running.url}/v1/commands`, { method: 'POST', body: '{}' });
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as any).error.code).toBe('AUTH_REQUIRED');
    expect((await ada.request('GET', '/v1/admin/dead-letters')).body.error.code).toBe('AUTH_FORBIDDEN');
  });

  it('lets nothing bad reach the actor: its stream holds only the registration', async () => {
    const response = await fetch(`${running.url}/v1/admin/streams/user/ada/events`, { headers: { authorization: 'Bearer dev-admin-token' } });
    const body = (await response.json()) as { events: Array<{ type: string }> };
    expect(body.events.map((e) => e.type)).toEqual(['user.registered']);
  });
});
