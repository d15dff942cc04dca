import { closeCatalog, CloseCode, isCloseCode, shouldReconnect } from '../close-codes.js';
import { createCodec, Subprotocol, type Codec } from '../codecs.js';
import type { ClientCommandPayload, ClientCommandType } from '../commands.js';
import { ErrorCode } from '../errors.js';
import {
  checkCommandTarget,
  defaultLimits,
  parseServerFrame,
  type ByeFrame,
  type ClientFrame,
  type CmdFrame,
  type ErrFrame,
  type Limits,
  type ServerFrame,
  type WelcomeFrame,
} from '../frames.js';
import { parseTopic } from '../topics.js';
import { validateClientCommand } from '../validate.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import { ClientError } from './errors.js';
import { PendingCommands, type CommandResult } from './pending.js';
import { defaultRetry, RetryPolicy, type RetryOptions } from './retry.js';
import { OPEN, type WebSocketConstructor, type WebSocketLike } from './socket.js';
import { Watch, type WatchOptions } from './watch.js';

export interface ClientOptions {
  /** `ws://host:port/` or `wss://…`. */
  url: string;
  /**
   * The player's token, or a function that fetches a fresh one before each connection and, when
   * the token has run 90 % of its life (`welcome.expiresAt`), to renew it on the open connection.
   */
  token: string | (() => string | Promise<string>);
  /** The WebSocket class: `globalThis.WebSocket` in browsers, `ws`' default export in Node. */
  WebSocket: WebSocketConstructor;
  /** Frames as MessagePack (the default) or JSON. */
  protocol?: 'msgpack' | 'json';
  /** How long `send` waits for an answer (to each attempt) unless told otherwise (default 10 s). */
  commandTimeoutMs?: number;
  /** Reconnection delays, or false to give up when the connection is lost. */
  reconnect?: Partial<BackoffOptions> | false;
  /**
   * A command answered with a retryable code (`retryableCodes`: STREAM_VERSION_CONFLICT,
   * STORE_UNAVAILABLE, ACTOR_UNAVAILABLE, RUNTIME_STOPPED, SHARD_UNAVAILABLE, RATE_LIMITED) is sent
   * again with the same id, after 50 ms doubling to 1 s (minus up to half at random), for up to
   * 30 s after `send`; then the caller gets the last error. Change the delays or the budget here,
   * or pass false to hand every answer to the caller as it comes.
   *
   * @example
   * connect({ url, token, WebSocket, retry: { budgetMs: 5_000 } });
   */
  retry?: Partial<RetryOptions> | false;
  /** How long a connection attempt may take until `welcome` before it is given up and retried (default 15 s). */
  connectTimeoutMs?: number;
  /** How often to ping (default: half the server's idle timeout, at most 25 s); 2 silent intervals end the connection. */
  pingIntervalMs?: number;
  /** The largest frame accepted from the server (default 16 MiB). */
  maxInboundBytes?: number;
  /** The connection's state changed. */
  onStatus?: (status: ClientStatus) => void;
  /** A frame answering nothing the SDK tracks (an `err` without id or topic, an undecodable frame). */
  onError?: (error: { code: ErrorCode; message: string }) => void;
  /** Randomness for the jitter of reconnections and retries (tests). */
  random?: () => number;
  /** Command ids for `send` calls that bring none (default: random UUIDs). */
  newId?: () => string;
}

export type ClientStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A client command; the SDK makes up an id when none is given. Keep the id to resend it. */
export interface CommandInput<T extends ClientCommandType = ClientCommandType> {
  id?: string;
  to: string;
  type: T;
  payload: ClientCommandPayload<T>;
}

