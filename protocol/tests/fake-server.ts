import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CloseCode } from '../close-codes.js';
import { createCodec, negotiateSubprotocol, Subprotocol, type Codec } from '../codecs.js';
import { ErrorCode } from '../errors.js';
import {
  answerFrame,
  defaultLimits,
  errFrame,
  parseClientFrame,
  type ClientFrame,
  type CmdFrame,
  type CommandOutcome,
  type Limits,
  type ServerFrame,
  type TopicEvent,
} from '../frames.js';
import { authorizeTopic } from '../topics.js';

/** One client connection as the fake server sees it. */
export interface FakeConnection {
  socket: WebSocket;
  codec: Codec;
  userId?: string;
  topics: Set<string>;
  /** Every frame the client sent on this connection, parsed. */
  received: ClientFrame[];
}

/** What to do with a command: answer it (the default applies it once per id), or not at all. */
export type CommandBehaviour = (frame: CmdFrame, connection: FakeConnection) => 'apply' | 'apply-then-drop' | 'ignore' | CommandOutcome;

/**
 * A small server that speaks the protocol over real sockets, for the SDK's tests: tokens are
 * `token-<userId>`; every topic is a log of events whose version is its length; a command to
 * `user/<id>` appends `test.applied` to that topic, once per command id.
 */
export class FakeServer {
  readonly connections = new Set<FakeConnection>();
  readonly logs = new Map<string, TopicEvent[]>();
  readonly applied = new Map<string, number>();
  private readonly history: FakeConnection[] = [];
  onCommand: CommandBehaviour = () => 'apply';
  limits: Limits = { ...defaultLimits };
  /** How many of the next valid hellos to leave unanswered (a server that hangs). */
  unansweredHellos = 0;

  private constructor(private readonly wss: WebSocketServer) {
    wss.on('connection', (socket) => this.accept(socket));
  }

  static async start(): Promise<FakeServer> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (offered) => negotiateSubprotocol([...offered]) ?? false,
    });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    return new FakeServer(wss);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/`;
  }

  /** Every frame received, on every connection so far, oldest connection first. */
  frames(): ClientFrame[] {
    return this.history.flatMap((connection) => connection.received);
  }

  version(topic: string): number {
    return this.logs.get(topic)?.length ?? 0;
  }

  /** Appends an event to a topic and pushes it to its watchers (unless `silently`: a gap for them). */
  publish(topic: string, event: TopicEvent, options: { silently?: boolean } = {}): number {
    const log = this.logs.get(topic) ?? [];
    this.logs.set(topic, log);
    log.push(event);
    if (!options.silently) this.pushEvent(topic, log.length);
    return log.length;
  }

  /** Sends the event at `version` again to every watcher of the topic (a duplicate for them). */
  pushEvent(topic: string, version: number): void {
    const event = this.logs.get(topic)![version - 1]!;
    for (const connection of this.connections) {
      if (connection.topics.has(topic)) this.send(connection, { t: 'evt', topic, version, event });
    }
  }

  send(connection: FakeConnection, frame: ServerFrame): void {
    connection.socket.send(connection.codec.encode(frame));
  }

  /** Drops every connection without a close handshake (the client sees 1006). */
  dropAll(): void {
    for (const connection of this.connections) connection.socket.terminate();
  }

  /** Says bye and closes every connection with `code`. */
  closeAll(code: CloseCode, reason: string): void {
    for (const connection of this.connections) {
      this.send(connection, { t: 'bye', code, reason });
      connection.socket.close(code, reason);
    }
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const subprotocol = socket.protocol === '' ? Subprotocol.msgpack : (socket.protocol as Subprotocol);
    const connection: FakeConnection = { socket, codec: createCodec(subprotocol), topics: new Set(), received: [] };
    this.connections.add(connection);
    this.history.push(connection);
    socket.on('close', () => this.connections.delete(connection));
    socket.on('message', (data: RawData, isBinary) => {
      if (isBinary !== connection.codec.binary) return this.send(connection, errFrame({ code: ErrorCode.FRAME_INVALID, message: 'wrong kind of message' }));
      const decoded = connection.codec.decode(data);
      const parsed = decoded.ok ? parseClientFrame(decoded.value) : decoded;
      if (!parsed.ok) return this.send(connection, errFrame(parsed));
      connection.received.push(parsed.value);
      this.handle(connection, parsed.value);
    });
  }

  private handle(connection: FakeConnection, frame: ClientFrame): void {
    if (frame.t === 'hello') {
      if (!frame.token.startsWith('token-')) {
        this.send(connection, errFrame({ code: ErrorCode.AUTH_INVALID, message: 'not a token of this server' }));
        this.send(connection, { t: 'bye', code: CloseCode.AUTH_FAILED, reason: 'authentication failed' });
        connection.socket.close(CloseCode.AUTH_FAILED, 'authentication failed');
        return;
      }
      if (this.unansweredHellos > 0) {
        this.unansweredHellos--;
        return;
      }
      connection.userId = frame.token.slice('token-'.length);
      this.send(connection, { t: 'welcome', userId: connection.userId, node: 'fake', serverTime: Date.now(), limits: this.limits });
      return;
    }
    if (!connection.userId) return this.send(connection, errFrame({ code: ErrorCode.HELLO_REQUIRED, message: 'say hello first' }));
    switch (frame.t) {
      case 'ping':
        return this.send(connection, frame.n === undefined ? { t: 'pong', serverTime: Date.now() } : { t: 'pong', n: frame.n, serverTime: Date.now() });
      case 'unsub':
        connection.topics.delete(frame.topic);
        return;
      case 'sub':
        return this.subscribe(connection, frame.topic, frame.fromVersion);
      case 'cmd':
        return this.command(connection, frame);
    }
  }

  /** A sub (or a re-sub, which replaces the subscription): the events after fromVersion, or a snap; then live. */
  private subscribe(connection: FakeConnection, topic: string, fromVersion: number | undefined): void {
    const allowed = authorizeTopic(connection.userId!, topic);
    if (!allowed.ok) return this.send(connection, errFrame({ ...allowed, topic }));
    connection.topics.add(topic);
    const version = this.version(topic);
    if (fromVersion === undefined || fromVersion > version) {
      return this.send(connection, { t: 'snap', topic, version, state: { events: version } });
    }
    const log = this.logs.get(topic) ?? [];
    for (let v = fromVersion + 1; v <= version; v++) this.send(connection, { t: 'evt', topic, version: v, event: log[v - 1]! });
  }

  private command(connection: FakeConnection, frame: CmdFrame): void {
    const behaviour = this.onCommand(frame, connection);
    if (behaviour === 'ignore') return;
    if (typeof behaviour === 'object') return this.send(connection, answerFrame(frame.id, behaviour));
    const seen = this.applied.get(frame.id);
    const version = seen ?? this.publish(frame.to, { type: 'test.applied', data: { id: frame.id } });
    this.applied.set(frame.id, version);
    if (behaviour === 'apply-then-drop') return connection.socket.terminate();
    this.send(connection, answerFrame(frame.id, { status: 'ok', version, duplicate: seen !== undefined }));
  }
}
