// A bare WebSocket client that sends whatever it is told (bad frames included) and records what
// the server sends back, decoded but not validated.
import WebSocket from 'ws';
import { createCodec, negotiateSubprotocol, Subprotocol, type Codec } from '../../../protocol/codecs.js';

export type Frame = Record<string, any> & { t: string };

export class RawClient {
  readonly frames: Frame[] = [];
  /** Resolves with the close code and reason once the connection is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();
  private closeInfo: { code: number; reason: string } | undefined;

  private constructor(
    readonly socket: WebSocket,
    readonly codec: Codec,
  ) {
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        this.notify();
      });
    });
    socket.on('message', (data: Buffer, isBinary) => {
      const decoded = codec.decode(isBinary ? data : data.toString('utf8'));
      this.frames.push(decoded.ok ? (decoded.value as Frame) : { t: '!undecodable', message: decoded.message });
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  /** Connects with a subprotocol (`msgpack`, `json`, or the raw header values to offer), from `localAddress` if given (e.g. 127.0.0.2). */
  static open(url: string, protocol: 'msgpack' | 'json' | string[] = 'json', options: { localAddress?: string } = {}): Promise<RawClient> {
    const offered = Array.isArray(protocol) ? protocol : [protocol === 'json' ? Subprotocol.json : Subprotocol.msgpack];
    const subprotocol = negotiateSubprotocol(offered) ?? Subprotocol.msgpack;
    const socket = new WebSocket(url, offered, { perMessageDeflate: false, ...options });
    const client = new RawClient(socket, createCodec(subprotocol, { maxBytes: 64 * 1024 * 1024, maxDepth: 64 }));
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => reject(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode })));
      socket.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get closeCode(): number | undefined {
    return this.closeInfo?.code;
  }

  /** Encodes and sends a frame (any object: the server validates it). */
  send(frame: object): void {
    this.socket.send(this.codec.encode(frame as never), { binary: this.codec.binary });
  }

  /** Sends bytes or text as they are. */
  sendRaw(data: string | Buffer, binary = typeof data !== 'string'): void {
    this.socket.send(data, { binary });
  }

  /** Says hello and waits for the welcome. */
  async hello(token: string): Promise<Frame> {
    const from = this.frames.length;
    this.send({ t: 'hello', token });
    return this.waitFor((frame) => frame.t === 'welcome' || frame.t === 'err', 'welcome', from);
  }

  /** The first frame (from index `from`) that matches, waiting for it if need be. */
  async waitFor(match: (frame: Frame) => boolean, what = 'a frame', from = 0, timeoutMs = 15_000): Promise<Frame> {
    return this.until(() => this.frames.slice(from).find(match), what, timeoutMs);
  }

  /** Waits until `count` frames match. */
  async waitForCount(match: (frame: Frame) => boolean, count: number, what = 'frames', timeoutMs = 15_000): Promise<Frame[]> {
    return this.until(() => {
      const found = this.frames.filter(match);
      return found.length >= count ? found : undefined;
    }, `${count} ${what}`, timeoutMs);
  }

  /** Stops reading from the socket (the server's output piles up), or starts again. */
  pause(): void {
    (this.socket as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resume(): void {
    (this.socket as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000);
    else this.socket.terminate();
  }

  private until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (this.closeInfo && this.socket.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`closed (${this.closeInfo.code} ${this.closeInfo.reason}) before ${what}; got ${this.summary()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${this.summary()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private summary(): string {
    return JSON.stringify(this.frames.slice(-5).map((frame) => ({ ...frame, state: undefined })));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
