// Choosing the transport, and what the `ws` transport's own HTTP server answers.
import { describe, expect, it } from 'vitest';
import type { ActorView, Outcome } from '../../../actors/runtime/index.js';
import { InProcessBus } from '../../../bus/index.js';
import { CloseCode } from '../../../protocol/close-codes.js';
import { createLogger } from '../../log.js';
import { loadConfig } from '../../config.js';
import { startGateway, wsTransport, type GatewayDeps } from '../index.js';
import { RawClient } from './raw-client.js';

const deps: GatewayDeps = {
  dispatcher: {
    send: async (): Promise<Outcome> => ({ status: 'ok', version: 1, events: [], duplicate: false }),
    view: async (): Promise<ActorView> => ({ version: 0, view: {} }),
  },
  store: { readStream: async () => [], streamVersion: async () => 0, streamVersions: async () => new Map(), loadLatest: async () => ({ snapshot: undefined, events: [] }) },
  bus: new InProcessBus(),
  auth: { verify: async (token) => ({ userId: token, expiresAt: Date.now() + 3_600_000 }) },
  node: 'node-a',
  log: createLogger('silent'),
};

describe('the transport choice', () => {
  it('is uWS unless GAMIFIER_WS=ws, and refuses anything else', () => {
    expect(loadConfig({ GAMIFIER_MODE: 'development' }).websocket).toBe('uws');
    expect(loadConfig({ GAMIFIER_MODE: 'development', GAMIFIER_WS: 'uws' }).websocket).toBe('uws');
    expect(loadConfig({ GAMIFIER_MODE: 'development', GAMIFIER_WS: 'ws' }).websocket).toBe('ws');
    expect(() => loadConfig({ GAMIFIER_MODE: 'development', GAMIFIER_WS: 'socket.io' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('under ws, serves the WebSocket and, through onRequest, whatever HTTP the composition root hands it', async () => {
    const plain = wsTransport({ host: '127.0.0.1', port: 0 });
    const hooked = wsTransport({
      host: '127.0.0.1',
      port: 0,
      onRequest: (_request, response) => void response.writeHead(200, { 'content-type': 'text/plain' }).end('served'),
    });
    const gateways = [await startGateway(plain, deps), await startGateway(hooked, deps)];
    try {
      const notServed = await fetch(`http://127.0.0.1:${plain.port}/healthz`);
      expect(notServed.status).toBe(404);
      expect(await notServed.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
      expect((await fetch(`http://127.0.0.1:${plain.port}/v1/ws`)).status).toBe(426);
      const served = await fetch(`http://127.0.0.1:${hooked.port}/healthz`);
      expect(await served.text()).toBe('served');

      await expect(RawClient.open(`ws://127.0.0.1:${plain.port}/elsewhere`, 'json')).rejects.toMatchObject({ status: 404 });
      const client = await RawClient.open(`ws://127.0.0.1:${hooked.port}/v1/ws`, 'json');
      expect(await client.hello('ada')).toMatchObject({ t: 'welcome', userId: 'ada', node: 'node-a' });
      client.close();
    } finally {
      await Promise.all(gateways.map((gateway) => gateway.drain()));
    }
  });
});

describe('disconnecting a player', () => {
  it("says bye and closes every one of the player's connections, and only theirs", async () => {
    const transport = wsTransport({ host: '127.0.0.1', port: 0 });
    const gateway = await startGateway(transport, deps);
    try {
      const url = `ws://127.0.0.1:${transport.port}/v1/ws`;
      const clients = await Promise.all(['ada', 'ada', 'bob'].map(async (userId) => {
        const client = await RawClient.open(url, 'msgpack');
        await client.hello(userId);
        return client;
      }));
      expect(gateway.disconnect('ada')).toBe(2);
      for (const client of clients.slice(0, 2)) {
        expect((await client.closed).code).toBe(CloseCode.POLICY_VIOLATION);
        expect(client.frames.at(-1)).toMatchObject({ t: 'bye', code: CloseCode.POLICY_VIOLATION });
      }
      expect(clients[2]!.isOpen).toBe(true);
      clients[2]!.close();
    } finally {
      await gateway.drain();
    }
  });
});
