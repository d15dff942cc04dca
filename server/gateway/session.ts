import type { Clock, CommandEnvelope, Outcome, TimerHandle } from '../../actors/runtime/index.js';
import { CloseCode } from '../../protocol/close-codes.js';
import type { Codec, Subprotocol } from '../../protocol/codecs.js';
import { ErrorCode, GamifierError } from '../../protocol/errors.js';
import {
  answerFrame,
  errFrame,
  mayCommand,
  parseClientFrame,
  type ClientFrame,
  type CmdFrame,
  type EvtFrame,
  type FrameError,
  type ParsedFrame,
  type ServerFrame,
  type SnapFrame,
  type SubFrame,
} from '../../protocol/frames.js';
import { authorizeTopic, type Topic } from '../../protocol/topics.js';
import type { Logger } from '../log.js';
import type { Refusal } from './admission.js';
import { TokenBucket, WindowCounter, type RateBudgets } from './rate-limit.js';
import { SessionWatch, type WatchOwner } from './session-watch.js';
import type { GatewaySettings } from './settings.js';
import type { TopicSource } from './topics/source.js';
import { encodeShared, named } from './session-frames.js';
import { TokenExpiry } from './token-expiry.js';
import type { Connection, ConnectionHandler } from './transport.js';

/** What a session needs from its gateway. */
export interface SessionContext {
  readonly settings: GatewaySettings;
  readonly clock: Clock;
  readonly node: string;
  readonly log: Logger;
  /** True once the gateway drains: new commands are refused RUNTIME_STOPPED. */
  readonly draining: boolean;
  codec(subprotocol: Subprotocol): Codec;
  /** The player a `hello` token names and when it expires; throws a GamifierError (AUTH_INVALID, AUTH_REQUIRED) otherwise. */
  verify(token: string): Promise<{ userId: string; expiresAt: number }>;
  /** Each player's frame budget, shared by all of their connections and HTTP commands. */
  readonly budgets: RateBudgets;
  /** Counts the session as one of the player's connections, unless the player is at their cap. */
  admit(session: Session, userId: string): Refusal | undefined;
  /** Sends a command to its actor through the dispatcher; never rejects. */
  send(envelope: CommandEnvelope): Promise<Outcome>;
  /** The source of a topic's kind, or undefined when this node does not serve it. */
  source(topic: Topic): TopicSource | undefined;
  /** Keeps a command in flight known to the gateway, which waits for it when draining. */
  track(work: Promise<unknown>): void;
  /** The session's connection is gone. */
  ended(session: Session): void;
}

type Phase = 'greeting' | 'verifying' | 'open' | 'closing' | 'closed';

/**
 * One client connection, whatever its transport: the protocol of docs/PROTOCOL.md. It
 * authenticates the `hello`, refuses every frame it cannot take with an `err` (nothing refused
 * reaches an actor), sends commands on as the player, runs the player's watches, and enforces
 * the limits it announced: frame size, a token bucket over every frame (the connection's own
 * until the welcome, then the player's), a cap on buffered output, idleness, subscriptions, a
 * budget of refused frames, and the token's lifetime (a `hello` while open renews it).
 *
 * @example
 * transport.listen((connection) => new Session(connection, context), settings);
 */
export class Session implements ConnectionHandler, WatchOwner {
  private phase: Phase = 'greeting';
  private player: string | undefined;
  private heardAt: number;
  private readonly codec: Codec;
  private readonly bucket: TokenBucket;
  private readonly rateStrikes: WindowCounter;
  private readonly badFrames: WindowCounter;
  private readonly watches = new Map<string, SessionWatch>();
  private readonly helloTimer: TimerHandle;
  private readonly expiry: TokenExpiry;
  /** Renewals asked for; only the latest one's answer counts. */
  private renewals = 0;
  private waitingForRoom: Array<() => void> = [];

