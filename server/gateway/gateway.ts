import { challengeActorType } from '../../actors/challenge/index.js';
import { postActorType } from '../../actors/post/index.js';
import { systemClock, type AnyActorType, type Clock, type Dispatcher, type TimerHandle } from '../../actors/runtime/index.js';
import { userActorType } from '../../actors/user/index.js';
import type { Bus } from '../../bus/index.js';
import { CloseCode } from '../../protocol/close-codes.js';
import { createCodec, Subprotocol, WEBSOCKET_PATH, type Codec } from '../../protocol/codecs.js';
import { errorCatalog } from '../../protocol/errors.js';
import type { Topic, TopicKind } from '../../protocol/topics.js';
import type { EventStore } from '../../store/types.js';
import type { Logger } from '../log.js';
import { Admission, type CapKind, type Refusal } from './admission.js';
import { RateBudgets } from './rate-limit.js';
import { Session, type SessionContext } from './session.js';
import { gatewaySettings, type GatewayOverrides, type GatewaySettings } from './settings.js';
import type { TopicSource } from './topics/source.js';
import { StreamTopicSource } from './topics/stream.js';
import type { Connection, Transport } from './transport.js';

export interface GatewayDeps {
  /** Where commands go (`send`) and where the views of actors in snapshots come from (`view`). */
  dispatcher: Pick<Dispatcher, 'send' | 'view'>;
  /** Where watchers catch up from, and where the views their pushes patch are folded from. */
  store: Pick<EventStore, 'readStream' | 'streamVersion' | 'streamVersions' | 'loadLatest'>;
  /** The actor types whose topics are watched (their evolve and view patch each push); default: the game's. */
  actorTypes?: readonly AnyActorType[];
  /** Where committed events arrive (published by `committedEventPublisher`). */
  bus: Bus;
  /**
   * "The bus may have lost messages" (the composition root: the node's bus reconnected): every
   * watched `user/` and `challenge/` stream is re-checked in the store and its watchers get what
   * they missed. Subscribe with a listener, returns an unsubscribe.
   */
  resyncs?: (resync: () => void) => () => void;
  /** Checks a `hello` token (server/auth.ts `Auth`): the player, and when the token expires. */
  auth: { verify(token: string): Promise<{ userId: string; expiresAt: number }> };
  /**
   * Each player's frame budget; pass the one `POST /v1/commands` draws from too, so that a player
   * has one budget however they connect. Default: the gateway's own, sized by `limits`.
   */
  budgets?: RateBudgets;
  /** A connection was turned away at a cap (count it: `gamifier_connections_refused_total`). */
  onRefused?: (cap: CapKind) => void;
  /** This node's name, in `welcome`. */
  node: string;
  log: Logger;
  clock?: Clock;
  /**
   * Sources of the read-model topics (`leaderboard`, `feed`), e.g. a CoalescedTopicSource over
   * `leaderboardTopic(…)`; without one, a `sub` to that kind is answered TOPIC_INVALID ("not
   * served by this node yet"). `user` and `challenge` are served from the actors' streams.
   */
  sources?: Partial<Record<TopicKind, TopicSource>>;
}

export interface GatewayStats {
  connections: number;
  welcomed: number;
  commandsInFlight: number;
  /** Topics with a shared subscription on this node… */
  topics: number;
  /** …and the watches of them. */
  watchers: number;
  draining: boolean;
}

/**
 * The WebSocket gateway of one node: sessions over a transport, commands to the actors, watches
 * over the bus and the store.
 *
 * @example
 * const gateway = await startGateway(uwsTransport(app), { dispatcher, store, bus, auth, node, log });
 * // … on shutdown, before runtime.stop():
 * await gateway.drain();
 */
export async function startGateway(transport: Transport, deps: GatewayDeps, settings: GatewayOverrides = {}): Promise<Gateway> {
  const gateway = new Gateway(transport, deps, gatewaySettings(settings));
  await gateway.listen();
  return gateway;
}

export class Gateway {
  private readonly sessions = new Set<Session>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly sources = new Map<TopicKind, TopicSource>();
  private readonly codecs: Record<Subprotocol, Codec>;
  private readonly clock: Clock;
  private readonly context: SessionContext;
  private readonly admission: Admission<Session>;
  private readonly streams: StreamTopicSource;
  private sweepTimer: TimerHandle | undefined;
  private drainDone: Promise<void> | undefined;
  private isDraining = false;

