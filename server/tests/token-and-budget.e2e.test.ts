// Findings 5 and 9 of issue 16, and the Basic-auth item of 12, against a real server whose clock
// the test moves: a session ends (1008) when its token expires unless a fresh token renewed it;
// POST /v1/commands draws from the budget the player's WebSocket frames draw from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../actors/runtime/index.js';
import { CloseCode } from '../../protocol/close-codes.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { RawClient } from '../gateway/tests/raw-client.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');

describe('tokens and rate budgets on a real server', () => {
  const clock = new SimulatedClock(T0);
  let server: TestServer;
  const clients: RawClient[] = [];

  beforeAll(async () => {
    server = await startTestServer('pglite', {}, { clock });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.close();
  });

  async function token(userId: string, ttlSeconds = 3_600): Promise<string> {
    const response = await fetch(`${server.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId, ttlSeconds }) });
    return ((await response.json()) as { token: string }).token;
  }
  async function post(authorization: string, body: unknown): Promise<Response> {
    return fetch(`${server.url}/v1/commands`, { method: 'POST', headers: { authorization }, body: JSON.stringify(body) });
  }
  async function welcomed(bearer: string): Promise<RawClient> {
    const client = await RawClient.open(`${server.url.replace('http://', 'ws://')}/v1/ws`, 'json');
    clients.push(client);
    expect(await client.hello(bearer)).toMatchObject({ t: 'welcome' });
    return client;
  }
  const water = (id: string, userId: string) => ({ id, to: `user/${userId}`, type: 'water.log', payload: { ml: 250, drankAt: clock.now() } });

  it('closes a session 1008 with a bye when its token expires, unless a fresh token renewed it', async () => {
    const expiring = await welcomed(await token('ada', 60));
    const renewed = await welcomed(await token('ada', 60));
    expect(renewed.frames[0]).toMatchObject({ expiresAt: T0 + 60_000 });
    await clock.advance(30_000);
    const from = renewed.frames.length;
    renewed.send({ t: 'hello', token: await token('ada', 60) });
    expect(await renewed.waitFor((frame) => frame.t === 'welcome', 'a second welcome', from)).toMatchObject({ userId: 'ada', expiresAt: T0 + 90_000 });

    await clock.advance(30_000);
    expect((await expiring.closed).code).toBe(CloseCode.POLICY_VIOLATION);
    expect(expiring.frames.at(-1)).toMatchObject({ t: 'bye', code: CloseCode.POLICY_VIOLATION });
    expect(renewed.isOpen).toBe(true);
    await clock.advance(30_000);
    expect((await renewed.closed).code).toBe(CloseCode.POLICY_VIOLATION);
  });

  it('refuses a token that never expires, or lives longer than TOKEN_MAX_TTL_SECONDS', async () => {
    const response = await fetch(`${server.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId: 'ada', ttlSeconds: 86_401 }) });
    expect(response.status).toBe(400);
  });

  it('answers Authorization: Basic AUTH_REQUIRED', async () => {
    const response = await post(`Basic ${Buffer.from('ada:secret').toString('base64')}`, water('b1', 'ada'));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
  });

  it('limits POST /v1/commands with the budget of the player’s WebSocket frames: 429 with Retry-After', async () => {
    const bearer = await token('bob');
    expect((await post(`Bearer ${bearer}`, { id: 'r0', to: 'user/bob', type: 'user.register', payload: { displayName: 'Bob', timezone: 'UTC' } })).status).toBe(200);
    const socket = await welcomed(bearer);
    // The clock stands still: nothing refills. The burst is 100: the register, 98 pings, one command.
    for (let n = 0; n < 98; n++) socket.send({ t: 'ping', n });
    await socket.waitForCount((frame) => frame.t === 'pong', 98, 'pongs');
    expect((await post(`Bearer ${bearer}`, water('w1', 'bob'))).status).toBe(200);
    const limited = await post(`Bearer ${bearer}`, water('w2', 'bob'));
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    socket.send({ t: 'ping', n: 99 });
    expect(await socket.waitFor((frame) => frame.t === 'err')).toMatchObject({ code: 'RATE_LIMITED' });
    // Another player has a budget of their own; time gives the budget back.
    expect((await post(`Bearer ${await token('cyd')}`, { id: 'c0', to: 'user/cyd', type: 'user.register', payload: { displayName: 'Cyd', timezone: 'UTC' } })).status).toBe(200);
    await clock.advance(1_000);
    expect((await post(`Bearer ${bearer}`, water('w2', 'bob'))).status).toBe(200);
  });
});
