import { createHash } from 'node:crypto';
import uWS from 'uWebSockets.js';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subprotocol } from '../../../protocol/codecs.js';
import type { Connection, ConnectionHandler } from '../transport.js';
import { uwsTransport } from '../uws.js';

// uWS 20.x loses the payload of a message of 16 KiB or more sent while the kernel's socket buffer
// is full and uWS's own is empty (uNetworking/uWebSockets#1662); uws.ts steers such sends off that
// path. This drives exactly that case: a client that stops reading, a server that keeps sending
// large and small frames, then the client reads everything and checks every byte.
const FRAMES = 300;
const frame = (i: number) => {
  const size = i % 3 === 0 ? 200 : 16_384 + ((i * 7919) % 40_000);
  const body = Buffer.alloc(size);
  for (let j = 0; j < size; j += 32) createHash('sha256').update(`${i}:${j}`).digest().copy(body, j);
  return body;
};
const digest = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('the uWS transport with large frames behind a full socket', () => {
  let app: uWS.TemplatedApp;
  let listen: uWS.us_listen_socket;
  let port = 0;
  let connection: Connection | undefined;

  beforeAll(async () => {
    app = uWS.App();
    await uwsTransport(app).listen(
      (accepted): ConnectionHandler => {
        connection = accepted;
        return { message: () => undefined, heard: () => undefined, drained: () => undefined, overflowed: () => undefined, closed: () => undefined };
      },
      { path: '/ws', maxMessageBytes: 1 << 20, maxBufferedBytes: 64 << 20, closeTimeoutMs: 1_000, admit: () => undefined },
    );
    listen = await new Promise((resolve) => app.listen('127.0.0.1', 0, (socket) => resolve(socket as uWS.us_listen_socket)));
    port = uWS.getSocketPort(listen as unknown as uWS.us_socket);
  });
  afterAll(() => uWS.closeSocket(listen as unknown as uWS.us_socket));

  it('delivers every byte of every frame', async () => {
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`, [Subprotocol.msgpack], { perMessageDeflate: false });
    await new Promise((resolve) => client.once('open', resolve));
    const received: string[] = [];
    const all = new Promise<void>((resolve, reject) => {
      client.on('message', (data: Buffer) => received.push(digest(data)) === FRAMES && resolve());
      client.on('error', reject); // a corrupted frame: ws refuses it (RSV1 set, a bad opcode…)
    });
    // Stop reading, so that the kernel's buffers fill up while the server keeps sending.
    (client as unknown as { _socket: import('node:net').Socket })._socket.pause();
    const expected: string[] = [];
    for (let i = 0; i < FRAMES; i++) {
      const data = frame(i);
      expected.push(digest(data));
      connection!.send(data);
      // A turn of the event loop every few frames: each is written when its turn ends.
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    (client as unknown as { _socket: import('node:net').Socket })._socket.resume();
    await all;
    expect(received).toEqual(expected);
    client.terminate();
  });
});