  constructor(
    private readonly transport: Transport,
    private readonly deps: GatewayDeps,
    readonly settings: GatewaySettings,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.admission = new Admission(settings);
    const budgets = deps.budgets ?? new RateBudgets(settings.limits.ratePerSec, settings.limits.burst);
    const codecLimits = { maxBytes: settings.limits.maxFrameBytes, maxDepth: 32 };
    this.codecs = { [Subprotocol.msgpack]: createCodec(Subprotocol.msgpack, codecLimits), [Subprotocol.json]: createCodec(Subprotocol.json, codecLimits) };
    const onError = (error: unknown, context: Record<string, unknown>) => deps.log.error({ err: error, ...context }, 'topic source failed');
    const streams = new StreamTopicSource({
      bus: deps.bus,
      store: deps.store,
      actorTypes: new Map((deps.actorTypes ?? [userActorType, challengeActorType, postActorType]).map((type) => [type.name, type])),
      snapshot: (topic) => this.snapshot(topic),
      maxReplay: settings.maxReplay,
      onError,
      clock: this.clock,
      sweepMs: settings.streamSweepMs,
      resyncs: deps.resyncs,
    });
    this.streams = streams;
    this.sources.set('user', streams);
    this.sources.set('challenge', streams);
    this.sources.set('post', streams);
    for (const [kind, source] of Object.entries(deps.sources ?? {}) as Array<[TopicKind, TopicSource]>) this.sources.set(kind, source);
    const gateway = this;
    this.context = {
      settings,
      clock: this.clock,
      node: deps.node,
      log: deps.log,
      get draining() {
        return gateway.isDraining;
      },
      codec: (subprotocol) => this.codecs[subprotocol],
      verify: (token) => deps.auth.verify(token),
      budgets,
      admit: (session, userId) => this.refused(this.admission.welcome(session, userId)),
      send: (envelope) => deps.dispatcher.send(envelope),
      source: (topic) => this.sources.get(topic.kind),
      track: (work) => {
        this.inflight.add(work);
        const forget = () => void this.inflight.delete(work);
        work.then(forget, forget);
      },
      ended: (session) => {
        this.sessions.delete(session);
        this.admission.release(session);
      },
    };
  }

  /** Starts taking connections on the transport (startGateway calls it). */
  async listen(): Promise<void> {
    const { settings } = this;
    await this.transport.listen((connection) => this.accept(connection), {
      path: WEBSOCKET_PATH,
      maxMessageBytes: settings.transportMaxBytes,
      maxBufferedBytes: settings.limits.maxBufferedBytes,
      closeTimeoutMs: settings.closeTimeoutMs,
      admit: (remoteAddress) => {
        const refusal = this.refused(this.admission.check(remoteAddress));
        return refusal && { status: errorCatalog[refusal.code].status, code: refusal.code, message: refusal.message };
      },
    });
    this.scheduleSweep();
  }

  stats(): GatewayStats {
    let welcomed = 0;
    for (const session of this.sessions) if (session.welcomed) welcomed++;
    let topics = 0;
    let watchers = 0;
    for (const source of new Set(this.sources.values())) {
      const stats = source.stats();
      topics += stats.topics;
      watchers += stats.watchers;
    }
    return { connections: this.sessions.size, welcomed, commandsInFlight: this.inflight.size, topics, watchers, draining: this.isDraining };
  }

  /** Closes every connection of a player with `code` (after a `bye`); returns how many. */
  disconnect(userId: string, code: CloseCode = CloseCode.POLICY_VIOLATION, reason = 'disconnected by the server'): number {
    let closed = 0;
    for (const session of [...this.sessions]) {
      if (session.userId !== userId) continue;
      session.close(code, reason);
      closed++;
    }
    return closed;
  }

  /**
   * Graceful shutdown: refuses new connections (503) and new commands (RUNTIME_STOPPED), waits
   * for the commands in flight to be answered (at most `drainTimeoutMs`), then says `bye` and
   * closes every connection 1012, so that clients reconnect elsewhere and resume. Stop the actor
   * runtime after this resolves.
   */
  drain(): Promise<void> {
    this.drainDone ??= this.runDrain();
    return this.drainDone;
  }

  private async runDrain(): Promise<void> {
    this.isDraining = true;
    this.transport.stopAccepting();
    const inflight = [...this.inflight];
    if (inflight.length > 0) {
      let timer: TimerHandle | undefined;
      const timeout = new Promise<void>((resolve) => (timer = this.clock.setTimer(this.settings.drainTimeoutMs, resolve)));
      await Promise.race([Promise.allSettled(inflight), timeout]);
      timer?.cancel();
    }
    this.sweepTimer?.cancel();
    this.streams.close();
    for (const session of [...this.sessions]) session.close(CloseCode.SERVICE_RESTART, 'node draining');
    await this.transport.close();
    this.deps.log.info({ node: this.deps.node }, 'websocket gateway drained');
  }

  private accept(connection: Connection): Session {
    const session = new Session(connection, this.context);
    this.sessions.add(session);
    // Upgrades in flight passed the transport's check together: this count is the one that holds.
    const refusal = this.refused(this.admission.open(session, connection.remoteAddress));
    // Let the transport finish opening the socket, then send it away.
    if (this.isDraining) queueMicrotask(() => session.close(CloseCode.SERVICE_RESTART, 'node draining'));
    else if (refusal) queueMicrotask(() => session.turnAway(refusal));
    return session;
  }

  private refused(refusal: Refusal | undefined): Refusal | undefined {
    if (refusal) this.deps.onRefused?.(refusal.cap);
    return refusal;
  }

  private scheduleSweep(): void {
    const every = Math.max(10, Math.min(1_000, Math.floor(this.settings.limits.idleTimeoutMs / 4)));
    this.sweepTimer = this.clock.setTimer(every, () => {
      const now = this.clock.now();
      for (const session of [...this.sessions]) session.checkIdle(now);
      if (!this.isDraining) this.scheduleSweep();
    });
  }

  /** A stream topic's snapshot: the actor's public view (its type's `view`), live or as activation would load it. */
  private async snapshot(topic: Topic): Promise<{ version: number; state: unknown }> {
    const { version, view } = await this.deps.dispatcher.view(topic.name);
    return { version, state: view };
  }
}