  constructor(
    private readonly connection: Connection,
    private readonly context: SessionContext,
  ) {
    const { limits } = context.settings;
    const now = context.clock.now();
    this.heardAt = now;
    this.codec = context.codec(connection.subprotocol);
    this.bucket = new TokenBucket(limits.ratePerSec, limits.burst, now);
    this.rateStrikes = new WindowCounter(context.settings.maxRateLimited, context.settings.rateLimitWindowMs, now);
    this.badFrames = new WindowCounter(context.settings.maxBadFrames, context.settings.badFrameWindowMs, now);
    this.helloTimer = context.clock.setTimer(context.settings.helloTimeoutMs, () => this.helloTimedOut());
    this.expiry = new TokenExpiry(context.clock, () => this.close(CloseCode.POLICY_VIOLATION, 'the token expired'));
  }

  /** The authenticated player, once welcomed. */
  get userId(): string | undefined {
    return this.player;
  }

  get welcomed(): boolean {
    return this.phase === 'open';
  }

  get watching(): number {
    return this.watches.size;
  }

  // ── transport events ──────────────────────────────────────────────────────────────────────

  message(data: ArrayBuffer | Uint8Array | string, binary: boolean): void {
    if (this.phase === 'closing' || this.phase === 'closed') return;
    const now = this.context.clock.now();
    this.heardAt = now;
    if (this.expiry.passed(now)) return this.close(CloseCode.POLICY_VIOLATION, 'the token expired');
    try {
      const parsed = this.parse(data, binary);
      const allowed = this.phase === 'open' ? this.context.budgets.take(this.player!, now) : this.bucket.take(now);
      if (!allowed) return this.rateLimited(parsed.ok ? parsed.value : parsed, now);
      if (!parsed.ok) return this.refuse(parsed);
      this.handle(parsed.value);
    } catch (error) {
      // A fault of ours, not of the input: this connection goes, the process stays.
      this.context.log.error({ err: error, userId: this.player }, 'a frame could not be handled');
      this.close(CloseCode.INTERNAL_ERROR, 'internal error');
    }
  }

  heard(): void {
    this.heardAt = this.context.clock.now();
  }

  drained(): void {
    if (this.waitingForRoom.length > 0 && this.hasRoom()) this.wakeWaiters();
  }

  overflowed(): void {
    this.close(CloseCode.SLOW_CONSUMER, 'slow consumer');
  }

  closed(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.release();
    this.context.ended(this);
  }

  // ── gateway calls ─────────────────────────────────────────────────────────────────────────

  /** Closes the connection 4005 when nothing arrived for `limits.idleTimeoutMs`. */
  checkIdle(now: number): void {
    if (this.phase === 'closing' || this.phase === 'closed') return;
    if (now - this.heardAt > this.context.settings.limits.idleTimeoutMs) this.close(CloseCode.IDLE_TIMEOUT, 'idle timeout');
  }

  /** Answers `err` with the refusal's code, says `bye` and closes with its close code. */
  turnAway(refusal: Refusal): void {
    this.send(errFrame({ code: refusal.code, message: refusal.message }));
    this.close(refusal.closeCode, refusal.message);
  }

  /** Says `bye` and closes the connection with `code`; the session sends nothing more. */
  close(code: CloseCode, reason: string): void {
    if (this.phase === 'closing' || this.phase === 'closed') return;
    this.phase = 'closing';
    this.release();
    try {
      this.connection.send(this.codec.encode({ t: 'bye', code, reason }));
    } catch (error) {
      this.context.log.warn({ err: error }, 'bye could not be sent');
    }
    this.connection.close(code, reason);
  }

  // ── frames ────────────────────────────────────────────────────────────────────────────────

  private parse(data: ArrayBuffer | Uint8Array | string, binary: boolean): ParsedFrame<ClientFrame> {
    if (binary !== this.codec.binary) {
      const kind = this.codec.binary ? 'binary' : 'text';
      return { ok: false, code: ErrorCode.FRAME_INVALID, message: `${this.codec.subprotocol} frames are ${kind} messages` };
    }
    const decoded = this.codec.decode(data);
    return decoded.ok ? parseClientFrame(decoded.value) : decoded;
  }

