import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { WireSocket } from '../bench/wire-socket.js';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(options: ConstructorParameters<typeof WebSocketServer>[0] = {}) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  await once(server, 'listening');
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/ws`, accepted };
}

function recorder() {
  const messages: Buffer[] = [];
  const closes: string[] = [];
  let wake = () => undefined as void;
  const changed = () => new Promise<void>((resolve) => (wake = resolve));
  return {
    messages,
    closes,
    changed,
    handlers: {
      onMessage: (payload: Buffer) => (messages.push(Buffer.from(payload)), wake()),
      onClose: (reason: string) => (closes.push(reason), wake()),
    },
  };
}

describe('WireSocket, the benchmark watchers’ bare WebSocket client', () => {
  it('negotiates the subprotocol and receives messages of every length encoding intact', async () => {
    const { url, accepted } = await serve({ handleProtocols: (offered) => [...offered][0] ?? false });
    const seen = recorder();
    await WireSocket.connect(url, 'gamifier.v1.msgpack', seen.handlers);
    const peer = await accepted;
    expect(peer.protocol).toBe('gamifier.v1.msgpack');
    const sizes = [0, 125, 126, 300, 65_535, 65_536, 200_000];
    const sent = sizes.map((size, i) => Buffer.alloc(size, i + 1));
    for (const payload of sent) peer.send(payload);
    while (seen.messages.length < sent.length) await seen.changed();
    expect(seen.messages.map((message) => message.length)).toEqual(sizes);
    seen.messages.forEach((message, i) => expect(message.equals(sent[i]!)).toBe(true));
  });

  it('sends masked binary frames the server reads back exactly', async () => {
    const { url, accepted } = await serve();
    const socket = await WireSocket.connect(url, 'gamifier.v1.msgpack', recorder().handlers);
    const peer = await accepted;
    const received: Buffer[] = [];
    peer.on('message', (data: Buffer) => received.push(data));
    const payloads = [Buffer.from([1, 2, 3]), Buffer.alloc(1_000, 7), Buffer.alloc(70_000, 9)];
    for (const payload of payloads) socket.send(payload);
    while (received.length < payloads.length) await new Promise((resolve) => setTimeout(resolve, 5));
    received.forEach((message, i) => expect(message.equals(payloads[i]!)).toBe(true));
  });

  it('answers a ping with a pong carrying the same data', async () => {
    const { url, accepted } = await serve();
    await WireSocket.connect(url, 'gamifier.v1.msgpack', recorder().handlers);
    const peer = await accepted;
    const pong = once(peer, 'pong');
    peer.ping(Buffer.from('are you there'));
    const [data] = (await pong) as [Buffer];
    expect(data.toString()).toBe('are you there');
  });

  it('reports the server’s close code and a fragmented message as the end of the connection', async () => {
    const first = await serve();
    const closed = recorder();
    await WireSocket.connect(first.url, 'gamifier.v1.msgpack', closed.handlers);
    (await first.accepted).close(4002, 'too slow');
    while (closed.closes.length === 0) await closed.changed();
    expect(closed.closes[0]).toContain('4002 too slow');

    const second = await serve();
    const fragmented = recorder();
    await WireSocket.connect(second.url, 'gamifier.v1.msgpack', fragmented.handlers);
    const peer = await second.accepted;
    peer.send(Buffer.from('half'), { fin: false });
    peer.send(Buffer.from('other half'), { fin: true });
    while (fragmented.closes.length === 0) await fragmented.changed();
    expect(fragmented.closes[0]).toMatch(/fragmented/);
    expect(fragmented.messages).toEqual([]);
  });

  it('rejects a refused handshake with the server’s status line', async () => {
    const { url } = await serve({ verifyClient: (_info, done) => done(false, 401, 'no token') });
    await expect(WireSocket.connect(url, 'gamifier.v1.msgpack', recorder().handlers)).rejects.toThrow(/handshake refused: HTTP\/1\.1 401/);
  });
});
