import { createServer, STATUS_CODES, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { negotiateSubprotocol, type Subprotocol } from '../../protocol/codecs.js';
import type { Connection, ConnectionHandler, SendResult, Transport, TransportSettings } from './transport.js';

export interface WsTransportOptions {
  host: string;
  /** 0 picks a free port (read it from `port` once listening). */
  port: number;
  /**
   * Serves plain HTTP requests on the same node:http server. Without it, every HTTP request is
   * answered 404 (426 at the WebSocket path): under `ws` only the WebSocket is served on this
   * port unless the composition root passes its HTTP API here.
   */
  onRequest?: RequestListener;
}

/**
 * The gateway on the `ws` library and its own node:http server, for platforms without
 * uWebSockets.js binaries (`GAMIFIER_WS=ws`). Same behaviour as the uWS transport; slower.
 *
 * @example
 * const transport = wsTransport({ host: '0.0.0.0', port: 8081 });
 * const gateway = await startGateway(transport, deps);
 * console.log(transport.port);
 */
export function wsTransport(options: WsTransportOptions): WsTransport {
  return new WsTransport(options);
}

export class WsTransport implements Transport {
  readonly kind = 'ws';
  private server: Server | undefined;
  private accepting = true;
  private readonly sockets = new Set<WebSocket>();
  private settings: TransportSettings | undefined;

  constructor(private readonly options: WsTransportOptions) {}

  /** The port it listens on (after `listen`). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.options.port;
  }

  /** The node:http server, e.g. to serve more routes on it. */
  get httpServer(): Server | undefined {
    return this.server;
  }

  async listen(accept: (connection: Connection) => ConnectionHandler, settings: TransportSettings): Promise<void> {
    this.settings = settings;
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: settings.maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (offered) => negotiateSubprotocol([...offered]) ?? false,
    });
    const server = createServer(this.options.onRequest ?? ((request, response) => notServed(request, response, settings.path)));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      if (pathOf(request) !== settings.path) return refuse(socket, 404, 'Not Found', 'ROUTE_NOT_FOUND', `no WebSocket at ${pathOf(request)}; use ${settings.path}`);
      if (!this.accepting) return refuse(socket, 503, 'Service Unavailable', 'RUNTIME_STOPPED', 'this node is shutting down; connect to another');
      const subprotocol = negotiateSubprotocol(request.headers['sec-websocket-protocol']);
      if (!subprotocol) {
        return refuse(socket, 400, 'Bad Request', 'FRAME_INVALID', 'offer the subprotocol gamifier.v1.msgpack or gamifier.v1.json (Sec-WebSocket-Protocol)');
      }
      const remoteAddress = request.socket.remoteAddress ?? '';
      const refusal = settings.admit(remoteAddress);
      if (refusal) return refuse(socket, refusal.status, STATUS_CODES[refusal.status] ?? 'Refused', refusal.code, refusal.message);
      wss.handleUpgrade(request, socket, head, (ws) => this.open(ws, subprotocol, remoteAddress, accept, settings));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  stopAccepting(): void {
    this.accepting = false;
  }

  /** Waits for the connections to finish closing (cutting the late ones), then closes the server. */
  async close(): Promise<void> {
    this.accepting = false;
    const closing = [...this.sockets].map((ws) => new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve()))));
    const timer = setTimeout(() => {
      for (const ws of this.sockets) ws.terminate();
    }, this.settings?.closeTimeoutMs ?? 5_000);
    await Promise.all(closing);
    clearTimeout(timer);
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private open(ws: WebSocket, subprotocol: Subprotocol, remoteAddress: string, accept: (connection: Connection) => ConnectionHandler, settings: TransportSettings): void {
    this.sockets.add(ws);
    const connection = new WsConnection(ws, subprotocol, remoteAddress, settings);
    const handler = accept(connection);
    connection.handler = handler;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!connection.isClosed) handler.message(Array.isArray(data) ? Buffer.concat(data) : data, isBinary);
    });
    ws.on('ping', () => handler.heard());
    ws.on('pong', () => handler.heard());
    // ws reports protocol errors (an oversized message: it closes 1009) here, then closes.
    ws.on('error', () => undefined);
    ws.on('close', (code: number, reason: Buffer) => {
      this.sockets.delete(ws);
      connection.closed();
      handler.closed(code, reason.toString());
    });
  }
}

class WsConnection implements Connection {
  handler: ConnectionHandler | undefined;
  private done = false;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly afterWrite = (error?: Error) => {
    if (!error && !this.done && this.ws.bufferedAmount <= this.settings.maxBufferedBytes / 2) this.handler?.drained();
  };

  constructor(
    private readonly ws: WebSocket,
    readonly subprotocol: Subprotocol,
    readonly remoteAddress: string,
    private readonly settings: TransportSettings,
  ) {}

  get isClosed(): boolean {
    return this.done;
  }

  send(data: Uint8Array | string): SendResult {
    if (this.done || this.ws.readyState !== WebSocket.OPEN) return 'closed';
    this.ws.send(data, { binary: typeof data !== 'string' }, this.afterWrite);
    return 'sent';
  }

  bufferedBytes(): number {
    return this.done ? 0 : this.ws.bufferedAmount;
  }

  batch(work: () => void): void {
    work();
  }

  close(code: number, reason: string): void {
    if (this.done || this.closeTimer) return;
    this.ws.close(code, reason.slice(0, 120));
    this.closeTimer = setTimeout(() => this.ws.terminate(), this.settings.closeTimeoutMs);
    this.closeTimer.unref();
  }

  terminate(): void {
    if (!this.done) this.ws.terminate();
  }

  closed(): void {
    this.done = true;
    clearTimeout(this.closeTimer);
  }
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0]!;
}

function refuse(socket: Duplex, status: number, statusText: string, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function notServed(request: IncomingMessage, response: ServerResponse, path: string): void {
  const upgradeWanted = pathOf(request) === path;
  const body = JSON.stringify({
    error: upgradeWanted
      ? { code: 'ROUTE_NOT_FOUND', message: `${path} is a WebSocket: connect with an upgrade request` }
      : { code: 'ROUTE_NOT_FOUND', message: `this port serves only the WebSocket at ${path}` },
  });
  response.writeHead(upgradeWanted ? 426 : 404, { 'content-type': 'application/json' }).end(body);
}
