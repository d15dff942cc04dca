import type { RequestListener } from 'node:http';
import type { TemplatedApp } from 'uWebSockets.js';
import type { Transport } from './transport.js';
import { uwsTransport } from './uws.js';
import { wsTransport } from './ws.js';

/** What each transport needs: the uWS app it joins, or where the `ws` server listens. */
export type TransportTarget =
  | { kind: 'uws'; app: TemplatedApp }
  | { kind: 'ws'; host: string; port: number; onRequest?: RequestListener };

/**
 * The transport of a kind. Neither imports the uWS binary: under `ws`, nothing here needs it.
 *
 * @example
 * const transport = createTransport(config.websocket === 'ws' ? { kind: 'ws', host, port } : { kind: 'uws', app });
 */
export function createTransport(target: TransportTarget): Transport {
  if (target.kind === 'uws') return uwsTransport(target.app);
  return wsTransport(target.onRequest ? { host: target.host, port: target.port, onRequest: target.onRequest } : { host: target.host, port: target.port });
}