  private handle(frame: ClientFrame): void {
    if (frame.t === 'hello') return this.hello(frame.token);
    if (this.phase !== 'open') {
      return this.refuse({ code: ErrorCode.HELLO_REQUIRED, message: 'send hello and wait for welcome first', ...named(frame) });
    }
    switch (frame.t) {
      case 'ping':
        return this.send(frame.n === undefined ? { t: 'pong', serverTime: this.context.clock.now() } : { t: 'pong', n: frame.n, serverTime: this.context.clock.now() });
      case 'cmd':
        return this.command(frame);
      case 'sub':
        return this.subscribe(frame);
      case 'unsub':
        this.watches.get(frame.topic)?.close();
        this.watches.delete(frame.topic);
        return;
    }
  }

  private hello(token: string): void {
    if (this.phase === 'open') return this.renew(token);
    if (this.phase !== 'greeting') return this.refuse({ code: ErrorCode.FRAME_INVALID, message: 'a hello is already being checked' });
    this.phase = 'verifying';
    this.context.verify(token).then(
      (principal) => {
        if (this.phase !== 'verifying') return;
        this.helloTimer.cancel();
        const refusal = this.context.admit(this, principal.userId);
        if (refusal) return this.turnAway(refusal);
        this.player = principal.userId;
        this.phase = 'open';
        this.welcome(principal.expiresAt);
      },
      (error: unknown) => {
        if (this.phase !== 'verifying') return;
        if (isAuthError(error)) {
          this.send(errFrame({ code: error.code, message: error.message }));
          return this.close(CloseCode.AUTH_FAILED, 'authentication failed');
        }
        this.context.log.error({ err: error }, 'hello could not be checked');
        this.send(errFrame({ code: ErrorCode.INTERNAL, message: 'the token could not be checked' }));
        this.close(CloseCode.INTERNAL_ERROR, 'internal error');
      },
    );
  }

  /** A `hello` on an open session: a fresh token of the same player moves the expiry, and is answered `welcome`. */
  private renew(token: string): void {
    const renewal = ++this.renewals;
    this.context.verify(token).then(
      (principal) => {
        if (this.phase !== 'open' || renewal !== this.renewals) return;
        if (principal.userId !== this.player) {
          return this.refuse({ code: ErrorCode.AUTH_FORBIDDEN, message: `the token names ${principal.userId}; this connection is ${this.player}'s` });
        }
        this.welcome(principal.expiresAt);
      },
      (error: unknown) => {
        if (this.phase !== 'open' || renewal !== this.renewals) return;
        if (isAuthError(error)) return this.refuse({ code: error.code, message: `${error.message}; the current token stays in force until it expires` });
        this.context.log.error({ err: error }, 'hello could not be checked');
        this.send(errFrame({ code: ErrorCode.INTERNAL, message: 'the token could not be checked' }));
      },
    );
  }

  private welcome(expiresAt: number): void {
    this.expiry.renew(expiresAt);
    const { node, settings, clock } = this.context;
    this.send({ t: 'welcome', userId: this.player!, node, serverTime: clock.now(), limits: settings.limits, expiresAt });
  }

  private helloTimedOut(): void {
    if (this.phase !== 'greeting' && this.phase !== 'verifying') return;
    this.send(errFrame({ code: ErrorCode.AUTH_REQUIRED, message: `no hello within ${this.context.settings.helloTimeoutMs} ms` }));
    this.close(CloseCode.AUTH_FAILED, 'no hello in time');
  }

  private command(frame: CmdFrame): void {
    const { id, to, type, payload } = frame;
    const userId = this.player!;
    if (this.context.draining) {
      return this.send(errFrame({ id, code: ErrorCode.RUNTIME_STOPPED, message: 'this node is shutting down; send the command again with the same id' }));
    }
    const allowed = mayCommand(userId, to);
    if (!allowed.ok) return this.refuse({ id, code: allowed.code, message: allowed.message });
    const work = this.context
      .send({ id, to, type, payload, meta: { origin: 'client', userId, correlationId: id } })
      .then(
        (outcome): ServerFrame => answerFrame(id, outcome),
        (error: unknown): ServerFrame => {
          this.context.log.error({ err: error, commandId: id, to, type }, 'command failed');
          return errFrame({ id, code: ErrorCode.INTERNAL, message: 'internal error' });
        },
      )
      .then((answer) => this.send(answer));
    this.context.track(work);
  }

