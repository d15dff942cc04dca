import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import { negotiateSubprotocol, type Subprotocol } from '../../protocol/codecs.js';
import { statusLine } from '../http/status-line.js';
import type { Connection, ConnectionHandler, SendResult, Transport, TransportSettings } from './transport.js';

interface SocketData {
  subprotocol: Subprotocol;
  remoteAddress: string;
  /** Set by uWS's close handler: from then on the WebSocket object must not be touched. */
  closed: boolean;
  handler: ConnectionHandler | undefined;
}

/**
 * This uWS build loses the payload of a message of 16 KiB or more sent while the kernel's buffer
 * is full and uWS's is empty (its "long send" shortcut; fixed upstream in
 * uNetworking/uWebSockets#1662): the client then reads garbage. The shortcut is skipped for
 * pub/sub subscribers, so a socket subscribes to a topic nothing publishes on before its first
 * such message. Only then: a subscriber's every send takes a slower path (measured: writing to
 * 10,000 subscribed sockets took 95–158 ms, to unsubscribed ones 61–98 ms).
 */
const noShortcutTopic = 'gamifier/unused';
const LONG_SEND_BYTES = 16 * 1024;

/** uWS `send` answers 2 when it dropped the message (its maxBackpressure was exceeded). */
const DROPPED = 2;
/** A WebSocket frame's header is at most this long (server frames are not masked). */
const FRAME_HEADER_BYTES = 10;

/**
 * The connections with output queued in this turn of the event loop. Each is written once (in
 * one `cork` when it has several frames), when the turn's I/O callbacks and their promise
 * reactions are done (`setImmediate` runs right after them): an ack and the push of the same
 * command, or a push to many watchers,
 * leave in one write(2) per socket instead of one per frame. Sends from promise callbacks are
 * outside uWS's own callbacks and so were not corked: one syscall each (measured: 22 % of the
 * server's CPU under load).
 */
class Outbox {
  private readonly queued: UwsConnection[] = [];
  private scheduled = false;
  private readonly flushAll = () => {
    this.scheduled = false;
    const connections = this.queued.splice(0);
    for (const connection of connections) {
      // One socket's fault (uWS throws on a socket it closed without telling us) must not keep
      // the others' output, nor escape this callback and end the process.
      try {
        connection.flush();
      } catch {
        connection.lost();
      }
    }
  };

  add(connection: UwsConnection): void {
    this.queued.push(connection);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushAll);
    }
  }
}

/**
 * The gateway on the uWebSockets.js app that serves the HTTP API (one port for both). uWS's
 * rules stay in here: the request is read during `upgrade` (uWS frees it when the callback
 * returns), a socket is never touched after its close handler ran, output is watched through
 * `getBufferedAmount()` and `drain`.
 *
 * `app.ws(path)` takes precedence over the HTTP router's `app.any('/*')` whichever is registered
 * first (uWS matches static segments before wildcards, and upgrade requests before plain GETs),
 * and a static path is all it needs (this uWS build does not match `:param` patterns). Register it
 * before `app.listen`.
 *
 * @example
 * const gateway = await startGateway(uwsTransport(app), deps);
 */
export function uwsTransport(app: TemplatedApp): Transport {
  let accepting = true;
  const outbox = new Outbox();
  return {
    kind: 'uws',
    async listen(accept, settings: TransportSettings) {
      // uWS drops output silently beyond maxBackpressure; keep its ceiling well above the
      // gateway's own cap (which closes the socket 4002 first) and treat a drop as a slow consumer.
      const maxBackpressure = 2 * settings.maxBufferedBytes + settings.maxMessageBytes;
      app.ws<SocketData>(settings.path, {
        maxPayloadLength: settings.maxMessageBytes,
        maxBackpressure,
        // The session enforces idleness with the protocol's own ping (close 4005).
        idleTimeout: 0,
        sendPingsAutomatically: false,
        upgrade(res, req, context) {
          const key = req.getHeader('sec-websocket-key');
          const offered = req.getHeader('sec-websocket-protocol');
          const extensions = req.getHeader('sec-websocket-extensions');
          if (!accepting) {
            res.writeStatus('503 Service Unavailable').writeHeader('content-type', 'application/json').end(drainingBody);
            return;
          }
          const subprotocol = negotiateSubprotocol(offered === '' ? undefined : offered);
          if (!subprotocol) {
            res.writeStatus('400 Bad Request').writeHeader('content-type', 'application/json').end(unsupportedBody);
            return;
          }
          const remoteAddress = Buffer.from(res.getRemoteAddressAsText()).toString();
          const refusal = settings.admit(remoteAddress);
          if (refusal) {
            // Answered and closed before any WebSocket exists: the descriptor is free at once.
            const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
            res.writeStatus(statusLine(refusal.status)).writeHeader('content-type', 'application/json').end(body, true);
            return;
          }
          const data: SocketData = { subprotocol, remoteAddress, closed: false, handler: undefined };
          // Echo a subprotocol only to a client that offered one (browsers refuse unoffered ones).
          res.upgrade(data, key, offered === '' ? '' : subprotocol, extensions, context);
        },
        open(ws) {
          const data = ws.getUserData();
          data.handler = accept(new UwsConnection(ws, data, outbox, maxBackpressure));
        },
        message(ws, message, isBinary) {
          ws.getUserData().handler?.message(message, isBinary);
        },
        drain(ws) {
          ws.getUserData().handler?.drained();
        },
        ping(ws) {
          ws.getUserData().handler?.heard();
        },
        pong(ws) {
          ws.getUserData().handler?.heard();
        },
        close(ws, code, message) {
          const data = ws.getUserData();
          data.closed = true;
          data.handler?.closed(code, Buffer.from(message).toString());
        },
      });
    },
    stopAccepting() {
      accepting = false;
    },
    async close() {
      // The listening socket belongs to the HTTP server (the composition root closes it).
    },
  };
}