/**
 * Connects, says hello, and resolves once the server welcomed the player. It rejects only when
 * the server refuses the player (4001, 1008) or reconnection is off and the first attempt fails;
 * otherwise it keeps trying, with backoff.
 *
 * @example
 * const client = await connect({ url: 'ws://localhost:8080/v1/ws', token, WebSocket });
 * const result = await client.send({ to: 'user/u42', type: 'water.log', payload: { ml: 250, drankAt: Date.now() } });
 * if (result.status === 'error') console.log(result.code, result.reason);
 */
export function connect(options: ClientOptions): Promise<GamifierClient> {
  const client = new GamifierClient(options);
  return client.opened.then(() => client);
}

export class GamifierClient {
  /** Settles with the first welcome (or the refusal that ended the client before it). */
  readonly opened: Promise<void>;
  /** `retries`: how often a command was sent again after a retryable answer. */
  readonly stats = { retries: 0 };
  private readonly codec: Codec;
  private readonly backoff: BackoffOptions | false;
  private readonly retry: RetryPolicy | undefined;
  private readonly pending = new PendingCommands();
  private readonly watches = new Map<string, Watch>();
  private socket: WebSocketLike | undefined;
  private session: WelcomeFrame | undefined;
  private state: ClientStatus = 'connecting';
  private attempt = 0;
  private bye: ByeFrame | undefined;
  private refusal: ErrFrame | undefined;
  private lastHeard = 0;
  private readonly timers: {
    reconnect?: ReturnType<typeof setTimeout>;
    welcome?: ReturnType<typeof setTimeout>;
    ping?: ReturnType<typeof setInterval>;
    renew?: ReturnType<typeof setTimeout>;
    resubscribe: Set<ReturnType<typeof setTimeout>>;
  } = { resubscribe: new Set() };
  private settleOpened!: { resolve(): void; reject(error: ClientError): void };
  private whenClosed: Array<() => void> = [];
  private pings = 0;

  constructor(private readonly options: ClientOptions) {
    const subprotocol = options.protocol === 'json' ? Subprotocol.json : Subprotocol.msgpack;
    this.codec = createCodec(subprotocol, { maxBytes: options.maxInboundBytes ?? 16 * 1024 * 1024, maxDepth: 64 });
    this.backoff = options.reconnect === false ? false : { ...defaultBackoff, ...options.reconnect };
    this.retry = options.retry === false ? undefined : new RetryPolicy({ ...defaultRetry, ...options.retry }, options.random);
    this.opened = new Promise((resolve, reject) => (this.settleOpened = { resolve, reject }));
    this.opened.catch(() => {}); // connect() hands the rejection on; a bare client must not leave it unhandled
    this.open();
  }

  get status(): ClientStatus {
    return this.state;
  }

  /** The current session (user id, node, limits), while connected. */
  get welcome(): WelcomeFrame | undefined {
    return this.session;
  }

  get limits(): Limits {
    return this.session?.limits ?? defaultLimits;
  }

  /**
   * Sends a command and resolves with its outcome; never rejects. Sent while disconnected, it
   * waits for the connection; a connection lost before the answer sends it again with the same
   * id (the server applies an id once). A retryable answer (`isRetryable`) sends it again, with
   * the same id, after a backoff, within the retry budget (`ClientOptions.retry`); the result is
   * then the last attempt's. COMMAND_TIMEOUT after `timeoutMs` without an answer to an attempt
   * means the outcome is unknown: send again with the same id to learn it.
   */
  send<T extends ClientCommandType>(command: CommandInput<T>, options: { timeoutMs?: number } = {}): Promise<CommandResult> {
    const id = command.id ?? this.options.newId?.() ?? globalThis.crypto.randomUUID();
    if (this.state === 'closed') return Promise.resolve(failure(id, ErrorCode.CONNECTION_CLOSED, 'the client is closed'));
    const checked = validateClientCommand({ id, to: command.to, type: command.type, payload: command.payload });
    const target = checked.ok ? checkCommandTarget(checked.value) : checked;
    if (!target.ok) return Promise.resolve(failure(id, target.code, target.message));
    const { to, type, payload } = target.value;
    const frame: CmdFrame = { t: 'cmd', id, to, type, payload };
    // Encoded once: the bytes whose size is checked are the bytes sent (a resend after a reconnection encodes again).
    const data = this.codec.encode(frame);
    const max = this.limits.maxFrameBytes;
    const size = oversize(data, max);
    if (size !== undefined) return Promise.resolve(failure(id, ErrorCode.FRAME_TOO_LARGE, `the command takes ${size} bytes; the limit is ${max}`));
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs ?? 10_000;
    const sentBefore = this.pending.has(id);
    const result = this.pending.wait(frame, timeoutMs, () => failure(id, ErrorCode.COMMAND_TIMEOUT, `no answer within ${timeoutMs} ms`));
    if (!sentBefore) this.transmit(frame, data);
    return result;
  }

