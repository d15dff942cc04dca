import type { Subprotocol } from '../../protocol/codecs.js';

/**
 * What a transport does with one outbound message: sent (or queued within the socket's buffer),
 * dropped because the socket's buffer is beyond the transport's own ceiling, or not sent because
 * the connection is closed.
 */
export type SendResult = 'sent' | 'dropped' | 'closed';

/** One accepted WebSocket, as a transport hands it to the gateway. Safe to call after it closed. */
export interface Connection {
  readonly subprotocol: Subprotocol;
  /** The peer's address, for logs. */
  readonly remoteAddress: string;
  send(data: Uint8Array | string): SendResult;
  /** Output accepted by `send` but not yet written to the network. */
  bufferedBytes(): number;
  /** Groups several sends into one write where the transport can (uWS `cork`). */
  batch(work: () => void): void;
  /** Closes with a close frame; the connection's handler hears `closed` (at once or later). */
  close(code: number, reason: string): void;
  /** Drops the connection without a close handshake (the peer sees 1006). */
  terminate(): void;
}

/** What the gateway attaches to each connection. Transports call it only until `closed`. */
export interface ConnectionHandler {
  /** One complete message; `data` is valid only during the call. */
  message(data: ArrayBuffer | Uint8Array | string, binary: boolean): void;
  /** A protocol-level ping or pong arrived (the peer is alive). */
  heard(): void;
  /** Buffered output went down: there is room to send again. */
  drained(): void;
  /** Output accepted by `send` was lost after all (the transport's buffer overflowed): close the connection. */
  overflowed(): void;
  closed(code: number, reason: string): void;
}

/** An upgrade the gateway turns away before it becomes a WebSocket: answered with this status and error body. */
export interface UpgradeRefusal {
  status: number;
  code: string;
  message: string;
}

/** What a transport needs to know of the gateway's limits. */
export interface TransportSettings {
  /** Asked at each upgrade (with the peer's address): a refusal is answered over HTTP and the socket closed. */
  admit(remoteAddress: string): UpgradeRefusal | undefined;
  path: string;
  /** Larger messages are not read: the transport drops the connection. */
  maxMessageBytes: number;
  /** Output a socket may buffer before the gateway closes it 4002; transports size their own ceilings above it. */
  maxBufferedBytes: number;
  /** How long a close the server started may take before the connection is cut. */
  closeTimeoutMs: number;
}

/**
 * Where WebSocket connections come from: the uWebSockets.js app the HTTP API runs on
 * (`uwsTransport`), a `ws` server on node:http (`wsTransport`), or an in-memory one in tests. All
 * quirks of a library stay inside its transport.
 *
 * @example
 * await transport.listen((connection) => new Session(connection, deps), settings);
 * transport.stopAccepting(); // upgrades now get 503
 */
export interface Transport {
  readonly kind: string;
  /** Starts accepting upgrades at `settings.path`; each connection gets the handler `accept` returns. */
  listen(accept: (connection: Connection) => ConnectionHandler, settings: TransportSettings): Promise<void>;
  /** Refuses further upgrades (503); open connections are left alone. */
  stopAccepting(): void;
  /** Releases what the transport owns (its own listening socket, if any) once connections are closed. */
  close(): Promise<void>;
}

/** Which WebSocket library serves: `uws` (default, on the HTTP API's own port) or `ws` (its own node:http server). */
export type TransportKind = 'uws' | 'ws';
