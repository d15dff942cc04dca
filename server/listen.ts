import { startGateway, uwsTransport, wsTransport, type Gateway, type GatewayDeps } from './gateway/index.js';
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

/**
 * One port for HTTP and WebSocket: on uWebSockets.js (the default), or on node:http with the `ws`
 * library (`GAMIFIER_WS=ws`, for platforms without uWS binaries; uWS is then never loaded).
 */
export async function listen(config: Config, router: Router, deps: GatewayDeps, log: Logger): Promise<{ listening: Listening; gateway: Gateway }> {
  const http = { maxBodyBytes: config.maxBodyBytes, log };
  if (config.websocket === 'ws') {
    const transport = wsTransport({ host: config.host, port: config.port, onRequest: nodeRequestListener(router, http) });
    const gateway = await startGateway(transport, deps);
    // The transport's server closes with the gateway's drain.
    return { gateway, listening: { port: transport.port, close: () => undefined } };
  }
  const { default: uWS } = await import('uWebSockets.js');
  const app = uWS.App();
  mountOnUws(router, app, http);
  const gateway = await startGateway(uwsTransport(app), deps);
  const socket = await new Promise<import('uWebSockets.js').us_listen_socket | false>((resolve) => app.listen(config.host, config.port, resolve));
  if (!socket) {
    await gateway.drain();
    throw new Error(`cannot listen on ${config.host}:${config.port} (in use, or not allowed)`);
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
