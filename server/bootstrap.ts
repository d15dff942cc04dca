import { EventEmitter } from 'node:events';
import { challengeActorType } from '../actors/challenge/index.js';
import { ActorRuntime, DeadLetterAdmin, systemClock, type Clock, type Dispatcher } from '../actors/runtime/index.js';
import { defaultLimits } from '../protocol/frames.js';
import { userActorType } from '../actors/user/index.js';
import { likeActorType } from '../actors/like/index.js';
import { postActorType } from '../actors/post/index.js';
import { forgetPlayer, gamePersonalData, gameProjections, readModelChangePublisher, ReadModelChanges, readModelQueries } from '../game/index.js';
import { Projections, type OpenStore } from '../store/index.js';
import { Auth } from './auth.js';
import type { Config } from './config.js';
import { openDatabase } from './database.js';
import { mountAdmin } from './http/admin.js';
import { forwardTo, serveForwarded } from './http/admin-forward.js';
import { mountAdminStats } from './http/admin-stats.js';
import { mountCommands } from './http/commands.js';
import { mountDevToken } from './http/dev-token.js';
import { mountHealth } from './http/health.js';
import { mountContracts } from './http/openapi.js';
import { mountReads } from './http/reads.js';
import { Router, type RouteInfo } from './http/router.js';
import { defaultWebRoot, StaticFiles } from './http/static-files.js';
import { listen, type Listening } from './listen.js';
import type { Logger } from './log.js';
import { ServerMetrics } from './metrics.js';
import { gatherFigures, serveFigures } from './node-stats.js';
import { openNodeBus } from './node-bus.js';
import { clusterStatus, openClusterNode } from './cluster-node.js';
import { backgroundWork } from './background-work.js';
import { CoalescedTopicSource, committedEventPublisher, feedTopic, leaderboardTopic, RateBudgets, type Gateway, type GatewayDeps } from './gateway/index.js';

/** The game's actor types, in one place. */
export const gameActorTypes = [userActorType, challengeActorType, postActorType, likeActorType] as const;

export interface RunningServer {
  readonly port: number;
  readonly store: OpenStore;
  readonly runtime: ActorRuntime;
  readonly projections: Projections;
  /** The HTTP routes it serves (their documents make GET /v1/openapi.json). */
  routes(): RouteInfo[];
  /** Stops accepting, drains the actors, closes the store; resolves when everything is released. */
  stop(): Promise<void>;
}

/**
 * The composition root: config → store → bus → actor runtime (the dispatcher) → its background work
 * (outbox, timers) → projections → HTTP and WebSocket. Nothing else in the project
 * constructs infrastructure; tests start the same server through this function.
 */
export interface StartOptions {
  clock?: Clock;
  /** Gives up waiting for the database (SIGTERM while starting). */
  signal?: AbortSignal;
  /** The database did not answer: the node listens on this port, alive but not ready, and waits. */
  onWaiting?(port: number): void;
}

