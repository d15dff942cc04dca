import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ClientOptions, type CommandResult, type GamifierClient } from '../../protocol/client/index.js';
import { defaultLimits } from '../../protocol/frames.js';
import { expectLoggedOnce } from '../../test/support/outage.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { needPostgres, postgresUrl } from '../../test/support/services.js';

const available = await needPostgres();

/** The SDK's retries against the wired server: a burst past the player's rate budget. */
describe.skipIf(!available)('the SDK retrying rate-limited commands on the wired server (PostgreSQL)', () => {
  let running: TestServer;
  const clients: GamifierClient[] = [];

  async function player(userId: string, options: Pick<ClientOptions, 'retry' | 'onStatus'> = {}): Promise<GamifierClient> {
    const response = await fetch(`${running.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId }) });
    const { token } = (await response.json()) as { token: string };
    const client = await connect({ url: `${running.url.replace('http', 'ws')}/v1/ws`, token, WebSocket: WebSocket as never, ...options });
    clients.push(client);
    const registered = await client.send({ to: `user/${userId}`, type: 'user.register', payload: { displayName: userId, timezone: 'UTC' } });
    expect(registered.status).toBe('ok');
    return client;
  }

  /** Half again as many commands as the burst allows, all at once. */
  function burst(client: GamifierClient, userId: string): Promise<CommandResult[]> {
    const ids = Array.from({ length: defaultLimits.burst * 1.5 }, (_, i) => `${userId}-w${i}`);
    return Promise.all(ids.map((id) => client.send({ id, to: `user/${userId}`, type: 'water.log', payload: { ml: 100, drankAt: Date.now() } })));
  }

  beforeAll(async () => {
    running = await startTestServer('postgres');
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await running?.close();
  });

  it('without retries, a burst past the budget is partly answered RATE_LIMITED', async () => {
    const results = await burst(await player('rory', { retry: false }), 'rory');
    const codes = new Set(results.flatMap((result) => (result.status === 'error' ? [result.code] : [])));
    expect(codes).toEqual(new Set(['RATE_LIMITED']));
  });

  it('with them (the default), every command of the burst is applied, once, on the same connection', async () => {
    const statuses: string[] = [];
    const client = await player('ada', { onStatus: (status) => statuses.push(status) });
    const results = await burst(client, 'ada');
    expect(results.filter((result) => result.status !== 'ok')).toEqual([]);
    expect(results.filter((result) => result.status === 'ok' && result.duplicate)).toEqual([]);
    expect(client.stats.retries).toBeGreaterThan(0);
    expect(statuses).toEqual(['open']); // paced retries: never closed 4003 for hammering the limit
    await expectLoggedOnce(postgresUrl, running.schema, results.map((result) => result.id));
  });
});
