// A real gateway for end-to-end tests: PGlite (or PostgreSQL), the game's actors, the in-process
// bus, real tokens, and either transport on a free port.
import uWS from 'uWebSockets.js';
import { challengeActorType } from '../../../actors/challenge/index.js';
import { ActorRuntime } from '../../../actors/runtime/index.js';
import { userActorType } from '../../../actors/user/index.js';
import { InProcessBus } from '../../../bus/index.js';
import { openStore, type OpenStore } from '../../../store/index.js';
import { withBackground } from '../../../test/support/background.js';
import { dropSchema, postgresUrl, uniqueSchema } from '../../../test/support/services.js';
import { Auth } from '../../auth.js';
import { createLogger } from '../../log.js';
import { committedEventPublisher, startGateway, uwsTransport, wsTransport, type Gateway, type GatewayDeps, type GatewayOverrides, type TransportKind } from '../index.js';

export type Database = 'pglite' | 'postgres';

export interface RunningGateway {
  readonly kind: TransportKind;
  /** `ws://127.0.0.1:<port>/v1/ws` */
  readonly url: string;
  readonly port: number;
  readonly gateway: Gateway;
  /** Drains the gateway and closes its port. */
  stop(): Promise<void>;
}

export interface Stack {
  readonly store: OpenStore;
  readonly runtime: ActorRuntime;
  readonly bus: InProcessBus;
  readonly auth: Auth;
  token(userId: string): Promise<string>;
  /** A gateway on its own port over this stack's runtime. */
  gateway(kind: TransportKind, settings?: GatewayOverrides, deps?: Partial<GatewayDeps>): Promise<RunningGateway>;
  close(): Promise<void>;
}

const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export async function startStack(database: Database): Promise<Stack> {
  const schema = database === 'postgres' ? uniqueSchema('gateway') : undefined;
  const store = await openStore(
    schema ? { databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 6, schema } : { dataDir: 'memory', poolSize: 1 },
  );
  const bus = new InProcessBus({ log });
  const runtime = new ActorRuntime([userActorType, challengeActorType], {
    store: store.store,
    deadLetters: store.deadLetters,
    settings: { node: 'test-node' },
    onCommitted: committedEventPublisher(bus, (error) => log.error({ err: error }, 'publish failed')),
  });
  withBackground(runtime, store, { pollMs: 100 });
  runtime.start();
  const auth = new Auth('gateway-tests-secret-of-at-least-32-chars', 'gateway-tests-admin');
  const gateways: RunningGateway[] = [];

  return {
    store,
    runtime,
    bus,
    auth,
    token: (userId) => auth.issue(userId, 3_600),
    async gateway(kind, settings = {}, deps = {}) {
      const allDeps: GatewayDeps = { dispatcher: runtime, store: store.store, bus, auth, node: 'test-node', log, ...deps };
      const running = kind === 'uws' ? await uwsGateway(allDeps, settings) : await wsGateway(allDeps, settings);
      gateways.push(running);
      return running;
    },
    async close() {
      await Promise.all(gateways.map((running) => running.stop()));
      await runtime.stop();
      await store.close();
      if (schema) await dropSchema(schema);
    },
  };
}

async function uwsGateway(deps: GatewayDeps, settings: GatewayOverrides): Promise<RunningGateway> {
  const app = uWS.App();
  // As in the server: the HTTP router's catch-all is mounted too (the WebSocket route must win).
  app.any('/*', (res) => void res.writeStatus('404 Not Found').end('{"error":{"code":"ROUTE_NOT_FOUND"}}'));
  const gateway = await startGateway(uwsTransport(app), deps, settings);
  const listenSocket = await new Promise<uWS.us_listen_socket | false>((resolve) => app.listen('127.0.0.1', 0, resolve));
  if (!listenSocket) throw new Error('uWS could not listen');
  const port = uWS.getSocketPort(listenSocket as unknown as uWS.us_socket);
  let stopped: Promise<void> | undefined;
  return {
    kind: 'uws',
    url: `ws://127.0.0.1:${port}/v1/ws`,
    port,
    gateway,
    stop() {
      stopped ??= gateway.drain().then(() => uWS.closeSocket(listenSocket));
      return stopped;
    },
  };
}

async function wsGateway(deps: GatewayDeps, settings: GatewayOverrides): Promise<RunningGateway> {
  const transport = wsTransport({ host: '127.0.0.1', port: 0 });
  const gateway = await startGateway(transport, deps, settings);
  let stopped: Promise<void> | undefined;
  return {
    kind: 'ws',
    url: `ws://127.0.0.1:${transport.port}/v1/ws`,
    port: transport.port,
    gateway,
    stop() {
      stopped ??= gateway.drain();
      return stopped;
    },
  };
}

let counter = 0;
/** An id no other test of this process uses. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;
}

export const food = { name: 'oats', quantity: 100, unit: 'g', calories: 380, proteinG: 13, carbsG: 67, fatG: 7 };