export async function startServer(config: Config, log: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const startedAt = new Date();
  const { store, port } = await openDatabase(config, log, {
    describe: () => ({ node: config.nodeName, database: config.databaseUrl ? 'postgres' : 'pglite', startedAt: startedAt.toISOString() }),
    personalData: gamePersonalData,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onWaiting ? { onWaiting: options.onWaiting } : {}),
  });
  log.info(
    {
      database: store.kind,
      migrationsApplied: store.migrations.applied.length,
      schemaVersion: store.migrations.current,
      mode: config.mode,
      masterKeys: config.dataKeys.map((key) => key.id),
      personalDataEncryption: config.dataEncryption ? 'on' : 'off',
    },
    'event store open',
  );
  if (!config.dataEncryption) log.warn('DATA_ENCRYPTION=off: new events keep personal fields in plaintext (a benchmark setting, not for players\' data)');
  let runtime: ActorRuntime | undefined;
  let gateway: Gateway | undefined;
  const metrics: ServerMetrics = new ServerMetrics(log, {
    runtime: () => runtime,
    connections: () => gateway?.stats().connections ?? 0,
    projections: async () =>
      (await projections.status()).map((status) => ({ name: status.name, lagEvents: status.lag.events, parkedEvents: status.parked.count })),
  });
  // NATS when NATS_URL is set, in-process otherwise; a NATS that cannot be reached fails the start.
  // A reconnect tells the gateway's watchers to re-check their streams: what was published while
  // the bus was down is gone (delivery is at most once).
  const busReconnects = new EventEmitter();
  const bus = await openNodeBus(config, log, metrics.registry, () => busReconnects.emit('reconnect')).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  // Other nodes' dashboards ask this node for its figures (GET /v1/admin/stats).
  const figures = serveFigures(bus, config.nodeName, metrics.registry);
  // Other nodes hand this one the admin requests for the work it runs (http/admin-forward.ts).
  const router = new Router();
  const forwarded = serveForwarded(bus, config.nodeName, router, log);
  const queries = readModelQueries(store.sql);
  const changes = new ReadModelChanges(bus, (userId) => queries.feed.friends(userId));
  const projections = new Projections(store.store, gameProjections, {
    onApplied: readModelChangePublisher(bus, (error) => log.warn({ err: error }, 'read-model change signal not published')),
    onError: (projection, generation, error) => log.warn({ err: error, projection, generation }, 'projection failed; retrying from its checkpoint'),
    onParked: (projection, generation, event, error, attempts) => {
      metrics.projectionEventParked(projection);
      log.warn(
        { err: error, projection, generation, position: event.position, streamId: event.streamId, version: event.version, type: event.type, attempts },
        'projection could not apply an event: parked it and moved on (GET /v1/admin/projections/:name/parked)',
      );
    },
  });
  const clock = options.clock ?? systemClock;
  // With NATS and PostgreSQL the node joins the cluster before it hosts any actor: the runtime
  // writes only what the node's shard leases admit.
  const cluster = await openClusterNode(config, store, bus, log, metrics.registry, () => ({ actors: runtime?.stats().active ?? 0, sessions: gateway?.stats().connections ?? 0 }), options.signal).catch(
    async (error: unknown) => {
      await bus.close();
      await store.close();
      throw error;
    },
  );
  runtime = new ActorRuntime(gameActorTypes, {
    store: store.store,
    deadLetters: store.deadLetters,
    onCommitted: committedEventPublisher(bus, (error, streamId) => log.error({ err: error, streamId }, 'event not published')),
    metrics: metrics.runtimeMetrics,
    storeAvailable: () => store.health.state.up,
    clock,
    settings: { node: config.nodeName, idleMs: config.actorIdleMs, maxActive: config.actorMaxActive, snapshotEvery: config.snapshotEvery },
    ...(cluster ? { ownership: cluster.ownership } : {}),
  });
  // Every sender reaches actors through the dispatcher: the runtime itself on a single node, the
  // sharded one in a cluster. The outbox, the timers and the projectors run once per cluster:
  // on a single node here, in a cluster on the holder of shard 0 (cluster/singleton.ts).
  const onBackgroundError = (what: string, error: unknown) => metrics.runtimeMetrics.backgroundError(what, error);
  const keys = store.subjectKeys;
  const work = backgroundWork({
    store,
    projections,
    dispatcher: () => dispatcher,
    clock,
    onError: onBackgroundError,
    ...(keys ? { forget: (to: Dispatcher) => forgetPlayer({ sql: store.sql, keys, dispatcher: to }) } : {}),
  });
  const dispatcher: Dispatcher = cluster ? cluster.start(runtime, work) : runtime;
  const deadLetters = new DeadLetterAdmin(store.deadLetters, dispatcher);
  runtime.start();
  if (cluster) await cluster.ready();
  else await work.start();
  const auth = new Auth(config.jwtSecret, config.adminToken, { maxTtlSeconds: config.tokenMaxTtlSeconds, clock });
  // One budget per player, drawn on by their WebSocket frames and their HTTP commands alike.
  const budgets = new RateBudgets(defaultLimits.ratePerSec, defaultLimits.burst);
  if (config.mode === 'development') {
    const secrets = config.defaultSecrets ? 'the development secrets are in use' : 'the configured secrets are in use';
    log.warn({ host: config.host, defaultSecrets: config.defaultSecrets }, `development mode: POST /v1/auth/dev-token mints a token for any player; ${secrets}`);
  }

  let draining = false;
  const node = () => ({ name: config.nodeName, startedAt: startedAt.toISOString(), database: store.kind });
  mountHealth(router, {
    describe: () => ({ node: config.nodeName, database: store.kind, schemaVersion: store.migrations.current, startedAt: startedAt.toISOString() }),
    database: () => store.health.state,
    draining: () => draining,
  });
  const metricsDoc = { summary: 'Prometheus metrics', auth: 'none', responses: { 200: { contentType: metrics.registry.contentType } }, errors: [] } as const;
  router.get('/metrics', metricsDoc, async () => ({ status: 200, body: await metrics.text(), contentType: metrics.registry.contentType }));
  if (config.mode === 'development') mountDevToken(router, auth);
  mountCommands(router, { dispatcher, store: store.store, auth, budgets, clock });
  mountReads(router, { queries, auth });
  const liveRuntime = runtime;
  const alone = () => ({ ...node(), actors: liveRuntime.stats().active, sessions: gateway?.stats().connections ?? 0 });
  mountAdmin(router, {
    dispatcher,
    deadLetters,
    store: store.store,
    projections,
    auth,
    actorTypes: gameActorTypes.map((type) => type.name),
    cluster: () => clusterStatus(cluster, alone),
    ...(cluster ? { atProjectors: forwardTo(bus, config.nodeName, () => cluster.workNode()) } : {}),
  });
  const statsTimeoutMs = 500;
  mountAdminStats(router, {
    auth,
    node: config.nodeName,
    timeoutMs: statsTimeoutMs,
    gather: async () => {
      const members = cluster ? (await cluster.status()).members.filter((member) => member.live).map((member) => member.nodeId) : [];
      return gatherFigures(bus, { node: config.nodeName, registry: metrics.registry }, members, statsTimeoutMs);
    },
  });
  mountContracts(router);
  const webRoot = config.webRoot ?? defaultWebRoot();
  const pages = await StaticFiles.load(webRoot);
  if (pages) router.serveFiles((request) => pages.serve(request));
  else log.warn({ webRoot }, 'the web pages are not built (npm run build): the game and the dashboard are not served');

  const gatewayDeps: GatewayDeps = {
    dispatcher,
    store: store.store,
    bus,
    resyncs: (resync) => {
      busReconnects.on('reconnect', resync);
      return () => void busReconnects.off('reconnect', resync);
    },
    auth,
    node: config.nodeName,
    log,
    clock,
    budgets,
    onRefused: (cap) => metrics.connectionRefused(cap),
    sources: {
      leaderboard: new CoalescedTopicSource(leaderboardTopic(queries.leaderboard, changes.onLeaderboard), { intervalMs: 50 }),
      feed: new CoalescedTopicSource(feedTopic(queries.feed, changes.onFeed), { intervalMs: 50 }),
    },
  };
  let listening: Listening;
  try {
    // A node that waited for its database takes over the port it waited on (PORT=0 included).
    ({ listening, gateway } = await listen(port === undefined ? config : { ...config, port }, router, gatewayDeps, log));
  } catch (error) {
    await work.stop();
    await runtime.stop();
    await cluster?.stop();
    await bus.close();
    await store.close();
    throw error;
  }
  log.info({ host: config.host, port: listening.port, node: config.nodeName, websocket: config.websocket }, 'listening');

  return {
    port: listening.port,
    store,
    runtime: liveRuntime,
    projections,
    routes: () => router.routes(),
    async stop() {
      draining = true;
      // Clients get `bye` and close 1012 (reconnect elsewhere) once in-flight commands are answered;
      // meanwhile a cluster member hands its shards over (drained, passivated, released).
      await Promise.all([gateway.drain(), cluster?.leave()]);
      listening.close();
      await work.stop();
      await liveRuntime.stop();
      await cluster?.stop();
      figures.unsubscribe();
      forwarded.unsubscribe();
      await bus.close();
      await store.close();
      log.info('stopped');
    },
  };
}
