import type { RequestListener } from 'node:http';
import type { TemplatedApp } from 'uWebSockets.js';
import { ConfigInvalidError } from '../config.js';
import type { Transport, TransportKind } from './transport.js';
import { uwsTransport } from './uws.js';
import { wsTransport } from './ws.js';

/**
 * The transport `GAMIFIER_WS` asks for: unset or `uws` for uWebSockets.js, `ws` for the `ws`
 * library; anything else is CONFIG_INVALID.
 *
 * @example
 * transportKind({ GAMIFIER_WS: 'ws' }) // 'ws'
 */
export function transportKind(env: Record<string, string | undefined> = process.env): TransportKind {
  const raw = env.GAMIFIER_WS;
  if (raw === undefined || raw === '' || raw === 'uws') return 'uws';
  if (raw === 'ws') return 'ws';
  throw new ConfigInvalidError('GAMIFIER_WS', raw, 'uws | ws');
}

/** What each transport needs: the uWS app it joins, or where the `ws` server listens. */
export type TransportTarget =
  | { kind: 'uws'; app: TemplatedApp }
  | { kind: 'ws'; host: string; port: number; onRequest?: RequestListener };

/**
 * The transport of a kind. Neither imports the uWS binary: under `ws`, nothing here needs it.
 *
 * @example
 * const transport = createTransport(transportKind() === 'ws' ? { kind: 'ws', host, port } : { kind: 'uws', app });
 */
export function createTransport(target: TransportTarget): Transport {
  if (target.kind === 'uws') return uwsTransport(target.app);
  return wsTransport(target.onRequest ? { host: target.host, port: target.port, onRequest: target.onRequest } : { host: target.host, port: target.port });
}
