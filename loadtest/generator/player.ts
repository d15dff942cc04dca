import WebSocket from 'ws';
import {
  ErrorCode,
  GamifierClient,
  type ClientCommandType,
  type ClientStatus,
  type CommandInput,
  type CommandResult,
  type Watch,
  type WatchItem,
} from '../../protocol/client/index.js';
import { commandId, sentAtOf } from './ids.js';
import { epochNow, type SecondBuckets } from './metrics.js';

export interface PlayerSettings {
  userId: string;
  /** Fetches the player's token (before every connection). */
  token: () => Promise<string>;
  /** `ws://host:port/v1/ws`. */
  socketUrl: string;
  protocol: 'msgpack' | 'json';
  commandTimeoutMs: number;
  /** Unique to this player in this run: command ids start with it. */
  idPrefix: string;
}

export interface PlayerContext {
  metrics: SecondBuckets;
  /** An error worth failing the run for: a code, and a message for the summary. */
  error(code: string, message: string): void;
  /** A push arrived (the worker waits for quiet before it counts what is missing). */
  heard(): void;
}

/** What a player's watches saw, counted once the load is over. */
export interface PlayerFigures {
  /** Events of the player's own topic acknowledged to it but never delivered to its watch. */
  missed: number;
  /** Events the server sent again although their version had been delivered. */
  duplicated: number;
  /** Events that arrived beyond the next version (a missed one, which the SDK then asked for again). */
  gaps: number;
  /** Snaps after the first one of a watch (a resume the server answered with the whole state). */
  resnaps: number;
  /** The version the challenge watch ended at, if the player watched one. */
  challenge?: { id: string; version: number };
}

/**
 * One simulated player: a connection through the SDK, its watches, and the timing of what it
 * does. Command → ack is timed from the send; command → push by matching the ack's version with
 * the event of that version on the player's own `user/` watch (whichever comes first); command →
 * ranking update from the send time carried in the command id (ids.ts).
 */
export class Player {
  client: GamifierClient | undefined;
  private socket: WebSocket | undefined;
  private userWatch: Watch | undefined;
  private challengeWatch: Watch | undefined;
  private challengeId: string | undefined;
  private seq = 0;
  private closing = false;
  /** The highest version of `user/<id>` an ack reported. */
  private ackedVersion = 0;
  /** Acked versions whose event has not been pushed yet → when their command was sent. */
  private readonly awaitingPush = new Map<number, number>();
  /** Versions pushed before their ack → when they arrived. */
  private readonly pushedEarly = new Map<number, number>();
  private snaps = { user: 0, challenge: 0 };
  /** When the current connection was welcomed (epoch ms): what was sent before it crossed a reconnection. */
  private connectedAt = Infinity;
  /** Welcomes so far: the connection a command went out on. */
  private connection = 0;
  /** Commands on the wire (sent on an open connection, not answered yet). */
  private inFlight = 0;
  /** A wave asked for a drop: cut the connection as soon as the next command is on the wire. */
  private cutOnSend = false;

  constructor(
    readonly settings: PlayerSettings,
    private readonly context: PlayerContext,
  ) {}

  get userTopic(): string {
    return `user/${this.settings.userId}`;
  }

  get status(): ClientStatus | 'idle' {
    return this.client?.status ?? 'idle';
  }

