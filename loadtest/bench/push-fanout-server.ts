import uWS from 'uWebSockets.js';
import { createCodec, Subprotocol } from '../../protocol/codecs.js';
import { defaultLimits, type ServerFrame } from '../../protocol/frames.js';

/*
 * The ceiling of `npm run bench push` (e): a bare uWebSockets.js server that speaks just enough
 * of the protocol for (c)'s watchers (a `welcome` for every `hello`, an empty `snap` for every
 * `sub`) and, when the benchmark says so over IPC, sends one leaderboard `evt`, encoded once, to
 * every socket in a plain loop — no session, no read model, no database. Forked by
 * push-processes.ts; reports its port over IPC and runs until killed.
 */

/** What the benchmark sends this process over IPC for each round: push one evt to everyone. */
export interface FanoutOrder {
  /** The player the pushed diff shows with points, as (c)'s changer. */
  changer: string;
  version: number;
}

const codec = createCodec(Subprotocol.msgpack);
const sockets = new Set<uWS.WebSocket<unknown>>();
const sendFrame = (socket: uWS.WebSocket<unknown>, frame: ServerFrame) => socket.send(codec.encode(frame) as Uint8Array, true);

const app = uWS.App().ws('/*', {
  compression: uWS.DISABLED,
  maxPayloadLength: 64 * 1024,
  maxBackpressure: 4 * 1024 * 1024,
  idleTimeout: 0,
  upgrade: (res, req, context) =>
    res.upgrade({}, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context),
  open: (socket) => void sockets.add(socket),
  close: (socket) => void sockets.delete(socket),
  message(socket, message) {
    const decoded = codec.decode(new Uint8Array(message));
    const frame = decoded.ok ? (decoded.value as { t?: string; topic?: string }) : {};
    if (frame.t === 'hello') sendFrame(socket, { t: 'welcome', userId: 'watcher', node: 'fanout-ceiling', serverTime: Date.now(), limits: defaultLimits });
    else if (frame.t === 'sub' && typeof frame.topic === 'string') sendFrame(socket, { t: 'snap', topic: frame.topic, version: 1, state: [] });
  },
});

process.on('message', ({ changer, version }: FanoutOrder) => {
  const frame = codec.encode({
    t: 'evt',
    topic: 'leaderboard/global',
    version,
    event: { type: 'leaderboard.changed', data: { upsert: [{ userId: changer, displayName: changer, points: 20, rank: 1 }], remove: [] } },
  }) as Uint8Array;
  for (const socket of sockets) socket.send(frame, true);
});

app.listen('127.0.0.1', 0, (listening) => {
  if (!listening) return void process.send?.({ error: 'cannot listen' });
  process.send?.({ port: uWS.getSocketPort(listening as unknown as uWS.us_socket) });
});
process.on('disconnect', () => process.exit(0));
