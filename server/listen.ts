import { ErrorCode, GamifierError } from '../protocol/errors.js';
import { startGateway, uwsTransport, wsTransport, type Gateway, type GatewayDeps, type GatewayOverrides } from './gateway/index.js';
import type { Config } from './config.js';
import { nodeRequestListener } from './http/node.js';
import type { Router } from './http/router.js';
import { mountOnUws } from './http/uws.js';
import type { Logger } from './log.js';

export interface Listening {
  readonly port: number;
  /** Stops listening (open sockets are the gateway's to close first). */
  close(): void;
}

/** uWS listens with SO_REUSEPORT unless told otherwise (then a second server on the port would share its traffic). */
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

/** The server cannot have its port to itself: it does not start. */
export class PortInUseError extends GamifierError {
  constructor(host: string, port: number, options?: { cause?: unknown }) {
    super(ErrorCode.PORT_IN_USE, `cannot listen on ${host}:${port}: another process holds the port (or it is not allowed)`, options);
  }
}

/**
 * One port for HTTP and WebSocket: on uWebSockets.js (the default), or on node:http with the `ws`
 * library (`GAMIFIER_WS=ws`, for platforms without uWS binaries; uWS is then never loaded). The
 * port is the server's alone: held by another process, listening fails with PORT_IN_USE.
 */
export async function listen(config: Config, router: Router, deps: GatewayDeps, log: Logger): Promise<{ listening: Listening; gateway: Gateway }> {
  const http = { maxBodyBytes: config.maxBodyBytes, log };
  const settings: GatewayOverrides = {
    maxConnections: config.maxConnections,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    maxConnectionsPerPlayer: config.maxConnectionsPerPlayer,
    streamSweepMs: config.streamSweepMs,
  };
  if (config.websocket === 'ws') {
    const transport = wsTransport({ host: config.host, port: config.port, onRequest: nodeRequestListener(router, http) });
    const gateway = await startGateway(transport, deps, settings).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE' ? new PortInUseError(config.host, config.port, { cause: error }) : error;
    });
    // The transport's server closes with the gateway's drain.
    return { gateway, listening: { port: transport.port, close: () => undefined } };
  }
  const { default: uWS } = await import('uWebSockets.js');
  const app = uWS.App();
  mountOnUws(router, app, http);
  const gateway = await startGateway(uwsTransport(app), deps, settings);
  // The typings know `listen(port, options, cb)` only; this build takes the host too.
  const listenExclusive = app.listen as unknown as (host: string, port: number, options: number, cb: (socket: import('uWebSockets.js').us_listen_socket | false) => void) => void;
  const socket = await new Promise<import('uWebSockets.js').us_listen_socket | false>((resolve) => listenExclusive.call(app, config.host, config.port, LIBUS_LISTEN_EXCLUSIVE_PORT, resolve));
  if (!socket) {
    await gateway.drain();
    throw new PortInUseError(config.host, config.port);
  }
  let open = true;
  return {
    gateway,
    listening: {
      port: uWS.getSocketPort(socket as unknown as import('uWebSockets.js').us_socket),
      close: () => {
        if (open) uWS.closeSocket(socket);
        open = false;
      },
    },
  };
}