const drainingBody = JSON.stringify({ error: { code: 'RUNTIME_STOPPED', message: 'this node is shutting down; connect to another' } });
const unsupportedBody = JSON.stringify({
  error: { code: 'FRAME_INVALID', message: 'offer the subprotocol gamifier.v1.msgpack or gamifier.v1.json (Sec-WebSocket-Protocol)' },
});

class UwsConnection implements Connection {
  readonly subprotocol: Subprotocol;
  readonly remoteAddress: string;
  private queue: Array<Uint8Array | string> = [];
  private queuedBytes = 0;
  /** Subscribed to `noShortcutTopic`: a message of 16 KiB or more cannot be corrupted. */
  private longSendsSafe = false;

  constructor(
    private readonly ws: WebSocket<SocketData>,
    private readonly data: SocketData,
    private readonly outbox: Outbox,
    private readonly maxBackpressure: number,
  ) {
    this.subprotocol = data.subprotocol;
    this.remoteAddress = data.remoteAddress;
  }

  send(payload: Uint8Array | string): SendResult {
    if (this.data.closed) return 'closed';
    const bytes = (typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength) + FRAME_HEADER_BYTES;
    // What uWS would drop when written: refuse it now, as uWS's own send would.
    if (this.ws.getBufferedAmount() + this.queuedBytes + bytes > this.maxBackpressure) return 'dropped';
    if (this.queue.length === 0) this.outbox.add(this);
    this.queue.push(payload);
    this.queuedBytes += bytes;
    return 'sent';
  }

  bufferedBytes(): number {
    return this.data.closed ? 0 : this.ws.getBufferedAmount() + this.queuedBytes;
  }

  batch(work: () => void): void {
    // Everything sent in this turn goes out in one write already.
    work();
  }

  /** Writes what is queued, in one write. */
  flush(): void {
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    this.queuedBytes = 0;
    if (this.data.closed) return;
    let dropped = false;
    const write = (payload: Uint8Array | string) => {
      if (!this.longSendsSafe && (typeof payload === 'string' ? payload.length * 3 : payload.byteLength) >= LONG_SEND_BYTES) {
        this.ws.subscribe(noShortcutTopic);
        this.longSendsSafe = true;
      }
      if (this.ws.send(payload, typeof payload !== 'string') === DROPPED) dropped = true;
    };
    // A lone frame is one write(2) either way; a cork would only add a call back into JS (a push
    // to 10,000 watchers is 10,000 lone frames).
    if (queue.length === 1) write(queue[0]!);
    else this.ws.cork(() => queue.forEach(write));
    // send() keeps the queue within uWS's ceiling, so this is not expected; if uWS counts
    // otherwise, a frame is lost and the client must not go on as if it were not.
    if (dropped) this.data.handler?.overflowed();
  }

  /** The socket failed under a write: it is treated as closed by the peer. */
  lost(): void {
    if (this.data.closed) return;
    this.data.closed = true;
    this.queue = [];
    this.queuedBytes = 0;
    this.data.handler?.closed(1006, 'write failed');
  }

  close(code: number, reason: string): void {
    if (this.data.closed) return;
    // What was sent before the close (a `bye`, an `err`) goes first. end() runs the close handler
    // at once; uWS then flushes what is buffered, the close frame last, and times the handshake out.
    this.flush();
    this.ws.end(code, reason.slice(0, 120));
  }

  terminate(): void {
    if (!this.data.closed) this.ws.close();
  }
}