  /** Connects and waits for the welcome until `deadline` (epoch ms); false (and an error counted) if it did not come. */
  async connect(deadline: number): Promise<boolean> {
    const player = this;
    // The SDK takes the WebSocket class: this one remembers its socket, so that a wave can drop it.
    class TrackedWebSocket extends WebSocket {
      constructor(url: string, protocols: string | string[]) {
        super(url, protocols, { perMessageDeflate: false });
        player.socket = this;
      }
    }
    let previous: ClientStatus = 'connecting';
    const client = new GamifierClient({
      url: this.settings.socketUrl,
      token: this.settings.token,
      WebSocket: TrackedWebSocket,
      protocol: this.settings.protocol,
      commandTimeoutMs: this.settings.commandTimeoutMs,
      onStatus: (status) => {
        if (status === 'open') {
          this.connection++;
          this.connectedAt = epochNow();
          this.context.metrics.count('connects');
        }
        if (previous === 'open' && status !== 'open' && !this.closing) this.context.metrics.count('drops');
        previous = status;
      },
      onError: ({ code, message }) => this.context.error(code, `${this.settings.userId}: ${message}`),
    });
    this.client = client;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, deadline - epochNow()))));
    try {
      const outcome = await Promise.race([client.opened.then(() => 'open' as const), late]);
      if (outcome === 'open') return true;
      this.context.error('CONNECT_TIMEOUT', `${this.settings.userId}: no welcome before the end of the load`);
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      this.context.error(code ?? 'CONNECT_FAILED', `${this.settings.userId}: ${message}`);
    } finally {
      clearTimeout(timer);
    }
    await this.close();
    return false;
  }

  /** Watches the player's own topic, timing each command's push. */
  watchOwn(): void {
    this.userWatch = this.watch(this.userTopic, (item) => this.ownItem(item));
  }

  /** Watches a challenge, timing every ranking update from the command that caused it. */
  watchChallenge(challengeId: string): void {
    this.challengeId = challengeId;
    this.challengeWatch = this.watch(`challenge/${challengeId}`, (item) => this.challengeItem(item));
  }

  /**
   * Sends a command to the player's own actor (or to `to`) and times it. A refusal whose rule is
   * in `tolerated` (registering a player a previous run registered) is not an error.
   */
  async command<T extends ClientCommandType>(
    type: T,
    payload: CommandInput<T>['payload'],
    options: { to?: string; tolerated?: readonly string[] } = {},
  ): Promise<CommandResult | undefined> {
    const client = this.client;
    if (!client || client.status === 'closed') return undefined;
    const to = options.to ?? this.userTopic;
    const sentAt = epochNow();
    const id = commandId(this.settings.idPrefix, ++this.seq, sentAt);
    this.context.metrics.count('sent', 1, sentAt);
    // On the wire now if the connection is open (the SDK writes at once); else it waits for one.
    const sentOn = client.status === 'open' ? this.connection : undefined;
    const answer = client.send({ id, to, type, payload } as CommandInput<T>);
    if (sentOn !== undefined) this.inFlight++;
    if (this.cutOnSend && sentOn !== undefined) this.drop();
    const result = await answer;
    if (sentOn !== undefined) this.inFlight--;
    const answeredAt = epochNow();
    // Answered on a later connection than it went out on: the drop caught it in flight and the
    // SDK sent it again, with the same id, after the welcome.
    const local = result.status === 'error' && (result.code === ErrorCode.COMMAND_TIMEOUT || result.code === ErrorCode.CONNECTION_CLOSED);
    const resent = sentOn !== undefined && this.connection > sentOn && !local;
    if (resent) {
      this.context.metrics.count('resent', 1, answeredAt);
      if (result.status === 'ok' && result.duplicate) this.context.metrics.count('resentApplied', 1, answeredAt);
    }
    if (result.status === 'ok') {
      this.context.metrics.count('acked', 1, answeredAt);
      this.context.metrics.latency(this.across(sentAt) ? 'resumed' : 'ack', answeredAt - sentAt, answeredAt);
      if (to === this.userTopic) this.acked(result.version, sentAt);
      return result;
    }
    if (this.closing && result.code === ErrorCode.CONNECTION_CLOSED) return result;
    if (result.reason !== undefined && options.tolerated?.includes(result.reason)) return result;
    this.context.metrics.count('errors', 1, answeredAt);
    this.context.error(result.code, `${type} → ${to}: ${result.reason ? `${result.reason}: ` : ''}${result.message}`);
    return result;
  }

  /** Drops the connection without a close handshake, as a lost network would (the SDK sees 1006 and resumes). */
  drop(): boolean {
    this.cutOnSend = false;
    if (this.client?.status !== 'open' || !this.socket) return false;
    this.socket.terminate();
    return true;
  }

  /**
   * Drops the connection while a command is in flight: at once if one is on the wire, else right
   * after the next command goes out (the player's next turn). False if the connection is not open.
   */
  dropInFlight(): boolean {
    if (this.client?.status !== 'open' || !this.socket) return false;
    if (this.inFlight > 0) return this.drop();
    this.cutOnSend = true;
    return true;
  }

  /** True once the own watch has delivered every version an ack reported. */
  caughtUp(): boolean {
    return (this.userWatch?.version ?? 0) >= this.ackedVersion;
  }

  figures(): PlayerFigures {
    const watches = [this.userWatch, this.challengeWatch].filter((watch): watch is Watch => watch !== undefined);
    const figures: PlayerFigures = {
      missed: this.userWatch ? Math.max(0, this.ackedVersion - (this.userWatch.version ?? 0)) : 0,
      duplicated: watches.reduce((sum, watch) => sum + watch.stats.duplicates, 0),
      gaps: watches.reduce((sum, watch) => sum + watch.stats.gaps, 0),
      resnaps: Math.max(0, this.snaps.user - 1) + Math.max(0, this.snaps.challenge - 1),
    };
    if (this.challengeId !== undefined) figures.challenge = { id: this.challengeId, version: this.challengeWatch?.version ?? 0 };
    return figures;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client?.close();
  }

  private watch(topic: string, onItem: (item: WatchItem) => void): Watch | undefined {
    const client = this.client;
    if (!client || client.status === 'closed') return undefined;
    return client.watch(topic, {
      onItem,
      onEnd: (error) => {
        if (error && !this.closing) this.context.error(error.code, `watch ${topic} ended: ${error.message}`);
      },
    });
  }

  /** True when the connection now open came after `sentAt`: a drop came between. */
  private across(sentAt: number): boolean {
    return this.connectedAt > sentAt;
  }

  private acked(version: number, sentAt: number): void {
    this.ackedVersion = Math.max(this.ackedVersion, version);
    const pushedAt = this.pushedEarly.get(version);
    if (pushedAt !== undefined) {
      this.pushedEarly.delete(version);
      this.context.metrics.latency(this.across(sentAt) ? 'resumed' : 'push', pushedAt - sentAt, pushedAt);
      return;
    }
    // Already delivered without a push of its own (no event, or inside a snap): nothing to time.
    if ((this.userWatch?.version ?? 0) >= version) return;
    this.awaitingPush.set(version, sentAt);
  }

  private ownItem(item: WatchItem): void {
    const at = epochNow();
    if (item.kind === 'snap') {
      this.snaps.user++;
      for (const version of this.awaitingPush.keys()) if (version <= item.version) this.awaitingPush.delete(version);
      return;
    }
    this.context.metrics.count('pushes', 1, at);
    this.context.heard();
    const sentAt = this.awaitingPush.get(item.version);
    if (sentAt !== undefined) {
      this.awaitingPush.delete(item.version);
      this.context.metrics.latency(this.across(sentAt) ? 'resumed' : 'push', at - sentAt, at);
      return;
    }
    this.pushedEarly.set(item.version, at);
    // Events no command of ours will claim (a system command's) must not pile up.
    if (this.pushedEarly.size > 64) this.pushedEarly.delete(this.pushedEarly.keys().next().value!);
  }

  private challengeItem(item: WatchItem): void {
    if (item.kind === 'snap') {
      this.snaps.challenge++;
      return;
    }
    const at = epochNow();
    this.context.metrics.count('pushes', 1, at);
    this.context.metrics.count('rankingUpdates', 1, at);
    this.context.heard();
    if (item.event.type !== 'challenge.progress.recorded') return;
    const sentAt = sentAtOf((item.event.data as { sourceEventId?: unknown } | null)?.sourceEventId);
    if (sentAt !== undefined) this.context.metrics.latency(this.across(sentAt) ? 'resumed' : 'ranking', at - sentAt, at);
  }
}
