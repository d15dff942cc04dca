// A steady load of SDK players spread over node processes, as behind a load balancer, keeping
// every command's outcome and every push each player's watch delivered.
import WebSocket from 'ws';
import { ErrorCode, GamifierClient, type CommandResult, type WatchItem } from '../../protocol/client/index.js';
import type { PointsSeen } from './log-scan.js';

/** One command of the load, from its first send to its final outcome. */
export interface LoadCommand {
  id: string;
  userId: string;
  type: 'user.register' | 'goal.set' | 'water.log' | 'meal.log';
  /** Epoch ms of the first send. */
  sentAt: number;
  /** The node (HTTP base URL) the player's connection was on at the first send. */
  node: string | undefined;
  /** Sends with this id: 1 + the retries after retryable codes. */
  attempts: number;
  /** The retryable errors answered before the final outcome, with when (epoch ms). */
  retried: Array<{ code: string; at: number }>;
  /** `abandoned`: still unanswered (or still being retried) when the load stopped: outcome unknown. */
  outcome: 'pending' | 'ok' | 'failed' | 'abandoned';
  /** The actor's stream version after the command (ok). */
  version?: number;
  /** The final error code (failed, abandoned). */
  code?: string;
  /** Epoch ms of the final outcome. */
  answeredAt?: number;
  /** From the first send to the final outcome, ms. */
  latencyMs?: number;
}

/** One item a player's `user/<id>` watch delivered. */
export interface Push {
  kind: 'snap' | 'evt';
  version: number;
  /** Epoch ms. */
  at: number;
  /** The event's type (evt). */
  type?: string;
  /** Points: the view's total (snap) or the amount earned (a `points.earned` evt). */
  points?: number;
}

export interface PlayerLoadOptions {
  /**
   * HTTP base URLs of the nodes players may connect to, asked at every (re)connection: give
   * `() => fleet.urls()` so that players go only to serving nodes.
   */
  urls: () => readonly string[];
  players: number;
  /** User ids are `<prefix><index>` (default: a random prefix unique to the load). */
  prefix?: string;
  /** Each player sends one command per interval (default 1,000 ms), starting at a random phase. */
  intervalMs?: number;
  /** How long a command is sent again after retryable codes before it counts as failed (default 30 s). */
  retryForMs?: number;
  /** The SDK's wait for one answer (default 5 s), after which the command is sent again with its id. */
  commandTimeoutMs?: number;
  /** The SDK pings this often; two silent intervals end a connection (default 2 s: a stopped node is left within ~4–6 s). */
  pingIntervalMs?: number;
  /** How long `start` may take to connect and register everybody (default 60 s). */
  startTimeoutMs?: number;
}

export interface LoadSummary {
  sent: number;
  ok: number;
  failed: number;
  abandoned: number;
  /** Final failures by code. */
  failures: Record<string, number>;
  /** Retryable errors seen along the way (each retried), by code. */
  retries: Record<string, number>;
  /** Acknowledged per second over the window. */
  commandsPerSecond: number;
  /** First send → ack of the acknowledged commands, ms. */
  p50: number;
  p99: number;
  max: number;
}

export interface PushReport {
  /** Players whose watch delivered a version at or below one it had delivered (a duplicate). */
  duplicates: Array<{ userId: string; version: number; after: number }>;
  /** Events delivered beyond the next version (a gap left open). */
  outOfOrder: Array<{ userId: string; version: number; after: number }>;
  /** Players whose watch ended below the highest version an ack reported to them. */
  missed: Array<{ userId: string; acked: number; delivered: number }>;
  /** What the SDK saw on the wire and repaired: events dropped as duplicates, gaps it re-subscribed for. */
  repaired: { duplicates: number; gaps: number };
  /** Snaps after each watch's first (resumes the server answered with the whole state). */
  resnaps: number;
}

/**
 * Codes after which the load sends a command again with the same id itself. The SDK retries every
 * retryable answer of the server (protocol/errors.ts `retryableCodes`: a shard moving, a node
 * stopping, the database away, a rate limit…) within its budget, so an answer of one of those
 * here is a failure the players would see. What is left is the SDK giving up waiting for an
 * answer: the outcome is unknown, and a client resends with the same id.
 */
export const retryableCodes: ReadonlySet<string> = new Set([ErrorCode.COMMAND_TIMEOUT]);

const registerRefusal = 'USER_ALREADY_REGISTERED';

