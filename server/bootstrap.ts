import uWS from 'uWebSockets.js';
import { ErrorCode } from '../protocol/errors.js';
import { openStore, type OpenStore } from '../store/index.js';
import type { Config } from './config.js';
import { mountHealth } from './http/health.js';
import { sendJson } from './http/respond.js';
import type { Logger } from './log.js';

export interface RunningServer {
  readonly port: number;
  readonly store: OpenStore;
  /** Stops accepting, closes the store, resolves when everything is released. */
  stop(): Promise<void>;
}

/**
 * The composition root: config → store → HTTP. Nothing else in the project constructs
 * infrastructure; tests start the same server through this function.
 */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
  });
  log.info(
    { database: store.kind, migrationsApplied: store.migrations.applied.length, schemaVersion: store.migrations.current },
    'event store open',
  );
  let draining = false;
  const startedAt = new Date();
  const app = uWS.App();
  mountHealth(
    app,
    {
      describe: () => ({ database: store.kind, schemaVersion: store.migrations.current, startedAt: startedAt.toISOString() }),
      ready: async () => {
        await store.sql`select 1`;
      },
      draining: () => draining,
    },
    log,
  );
  app.any('/*', (res, req) => {
    sendJson(res, 404, { error: { code: ErrorCode.ROUTE_NOT_FOUND, message: `no route for ${req.getMethod().toUpperCase()} ${req.getUrl()}` } });
  });

  let listenSocket: uWS.us_listen_socket | false = false;
  try {
    listenSocket = await new Promise<uWS.us_listen_socket | false>((resolve) => app.listen(config.host, config.port, resolve));
    if (!listenSocket) throw new Error(`cannot listen on ${config.host}:${config.port} (in use, or not allowed)`);
  } catch (error) {
    await store.close();
    throw error;
  }
  const port = uWS.getSocketPort(listenSocket as unknown as uWS.us_socket);
  log.info({ host: config.host, port }, 'listening');

  return {
    port,
    store,
    async stop() {
      draining = true;
      if (listenSocket) uWS.closeSocket(listenSocket);
      listenSocket = false;
      await store.close();
      log.info('stopped');
    },
  };
}
