// Finding 4 of issue 16: one token opened ~20,000 sessions and starved the process of file
// descriptors. Over real sockets, on both transports: past each cap the extra connection is
// refused (at upgrade) or closed with its code, other players still connect, /healthz answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../protocol/close-codes.js';
import { eventually } from '../../test/support/services.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { RawClient } from '../gateway/tests/raw-client.js';

describe.each(['uws', 'ws'] as const)('connection caps over %s', (websocket) => {
  let server: TestServer;
  const clients: RawClient[] = [];

  beforeAll(async () => {
    server = await startTestServer('pglite', {
      GAMIFIER_WS: websocket,
      MAX_CONNECTIONS: '4',
      MAX_CONNECTIONS_PER_ADDRESS: '3',
      MAX_CONNECTIONS_PER_PLAYER: '2',
    });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.close();
  });

  const wsUrl = () => `${server.url.replace('http://', 'ws://')}/v1/ws`;
  const token = async (userId: string) => {
    const response = await fetch(`${server.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId }) });
    return ((await response.json()) as { token: string }).token;
  };
  async function open(localAddress = '127.0.0.1'): Promise<RawClient> {
    const client = await RawClient.open(wsUrl(), 'json', { localAddress });
    clients.push(client);
    return client;
  }
  async function welcomed(userId: string, localAddress?: string): Promise<RawClient> {
    const client = await open(localAddress);
    expect(await client.hello(await token(userId))).toMatchObject({ t: 'welcome', userId });
    return client;
  }
  const metric = async (pattern: RegExp) => Number(pattern.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);
  const held = (count: number) => eventually(async () => ((await metric(/^gamifier_websocket_connections (\d+)$/m)) === count ? true : undefined), 10_000, `${count} connections`);

  it('closes a player’s connection past their cap 4006, refuses an address past its cap 429 and the node past its cap 503, and keeps /healthz', async () => {
    const player = `capped-${websocket}`;
    await welcomed(player);
    await welcomed(player);
    const third = await open();
    expect(await third.hello(await token(player))).toMatchObject({ t: 'err', code: 'CONNECTION_LIMIT' });
    expect((await third.closed).code).toBe(CloseCode.PLAYER_CONNECTION_LIMIT);
    expect(third.frames.at(-1)).toMatchObject({ t: 'bye', code: CloseCode.PLAYER_CONNECTION_LIMIT });
    await held(2);

    // A bystander from the same address still gets in: the third connection of 127.0.0.1.
    await welcomed(`bystander-${websocket}`);
    await expect(open()).rejects.toMatchObject({ status: 429 });

    // Another address fills the node; then nobody else gets in, and /healthz still answers.
    await welcomed(`elsewhere-${websocket}`, '127.0.0.2');
    await expect(open('127.0.0.3')).rejects.toMatchObject({ status: 503 });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await metric(/^gamifier_connections_refused_total\{cap="player"\} (\d+)$/m)).toBe(1);
    expect(await metric(/^gamifier_connections_refused_total\{cap="address"\} (\d+)$/m)).toBe(1);
    expect(await metric(/^gamifier_connections_refused_total\{cap="node"\} (\d+)$/m)).toBe(1);

    // A connection that leaves makes room again.
    clients[0]!.close();
    await held(3);
    await welcomed(`next-${websocket}`, '127.0.0.3');
  });
});