  private subscribe(frame: SubFrame): void {
    const authorized = authorizeTopic(this.player!, frame.topic);
    if (!authorized.ok) return this.refuse({ ...authorized, topic: frame.topic });
    const topic = authorized.value;
    const source = this.context.source(topic);
    if (!source) {
      return this.send(errFrame({ code: ErrorCode.TOPIC_INVALID, topic: topic.name, message: `${topic.name} is not served by this node yet` }));
    }
    const existing = this.watches.get(topic.name);
    const { maxSubscriptions } = this.context.settings.limits;
    if (!existing && this.watches.size >= maxSubscriptions) {
      return this.refuse({ code: ErrorCode.SUBSCRIPTION_LIMIT, topic: topic.name, message: `a connection watches at most ${maxSubscriptions} topics` });
    }
    // A sub for a topic already watched replaces that watch (how a client recovers from a gap).
    existing?.close();
    const watch = new SessionWatch(this, topic.name);
    this.watches.set(topic.name, watch);
    watch.attach(source.watch(topic, frame.fromVersion, watch));
  }

  // ── output ────────────────────────────────────────────────────────────────────────────────

  /** Sends a frame a source shares between watchers (encoded once per subprotocol). */
  push(frame: SnapFrame | EvtFrame): void {
    this.send(frame, true);
  }

  watchFailed(watch: SessionWatch, code: ErrorCode, message: string): void {
    if (this.watches.get(watch.topic) === watch) this.watches.delete(watch.topic);
    watch.close();
    this.send(errFrame({ code, message, topic: watch.topic }));
  }

  /** Sends the frames `work` produces in one write where the transport can. */
  batch(work: () => void): void {
    if (this.phase === 'closing' || this.phase === 'closed') return work();
    this.connection.batch(work);
  }

  /** Resolves when buffered output is down to half the cap (or the session ended). */
  ready(): Promise<void> {
    if (this.phase === 'closing' || this.phase === 'closed' || this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.waitingForRoom.push(resolve));
  }

  private send(frame: ServerFrame, shared = false): void {
    if (this.phase === 'closing' || this.phase === 'closed') return;
    let data: Uint8Array | string;
    try {
      data = shared ? encodeShared(this.codec, frame as SnapFrame | EvtFrame) : this.codec.encode(frame);
    } catch (error) {
      this.context.log.error({ err: error, frame: frame.t, userId: this.player }, 'a frame could not be encoded');
      return this.close(CloseCode.INTERNAL_ERROR, 'internal error');
    }
    const result = this.connection.send(data);
    if (result === 'dropped' || this.connection.bufferedBytes() > this.context.settings.limits.maxBufferedBytes) {
      this.close(CloseCode.SLOW_CONSUMER, 'slow consumer');
    }
  }

  /** Answers a refused frame; too many of them close the connection 4004. */
  private refuse(error: { code: ErrorCode; message: string; id?: string; topic?: string }): void {
    this.send(errFrame(error));
    if (this.badFrames.hit(this.context.clock.now())) this.close(CloseCode.TOO_MANY_BAD_FRAMES, 'too many bad frames');
  }

  private rateLimited(frame: ClientFrame | FrameError, now: number): void {
    const { ratePerSec, burst } = this.context.settings.limits;
    this.send(errFrame({ code: ErrorCode.RATE_LIMITED, message: `over ${ratePerSec} frames a second (burst ${burst}): dropped`, ...named(frame) }));
    if (this.rateStrikes.hit(now)) this.close(CloseCode.RATE_LIMIT_ABUSE, 'rate limit abuse');
  }

  private hasRoom(): boolean {
    return this.connection.bufferedBytes() <= this.context.settings.limits.maxBufferedBytes / 2;
  }

  private wakeWaiters(): void {
    const waiting = this.waitingForRoom;
    this.waitingForRoom = [];
    for (const resolve of waiting) resolve();
  }

  private release(): void {
    this.helloTimer.cancel();
    this.expiry.cancel();
    for (const watch of this.watches.values()) watch.close();
    this.watches.clear();
    this.wakeWaiters();
  }
}

function isAuthError(error: unknown): error is GamifierError {
  return error instanceof GamifierError && (error.code === ErrorCode.AUTH_INVALID || error.code === ErrorCode.AUTH_REQUIRED);
}
