import { createServer, type Server } from 'node:http';
import { ErrorCode } from '../protocol/errors.js';
import type { Config } from './config.js';

export interface StartingListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The port of a node that waits for its database (node:http, whatever GAMIFIER_WS says): it is
 * alive, so `/healthz` answers 200 `{status: "starting"}`; it is not ready, so `/readyz` answers
 * 503 `{status: "starting", reason: "STORE_UNAVAILABLE"}`, and every other request, a WebSocket
 * upgrade included, 503 STORE_UNAVAILABLE with `Retry-After: 1`. No actor serves before the
 * migrations ran; the real listener takes the same port over once they did.
 */
export async function listenWhileStarting(config: Config, describe: () => Record<string, unknown>): Promise<StartingListener> {
  const unavailable = JSON.stringify({ error: { code: ErrorCode.STORE_UNAVAILABLE, message: 'the node is waiting for its database' } });
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const [status, body] =
      path === '/healthz'
        ? [200, JSON.stringify({ status: 'starting', ...describe() })]
        : path === '/readyz'
          ? [503, JSON.stringify({ status: 'starting', reason: ErrorCode.STORE_UNAVAILABLE })]
          : [503, unavailable];
    res.writeHead(status, { 'content-type': 'application/json', ...(status === 503 ? { 'retry-after': '1' } : {}) });
    res.end(body);
  });
  server.on('upgrade', (_req, socket) => {
    socket.end(`HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(unavailable)}\r\n\r\n${unavailable}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : config.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