  /**
   * Watches a topic (`user/<id>`, `challenge/<id>`, `feed/<id>`, `leaderboard/global`): iterate
   * the result, or pass `onItem`. One watch per topic; close it to watch the topic afresh.
   * Throws TOPIC_INVALID for a malformed topic; the server's refusal (TOPIC_FORBIDDEN,
   * SUBSCRIPTION_LIMIT) ends the watch with that error.
   */
  watch(topic: string, options: WatchOptions = {}): Watch {
    const parsed = parseTopic(topic);
    if (!parsed.ok) throw new ClientError(parsed.code, parsed.message);
    if (this.state === 'closed') throw new ClientError(ErrorCode.CONNECTION_CLOSED, 'the client is closed');
    if (this.watches.has(topic)) throw new Error(`${topic} is already watched; close that watch first`);
    const watch = new Watch(topic, options, {
      transmit: (frame) => this.transmit(frame),
      forget: (ended) => {
        if (this.watches.get(ended.topic) === ended) this.watches.delete(ended.topic);
      },
    });
    this.watches.set(topic, watch);
    this.transmit(watch.subscription());
    return watch;
  }

  /** Closes the connection for good: pending commands get CONNECTION_CLOSED, watches end. */
  close(): Promise<void> {
    if (this.state !== 'closed') this.finish();
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.whenClosed.push(resolve));
    socket.close(CloseCode.NORMAL, 'client closed');
    return closed;
  }

  private open(): void {
    this.bye = undefined;
    this.refusal = undefined;
    let socket: WebSocketLike;
    try {
      socket = new this.options.WebSocket(this.options.url, [this.codec.subprotocol]);
    } catch (error) {
      this.finish(new ClientError(ErrorCode.CONNECTION_CLOSED, `cannot connect to ${this.options.url}: ${(error as Error).message}`));
      return;
    }
    // `ws` hands binary messages over as Buffers by default ('nodebuffer'), which the codec reads in
    // place; 'arraybuffer' would make it copy every message. Browsers default to Blobs, read only asynchronously.
    if (socket.binaryType !== 'nodebuffer') socket.binaryType = 'arraybuffer';
    socket.onopen = () => void this.hello(socket);
    socket.onmessage = (event) => this.receive(socket, event.data);
    socket.onclose = (event) => this.closed(socket, event.code, event.reason);
    socket.onerror = () => {}; // a close event follows, and says what matters
    this.socket = socket;
    this.timers.welcome = setTimeout(() => this.abandon(socket, 'no welcome in time'), this.options.connectTimeoutMs ?? 15_000);
  }

  /** Gives a connection up at once (as if it had dropped) rather than wait for TCP to notice. */
  private abandon(socket: WebSocketLike, reason: string): void {
    if (socket !== this.socket) return;
    this.closed(socket, CloseCode.ABNORMAL, reason);
    socket.close(CloseCode.NORMAL, reason);
  }

  private async hello(socket: WebSocketLike): Promise<void> {
    let token: string;
    try {
      token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    } catch (error) {
      if (socket !== this.socket) return;
      this.finish(new ClientError(ErrorCode.AUTH_REQUIRED, `the token function failed: ${(error as Error).message}`));
      socket.close(CloseCode.NORMAL, 'no token');
      return;
    }
    if (socket === this.socket && socket.readyState === OPEN) socket.send(this.codec.encode({ t: 'hello', token }));
  }

  private receive(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.socket) return;
    this.lastHeard = Date.now();
    const decoded = this.codec.decode(data);
    const parsed = decoded.ok ? parseServerFrame(decoded.value) : decoded;
    if (!parsed.ok) return this.report(parsed.code, `a frame from the server was refused: ${parsed.message}`);
    this.handle(parsed.value);
  }

  private handle(frame: ServerFrame): void {
    switch (frame.t) {
      case 'welcome':
        return this.welcomed(frame);
      case 'ack':
        return this.pending.settle(frame.id, { status: 'ok', id: frame.id, version: frame.version, duplicate: frame.duplicate });
      case 'err':
        return this.refused(frame);
      case 'snap':
      case 'evt':
        return this.watches.get(frame.topic)?.receive(frame);
      case 'bye':
        this.bye = frame;
        return;
      case 'pong':
        return;
    }
  }

  private refused(frame: ErrFrame): void {
    if (frame.id !== undefined && this.pending.has(frame.id)) {
      if (this.retryLater(frame.id, frame.code)) return;
      const { id, code, message, reason } = frame;
      return this.pending.settle(id, reason === undefined ? { status: 'error', id, code, message } : { status: 'error', id, code, message, reason });
    }
    const watch = frame.topic === undefined ? undefined : this.watches.get(frame.topic);
    if (watch && frame.code === ErrorCode.RATE_LIMITED) {
      const timer = setTimeout(() => {
        this.timers.resubscribe.delete(timer);
        if (this.watches.get(watch.topic) === watch) this.transmit(watch.subscription());
      }, 1_000);
      this.timers.resubscribe.add(timer);
      return;
    }
    if (watch) return watch.refused(frame.code, frame.message);
    if (!this.session) this.refusal = frame;
    this.report(frame.code, frame.message);
  }

  /** Sends a command answered with a retryable code again later, if its budget allows; false if not (the answer is the caller's). */
  private retryLater(id: string, code: ErrorCode): boolean {
    const attempts = this.pending.attempts(id);
    const delay = attempts && this.retry?.delay(code, attempts, this.limits.ratePerSec);
    if (delay === undefined) return false;
    this.stats.retries++;
    this.pending.retryLater(id, delay, (frame) => this.transmit(frame));
    return true;
  }

  private welcomed(frame: WelcomeFrame): void {
    const renewal = this.session !== undefined;
    this.session = frame;
    this.scheduleRenewal(frame);
    if (renewal) return;
    this.attempt = 0;
    clearTimeout(this.timers.welcome);
    this.setStatus('open');
    this.startPinging(frame.limits);
    for (const watch of this.watches.values()) this.transmit(watch.subscription());
    for (const command of this.pending.resend()) this.transmit(command);
    this.settleOpened.resolve();
  }

  /** With a token function, sends `hello` with a fresh token when 90 % of the token's life is gone (the server closes 1008 at expiry). */
  private scheduleRenewal(frame: WelcomeFrame): void {
    clearTimeout(this.timers.renew);
    const fetchToken = this.options.token;
    if (typeof fetchToken !== 'function' || frame.expiresAt === undefined) return;
    // Measured on the server's clock, so that the two clocks need not agree.
    const delay = Math.max(0, Math.min(2 ** 31 - 1, 0.9 * (frame.expiresAt - frame.serverTime)));
    const socket = this.socket;
    this.timers.renew = setTimeout(async () => {
      let token: string;
      try {
        token = await fetchToken();
      } catch (error) {
        return this.report(ErrorCode.AUTH_REQUIRED, `the token function failed: ${(error as Error).message}`);
      }
      if (socket === this.socket) this.transmit({ t: 'hello', token });
    }, delay);
  }

  private closed(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.session = undefined;
    this.stopTimers();
    for (const resolve of this.whenClosed.splice(0)) resolve();
    if (this.state === 'closed') return;
    // The bye frame says why even when the transport lost the close frame (1006).
    const close = { code: this.bye?.code ?? code, reason: this.bye?.reason ?? reason };
    if (this.backoff && shouldReconnect(close.code)) {
      this.setStatus('reconnecting');
      this.timers.reconnect = setTimeout(() => this.open(), backoffDelay(this.attempt++, this.backoff, this.options.random));
      return;
    }
    const meaning = isCloseCode(close.code) ? closeCatalog[close.code].description : 'closed by the server';
    const why = this.refusal ? `: ${this.refusal.message}` : '';
    this.finish(new ClientError(this.refusal?.code ?? ErrorCode.CONNECTION_CLOSED, `${close.code} ${close.reason || meaning}${why}`, close));
  }

  /**
   * Ends the client, for the reason given (none: the caller closed it). No more reconnections;
   * pending commands get CONNECTION_CLOSED, watches end (with the reason, if any).
   */
  private finish(reason?: ClientError): void {
    this.setStatus('closed');
    this.stopTimers();
    clearTimeout(this.timers.reconnect);
    const message = reason?.message ?? 'closed by the client';
    this.pending.settleAll((id) => ({ status: 'error', id, code: ErrorCode.CONNECTION_CLOSED, message }));
    for (const watch of [...this.watches.values()]) watch.end(reason);
    this.settleOpened.reject(reason ?? new ClientError(ErrorCode.CONNECTION_CLOSED, message));
  }

  private startPinging(limits: Limits): void {
    const interval = this.options.pingIntervalMs ?? Math.max(1_000, Math.min(25_000, limits.idleTimeoutMs / 2));
    this.lastHeard = Date.now();
    this.timers.ping = setInterval(() => {
      const socket = this.socket;
      if (!socket) return;
      // Silent for two intervals: a dead connection.
      if (Date.now() - this.lastHeard > 2 * interval) return this.abandon(socket, 'no answer to ping');
      this.transmit({ t: 'ping', n: ++this.pings });
    }, interval);
  }

  /**
   * Sends a frame (or `data`, the frame already encoded) on a welcomed connection; otherwise it is
   * sent (or superseded) after the next welcome.
   */
  private transmit(frame: ClientFrame, data?: Uint8Array | string): void {
    const socket = this.socket;
    if (socket && this.session && socket.readyState === OPEN) socket.send(data ?? this.codec.encode(frame));
  }

  /** Stops the timers of a connection (not the reconnection timer, which starts the next one). */
  private stopTimers(): void {
    clearTimeout(this.timers.welcome);
    clearTimeout(this.timers.renew);
    clearInterval(this.timers.ping);
    for (const timer of this.timers.resubscribe) clearTimeout(timer);
    this.timers.resubscribe.clear();
  }

  private report(code: ErrorCode, message: string): void {
    this.options.onError?.({ code, message });
  }

  private setStatus(status: ClientStatus): void {
    if (this.state === status) return;
    this.state = status;
    this.options.onStatus?.(status);
  }
}

const failure = (id: string, code: ErrorCode, message: string): CommandResult => ({ status: 'error', id, code, message });

const utf8 = new TextEncoder();

/** The size of an encoded frame larger than `max` bytes; undefined when it fits. */
function oversize(data: Uint8Array | string, max: number): number | undefined {
  // A UTF-16 unit takes at most 3 UTF-8 bytes: a string that short fits without being counted.
  if (typeof data === 'string' && data.length * 3 <= max) return undefined;
  const size = typeof data === 'string' ? utf8.encode(data).byteLength : data.byteLength;
  return size > max ? size : undefined;
}
