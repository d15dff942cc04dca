import {
  ClientError,
  GamifierClient,
  WEBSOCKET_PATH,
  type ClientCommandType,
  type ClientStatus,
  type CommandInput,
  type CommandResult,
  type WatchItem,
} from '../../protocol/client/index.js';
import type { Session } from './session.js';

/** What a follower of a topic is told: the topic's state (as the SDK holds it) and the item that changed it. */
export interface TopicUpdate {
  state: unknown;
  item?: WatchItem;
  /** Why the watch ended, when the server refused it or the connection ended for good. */
  error?: string;
}

interface SharedTopic {
  followers: Set<(update: TopicUpdate) => void>;
  last: TopicUpdate | undefined;
  close(): void;
}

/**
 * The page's one connection to the server, through the SDK (msgpack over the browser's WebSocket):
 * it reconnects and resumes every watch by itself; the page follows its status and topics. Several
 * views may follow one topic: the connection holds one watch per topic for them all.
 *
 * @example
 * const connection = new GameConnection(session);
 * const stop = connection.follow('user/ada', ({ state }) => render(state));
 * await connection.send({ to: 'user/ada', type: 'water.log', payload: { ml: 250, drankAt: connection.serverNow() } });
 */
export class GameConnection {
  private readonly client: GamifierClient;
  private readonly statusFollowers = new Set<(status: ClientStatus) => void>();
  private readonly topics = new Map<string, SharedTopic>();
  private clockOffset = 0;
  /** Why the connection ended for good (a refused or expired token), once it has. */
  endReason: string | undefined;

  constructor(readonly session: Session) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.client = new GamifierClient({
      url: `${scheme}//${location.host}${WEBSOCKET_PATH}`,
      token: session.token,
      WebSocket: globalThis.WebSocket,
      // A player waits for the game at most 10 s after the server is back (the SDK's default cap is 30 s).
      reconnect: { maxDelayMs: 10_000 },
      newId,
      onStatus: (status) => this.statusChanged(status),
    });
    this.client.opened.catch((error: ClientError) => (this.endReason = `${error.code}: ${error.message}`));
  }

  get status(): ClientStatus {
    return this.client.status;
  }

  /** The server's clock (welcome.serverTime tells how far this one is off): commands' times go by it. */
  serverNow(): number {
    return Date.now() + this.clockOffset;
  }

  onStatus(follower: (status: ClientStatus) => void): () => void {
    this.statusFollowers.add(follower);
    return () => this.statusFollowers.delete(follower);
  }

  send<T extends ClientCommandType>(command: CommandInput<T>): Promise<CommandResult> {
    return this.client.send(command);
  }

  /** Follows a topic until the returned function is called; a follower that comes late is told the state at once. */
  follow(topic: string, follower: (update: TopicUpdate) => void): () => void {
    let shared = this.topics.get(topic);
    if (!shared) shared = this.watch(topic);
    shared.followers.add(follower);
    if (shared.last) follower(shared.last);
    const held = shared;
    return () => {
      held.followers.delete(follower);
      if (held.followers.size === 0 && this.topics.get(topic) === held) {
        this.topics.delete(topic);
        held.close();
      }
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private watch(topic: string): SharedTopic {
    const shared: SharedTopic = { followers: new Set(), last: undefined, close: () => {} };
    const tell = (update: TopicUpdate) => {
      shared.last = update;
      for (const follower of shared.followers) follower(update);
    };
    if (this.client.status === 'closed') {
      // Nothing more comes on a client closed for good: the follower is told why, once.
      shared.last = { state: undefined, error: `CONNECTION_CLOSED: ${this.endReason ?? 'the connection has ended'}` };
      return shared;
    }
    const watch = this.client.watch(topic, {
      onItem: (item) => tell({ state: item.state, item }),
      onEnd: (error) => {
        if (this.topics.get(topic) === shared) this.topics.delete(topic);
        if (error) tell({ state: shared.last?.state, error: `${error.code}: ${error.message}` });
      },
    });
    shared.close = () => watch.close();
    this.topics.set(topic, shared);
    return shared;
  }

  private statusChanged(status: ClientStatus): void {
    const welcome = this.client.welcome;
    if (status === 'open' && welcome) this.clockOffset = welcome.serverTime - Date.now();
    for (const follower of this.statusFollowers) follower(status);
  }
}

/**
 * Ids for commands, meals and challenges, from the platform's random bytes: crypto.randomUUID (the
 * SDK's default) exists only in secure contexts, and a game on a LAN address is served over http.
 */
export function newId(prefix = ''): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return prefix + Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
