import type { ServerFrame } from '../../../protocol/frames.js';
import { Loop, world, type Peer } from './world.js';

type Handler = (...args: unknown[]) => void;

/**
 * `k6/ws`: `connect` blocks until the socket closes, running the callback's handlers and timers
 * in virtual time against the shim server, as k6 runs them in its own event loop.
 */
function connect(url: string, params: { headers?: Record<string, string> } | undefined, callback: (socket: Socket) => void) {
  const w = world();
  const protocol = params?.headers?.['Sec-WebSocket-Protocol'];
  w.upgrades.push({ url, protocol });
  if (!/^wss?:\/\//.test(url) || protocol !== 'gamifier.v1.json') return { status: 400, url };
  const loop = new Loop(w);
  const socket = new Socket(loop);
  callback(socket);
  loop.after(1, () => socket.emit('open'));
  // Bounded: a script that never closes its socket is a bug the test must see, not a hang.
  for (let steps = 0; !socket.closed && steps < 200_000 && loop.step(); steps++);
  if (!socket.closed) throw new Error('k6 shim: the session never closed its socket');
  return { status: 101, url };
}

export class Socket {
  closed = false;
  private readonly handlers = new Map<string, Handler[]>();
  private readonly peer: Peer;
  private readonly leave: () => void;

  constructor(private readonly loop: Loop) {
    let last = 0;
    this.peer = {
      topics: new Set(),
      deliver: (frame: ServerFrame, delayMs: number) => {
        // In order, as on one TCP connection: never before what was sent before it.
        last = Math.max(last, world().clock + delayMs);
        loop.at(last, () => this.closed || this.emit('message', JSON.stringify(frame)));
      },
    };
    this.leave = world().connect(this.peer);
  }

  on(event: string, handler: Handler): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }

  send(text: string): void {
    if (this.closed) return;
    if (typeof text !== 'string') throw new Error('k6/ws send() takes a string');
    world().receive(this.peer, text);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.leave();
    this.emit('close', 1000);
  }

  ping(): void {}

  setTimeout(fn: () => void, ms: number): void {
    this.loop.after(ms, () => this.closed || fn());
  }

  setInterval(fn: () => void, ms: number): void {
    const tick = () => {
      if (this.closed) return;
      fn();
      this.loop.after(ms, tick);
    };
    this.loop.after(ms, tick);
  }
}

export default { connect };