class LoadPlayer {
  client: GamifierClient | undefined;
  /** The node of the current (or last) connection. */
  node: string | undefined;
  connections = 0;
  seq = 0;
  ackedVersion = 0;
  readonly pushes: Push[] = [];
  watchStats: { duplicates: number; gaps: number } | undefined;
  watchVersion = 0;

  constructor(
    readonly index: number,
    readonly userId: string,
  ) {}
}

/**
 * N players, each with its own SDK client (MessagePack over `ws`) in this process: each logs in
 * with a dev token, registers, sets a goal, watches its own `user/<id>`, then sends a meal or a
 * water log about once a second. A player's first connection goes to node `index mod n`; after a
 * lost connection it connects to another serving node. Retryable codes are retried with the
 * same id for `retryForMs`; what is left is a failure, counted by code.
 *
 * @example
 * const load = await PlayerLoad.start({ urls: () => fleet.urls(), players: 60 });
 * await sleep(10_000);
 * await load.stop();
 * expect(load.summary().failures).toEqual({});
 * expect(load.pushReport()).toMatchObject({ duplicates: [], outOfOrder: [], missed: [] });
 */
export class PlayerLoad {
  readonly commands: LoadCommand[] = [];
  readonly players: LoadPlayer[];
  private running = true;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private loops: Promise<void>[] = [];
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve(): void }>();
  private readonly interval: number;
  private readonly retryForMs: number;

  private constructor(private readonly options: PlayerLoadOptions) {
    const prefix = options.prefix ?? `p${Math.random().toString(36).slice(2, 7)}-`;
    this.players = Array.from({ length: options.players }, (_, index) => new LoadPlayer(index, `${prefix}${index}`));
    this.interval = options.intervalMs ?? 1_000;
    this.retryForMs = options.retryForMs ?? 30_000;
  }

  /** Connects, registers and watches every player (bounded), then starts the steady load. */
  static async start(options: PlayerLoadOptions): Promise<PlayerLoad> {
    const load = new PlayerLoad(options);
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    try {
      await inBatches(load.players, 50, (player) => load.join(player, deadline));
    } catch (error) {
      await load.stop({ drainMs: 0, settleMs: 0 });
      throw error;
    }
    load.loops = load.players.map((player) => load.play(player));
    return load;
  }

  /**
   * Ends the load within about `drainMs + settleMs + 5 s`: no new command is sent; commands in
   * flight get `drainMs` (default 10 s) to reach an outcome (then count as abandoned); watches get
   * `settleMs` (default 5 s) to deliver every acknowledged version; then every socket is closed.
   */
  stop(options: { drainMs?: number; settleMs?: number } = {}): Promise<void> {
    this.stopped ??= this.end(options);
    return this.stopped;
  }

  private async end(options: { drainMs?: number; settleMs?: number }): Promise<void> {
    this.running = false;
    for (const sleeper of this.sleepers) (clearTimeout(sleeper.timer), sleeper.resolve());
    this.sleepers.clear();
    const drained = Promise.all(this.loops);
    await Promise.race([drained, delay(options.drainMs ?? 10_000)]);
    this.stopping = true; // retries still going give up now
    const settleUntil = Date.now() + (options.settleMs ?? 5_000);
    while (Date.now() < settleUntil && this.players.some((player) => player.watchVersion < player.ackedVersion)) await delay(50);
    await Promise.race([Promise.all(this.players.map((player) => player.client?.close())), delay(5_000)]);
    for (const command of this.commands) {
      if (command.outcome === 'pending') Object.assign(command, { outcome: 'abandoned', code: command.code ?? 'UNANSWERED' });
    }
  }

  /** Commands sent in [from, to) (epoch ms of the first send; default everything), summarised. */
  summary(window: { from?: number; to?: number } = {}): LoadSummary {
    const from = window.from ?? -Infinity;
    const to = window.to ?? Infinity;
    const chosen = this.commands.filter((command) => command.sentAt >= from && command.sentAt < to);
    const acked = chosen.filter((command) => command.outcome === 'ok');
    const latencies = acked.map((command) => command.latencyMs!).sort((a, b) => a - b);
    const span = (Math.min(to, Date.now()) - Math.max(from, chosen[0]?.sentAt ?? 0)) / 1_000;
    const failures: Record<string, number> = {};
    const retries: Record<string, number> = {};
    for (const command of chosen) {
      if (command.outcome === 'failed') failures[command.code!] = (failures[command.code!] ?? 0) + 1;
      for (const { code } of command.retried) retries[code] = (retries[code] ?? 0) + 1;
    }
    return {
      sent: chosen.length,
      ok: acked.length,
      failed: chosen.filter((command) => command.outcome === 'failed').length,
      abandoned: chosen.filter((command) => command.outcome === 'abandoned').length,
      failures,
      retries,
      commandsPerSecond: span > 0 ? acked.length / span : NaN,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
    };
  }

  /** The acknowledged commands. */
  acknowledged(): LoadCommand[] {
    return this.commands.filter((command) => command.outcome === 'ok');
  }

  /** What each player's watch delivered, checked: in order, once, nothing acknowledged missing. */
  pushReport(): PushReport {
    const report: PushReport = { duplicates: [], outOfOrder: [], missed: [], repaired: { duplicates: 0, gaps: 0 }, resnaps: 0 };
    for (const player of this.players) {
      let last: number | undefined;
      let snaps = 0;
      for (const push of player.pushes) {
        if (push.kind === 'snap') {
          snaps++;
          // A snap may jump ahead (a resume the server answered with the state), never back.
          if (last !== undefined && push.version < last) report.duplicates.push({ userId: player.userId, version: push.version, after: last });
          last = push.version;
          continue;
        }
        if (last !== undefined && push.version <= last) report.duplicates.push({ userId: player.userId, version: push.version, after: last });
        else if (last === undefined || push.version > last + 1) report.outOfOrder.push({ userId: player.userId, version: push.version, after: last ?? 0 });
        last = push.version;
      }
      if ((last ?? 0) < player.ackedVersion) report.missed.push({ userId: player.userId, acked: player.ackedVersion, delivered: last ?? 0 });
      report.resnaps += Math.max(0, snaps - 1);
      report.repaired.duplicates += player.watchStats?.duplicates ?? 0;
      report.repaired.gaps += player.watchStats?.gaps ?? 0;
    }
    return report;
  }

  /** Each player's points as their screen shows them (the last snap's, plus the `points.earned` pushed after it), and the version it had reached. */
  livePoints(): Map<string, PointsSeen> {
    const points = new Map<string, PointsSeen>();
    for (const player of this.players) {
      let total: number | undefined;
      let atVersion = 0;
      for (const push of player.pushes) {
        if (push.kind === 'snap') total = push.points ?? 0;
        else if (total !== undefined && push.points !== undefined) total += push.points;
        atVersion = Math.max(atVersion, push.version);
      }
      if (total !== undefined) points.set(player.userId, { points: total, atVersion });
    }
    return points;
  }

  /** How many players are connected now, by node. */
  connectedByNode(): Record<string, number> {
    const byNode: Record<string, number> = {};
    for (const player of this.players) {
      if (player.client?.status === 'open' && player.node) byNode[player.node] = (byNode[player.node] ?? 0) + 1;
    }
    return byNode;
  }

  private async join(player: LoadPlayer, deadline: number): Promise<void> {
    const token = await this.devToken(player, deadline);
    const load = this;
    // The SDK takes the WebSocket class: this one ignores the SDK's URL and asks the load balancer.
    class BalancedWebSocket extends WebSocket {
      constructor(_url: string, protocols: string | string[]) {
        const url = load.pick(player);
        super(`${url.replace(/^http/, 'ws')}/v1/ws`, protocols, { perMessageDeflate: false });
        player.node = url;
        player.connections++;
      }
    }
    const client = new GamifierClient({
      url: 'ws://chosen-per-connection/v1/ws',
      token,
      WebSocket: BalancedWebSocket,
      commandTimeoutMs: this.options.commandTimeoutMs ?? 5_000,
      pingIntervalMs: this.options.pingIntervalMs ?? 2_000,
      connectTimeoutMs: 5_000,
      reconnect: { initialDelayMs: 100, maxDelayMs: 2_000 },
    });
    player.client = client;
    const opened = await Promise.race([client.opened.then(() => true), delay(deadline - Date.now()).then(() => false)]);
    if (!opened) throw new Error(`${player.userId}: no welcome from ${player.node} in time`);
    await this.command(player, 'user.register', { displayName: player.userId, timezone: 'UTC' }, 'register');
    await this.command(player, 'goal.set', { calories: 2_000, proteinG: 100, carbsG: 250, fatG: 70, waterMl: 1_500 }, 'goal');
    const watch = client.watch(`user/${player.userId}`, { onItem: (item) => this.delivered(player, item) });
    player.watchStats = watch.stats;
  }

  private async devToken(player: LoadPlayer, deadline: number): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const urls = this.options.urls();
      const url = urls[(player.index + attempt) % Math.max(1, urls.length)];
      try {
        if (!url) throw new Error('no serving node');
        const response = await fetch(`${url}/v1/auth/dev-token`, {
          method: 'POST',
          body: JSON.stringify({ userId: player.userId }),
          signal: AbortSignal.timeout(5_000),
        });
        if (response.ok) return ((await response.json()) as { token: string }).token;
        throw new Error(`${response.status} ${await response.text()}`);
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${player.userId}: no dev token: ${(error as Error).message}`);
        await delay(200);
      }
    }
  }

  /** The node for a new connection: the player's own first, then another serving node than the one just lost. */
  private pick(player: LoadPlayer): string {
    const urls = this.options.urls();
    if (urls.length === 0) return player.node ?? 'http://127.0.0.1:1';
    if (player.connections === 0) return urls[player.index % urls.length]!;
    const others = urls.filter((url) => url !== player.node);
    const choices = others.length > 0 ? others : urls;
    return choices[(player.index + player.connections) % choices.length]!;
  }

  private delivered(player: LoadPlayer, item: WatchItem): void {
    player.watchVersion = item.version;
    const push: Push = { kind: item.kind, version: item.version, at: Date.now() };
    if (item.kind === 'snap') push.points = (item.state as { points?: number } | undefined)?.points ?? 0;
    else {
      push.type = item.event.type;
      if (item.event.type === 'points.earned') push.points = (item.event.data as { amount: number }).amount;
    }
    player.pushes.push(push);
  }

  private async play(player: LoadPlayer): Promise<void> {
    let next = Date.now() + Math.random() * this.interval;
    while (this.running) {
      await this.sleep(next - Date.now());
      if (!this.running) return;
      next = Math.max(next + this.interval, Date.now());
      const seq = ++player.seq;
      if (seq % 2 === 1) {
        const food = { name: 'oats', quantity: 100, unit: 'g', calories: 380, proteinG: 13, carbsG: 67, fatG: 7 };
        await this.command(player, 'meal.log', { mealId: `m${seq}`, mealType: 'snack', eatenAt: Date.now(), foods: [food] }, String(seq));
      } else {
        await this.command(player, 'water.log', { ml: 250, drankAt: Date.now() }, String(seq));
      }
    }
  }

  /** Sends one command, again with the same id after each retryable code, and records what became of it. */
  private async command(player: LoadPlayer, type: LoadCommand['type'], payload: unknown, suffix: string): Promise<void> {
    const record: LoadCommand = {
      id: `${player.userId}-${suffix}`,
      userId: player.userId,
      type,
      sentAt: Date.now(),
      node: player.node,
      attempts: 0,
      retried: [],
      outcome: 'pending',
    };
    this.commands.push(record);
    const started = performance.now();
    const client = player.client!;
    for (let backoff = 100; ; backoff = Math.min(1_000, backoff * 2)) {
      record.attempts++;
      const result: CommandResult = await client.send({ id: record.id, to: `user/${player.userId}`, type, payload } as never);
      const now = Date.now();
      const settled = result.status === 'ok' || (type === 'user.register' && result.reason === registerRefusal);
      if (settled) {
        Object.assign(record, { outcome: 'ok', answeredAt: now, latencyMs: performance.now() - started });
        if (result.status === 'ok') {
          record.version = result.version;
          player.ackedVersion = Math.max(player.ackedVersion, result.version);
        }
        return;
      }
      if (result.status !== 'error') return;
      const retry = retryableCodes.has(result.code) && now - record.sentAt < this.retryForMs && !this.stopping;
      if (!retry) {
        // Closed by the load's own stop, or given up at stop: the outcome is unknown, not a failure.
        const unknown = this.stopping && (result.code === ErrorCode.CONNECTION_CLOSED || retryableCodes.has(result.code));
        Object.assign(record, { outcome: unknown ? 'abandoned' : 'failed', code: result.code, answeredAt: now, latencyMs: performance.now() - started });
        return;
      }
      record.retried.push({ code: result.code, at: now });
      await delay(backoff);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { timer: setTimeout(() => (this.sleepers.delete(sleeper), resolve()), ms), resolve };
      this.sleepers.add(sleeper);
    });
  }
}

async function inBatches<T>(items: readonly T[], size: number, each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
