import WebSocket from 'ws';
import { GamifierClient } from '../../protocol/client/index.js';
import { Auth } from '../../server/auth.js';
import { developmentSecrets } from '../../server/config.js';
import type { ErrorTally } from '../generator/messages.js';
import { epochNow } from '../generator/metrics.js';
import { CpuMeter } from './machine.js';
import { Fleet } from './push-fleet.js';
import type { PushPlan, WatcherClient } from './push-messages.js';
import type { FanoutOrder } from './push-fanout-server.js';
import { postgresPids, ProcessCpu, startBareServer, startGamifier, type ChildServer } from './push-processes.js';
import { median } from './stats.js';

export interface PushSettings {
  databaseUrl: string;
  clients: number;
  watchers: number;
  /** Measured seconds of each closed loop, after `warmupS`. */
  seconds: number;
  warmupS: number;
  /** Client worker processes. */
  workers: number;
  /** Leaderboard changes timed in (c). */
  rounds: number;
  /** Commands a second each client of (b) and (d) sends at most (0: as fast as acks come back). */
  pacePerSecond: number;
  /** What watches in (c): lean clients on a bare socket (wire) or on ws (lean), or the SDK. */
  watcherClient: WatcherClient;
  /** A fresh schema per server, dropped by the caller afterwards. */
  schema(key: string): string;
}

/** CPU time over wall time in the measured span (1 = one core), per process or group. */
export interface CpuShares {
  workers: number[];
  server: number;
  postgres: number;
  /** This coordinating process (in (c) it holds the clients that change the leaderboard). */
  bench: number;
  /** All cores, whoever used them (1 = every core busy). */
  machine: number;
  /** The span measured, ms. */
  wallMs: number;
}

export interface LoopResult {
  kind: 'loop';
  perSecond: number;
  ack: { p50: number; p99: number };
  /** Command → its own event; NaN for the echo. */
  push: { p50: number; p99: number };
  connected: number;
  failed: number;
  errors: ErrorTally;
  cpu: CpuShares;
  /** Each measured second: acks and their p99 (ms), to tell a steady tail from a burst. */
  seconds: Array<{ acked: number; ackP99: number }>;
}

export interface FanoutRound {
  /** The first round: it runs the fan-out path cold (its code not yet optimised); not in the medians. */
  warmup: boolean;
  /** From sending the command to its ack, to the first watcher's push, to the last one's (ms). */
  ackMs: number;
  firstMs: number;
  lastMs: number;
  /** Watchers that got the push (of `connected`). */
  received: number;
  /** CPU time from the command until the last watcher had the push (/proc's 10 ms ticks for the server). */
  serverCpuMs: number;
  clientsCpuMs: number;
}

export interface FanoutResult {
  kind: 'fanout';
  rounds: FanoutRound[];
  connected: number;
  failed: number;
  cpu: CpuShares;
}

export type PushResult = LoopResult | FanoutResult;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Splits `items` round-robin into `parts` lists. */
function deal<T>(items: readonly T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, part) => items.filter((_, i) => i % parts === part));
}

/** Starts metering every process of the run; `stop` gives their shares over the span. */
function meterCpu(fleet: Fleet, server: ChildServer) {
  fleet.cpuStart();
  const processes = ProcessCpu.start({ server: [server.pid], postgres: postgresPids() });
  const bench = CpuMeter.start();
  const startedAt = performance.now();
  return {
    async stop(): Promise<CpuShares> {
      const workers = await fleet.cpuStop();
      const shares = processes.stop();
      const own = bench.stop();
      const wallMs = performance.now() - startedAt;
      return { workers, server: shares.server!, postgres: shares.postgres!, bench: own.process, machine: own.machine, wallMs };
    },
  };
}

/** The shares of several spans as one: CPU time over wall time, summed. */
function combine(spans: readonly CpuShares[]): CpuShares {
  const wallMs = spans.reduce((total, span) => total + span.wallMs, 0);
  const share = (pick: (span: CpuShares) => number) => spans.reduce((total, span) => total + pick(span) * span.wallMs, 0) / wallMs;
  return {
    workers: (spans[0]?.workers ?? []).map((_, i) => share((span) => span.workers[i]!)),
    server: share((span) => span.server),
    postgres: share((span) => span.postgres),
    bench: share((span) => span.bench),
    machine: share((span) => span.machine),
    wallMs,
  };
}

/**
 * Waits until every read model has applied the whole log (`GET /v1/admin/projections`), so that
 * the measured window starts on a server at rest: the clients' registrations just before it are
 * setup, and a server still digesting them would add its catch-up to the window's first seconds.
 */
async function readModelsCaughtUp(server: ChildServer, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`http://127.0.0.1:${server.port}/v1/admin/projections`, {
      headers: { authorization: `Bearer ${developmentSecrets.adminToken}` },
    });
    if (!response.ok) throw new Error(`GET /v1/admin/projections answered ${response.status}: ${await response.text()}`);
    const { projections } = (await response.json()) as { projections: Array<{ lag: { events: number } }> };
    if (projections.every((projection) => projection.lag.events === 0)) return;
    await sleep(100);
  }
  console.error(`the read models were still behind after ${timeoutMs / 1_000} s; measuring anyway`);
}

/** Runs the fleet's closed loops over one window, metering CPU over its measured part. */
async function measureLoop(fleet: Fleet, server: ChildServer, settings: PushSettings, connected: { connected: number; failed: number }): Promise<LoopResult> {
  const window = { zeroMs: epochNow() + 500, warmupS: settings.warmupS, seconds: settings.seconds };
  const looped = fleet.loop(window);
  await sleep(window.zeroMs + window.warmupS * 1_000 - epochNow());
  const meter = meterCpu(fleet, server);
  await sleep(window.zeroMs + (window.warmupS + window.seconds) * 1_000 - epochNow());
  const cpu = await meter.stop();
  const figures = await looped;
  const { ack, push } = figures.timeline.latency;
  return {
    kind: 'loop',
    perSecond: figures.perSecond,
    ack: { p50: ack.percentile(50), p99: ack.percentile(99) },
    push: { p50: push.percentile(50), p99: push.percentile(99) },
    ...connected,
    errors: figures.errors,
    cpu,
    seconds: figures.timeline
      .seconds()
      .slice(settings.warmupS)
      .map((second) => ({ acked: second.counts.acked, ackP99: second.latency.ack.percentile(99) })),
  };
}

/** (a) The bare uWS echo server, the same number of `ws` clients in a closed loop. */
export async function echoCeiling(settings: PushSettings): Promise<LoopResult> {
  const server = await startBareServer('push-echo-server');
  try {
    // A frame the size of a msgpack `cmd` of water.log.
    const plans: PushPlan[] = deal(Array.from({ length: settings.clients }), settings.workers).map((share) => ({
      mode: 'echo',
      url: `ws://127.0.0.1:${server.port}/`,
      clients: share.length,
      frameBytes: 128,
    }));
    const { fleet, connected, failed } = await Fleet.start(plans);
    try {
      return await measureLoop(fleet, server, settings, { connected, failed });
    } finally {
      await fleet.stop();
    }
  } finally {
    await server.stop(2_000);
  }
}

/**
 * (b), (d) SDK players sending `water.log` to their own `user/<id>` in a closed loop, each watching it.
 * `natsUrl` puts the server on that NATS ('' on the in-process bus); absent, the environment's NATS_URL decides.
 */
export async function commandLoop(settings: PushSettings, websocket: 'uws' | 'ws', natsUrl?: string, env?: Record<string, string>): Promise<LoopResult> {
  const schema = settings.schema(websocket === 'uws' ? 'b' : 'd');
  const server = await startGamifier({ databaseUrl: settings.databaseUrl, schema, websocket, ...(natsUrl === undefined ? {} : { natsUrl }), ...(env ? { env } : {}) });
  try {
    const userIds = Array.from({ length: settings.clients }, (_, i) => `p${i}`);
    const plans: PushPlan[] = deal(userIds, settings.workers).map((share) => ({
      mode: 'commands',
      socketUrl: `ws://127.0.0.1:${server.port}/v1/ws`,
      userIds: share,
      pacePerSecond: settings.pacePerSecond,
    }));
    const { fleet, connected, failed } = await Fleet.start(plans);
    try {
      await readModelsCaughtUp(server);
      return await measureLoop(fleet, server, settings, { connected, failed });
    } finally {
      await fleet.stop();
    }
  } finally {
    await server.stop();
  }
}

/**
 * (c) One `leaderboard/global` change pushed to every watcher: a player who has no points logs a
 * meal (10 points, and 10 more for the first-meal achievement) and the time runs until the last
 * watcher holds the push that shows them with points. Each round has its own player, registered
 * before the watchers connect; rounds are apart so that no push is coalesced with another. One
 * warm-up round goes first, as the other scenarios warm up before they measure.
 */
export async function leaderboardFanout(settings: PushSettings): Promise<FanoutResult> {
  const server = await startGamifier({ databaseUrl: settings.databaseUrl, schema: settings.schema('c'), websocket: 'uws' });
  const socketUrl = `ws://127.0.0.1:${server.port}/v1/ws`;
  const auth = new Auth(developmentSecrets.jwtSecret, developmentSecrets.adminToken);
  const changers = Array.from({ length: 1 + settings.rounds }, (_, k) => `changer${k}`);
  const clients: GamifierClient[] = [];
  try {
    for (const userId of changers) {
      const client = new GamifierClient({ url: socketUrl, token: await auth.issue(userId, 3_600), WebSocket, reconnect: false });
      clients.push(client);
      await client.opened;
      const registered = await client.send({ to: `user/${userId}`, type: 'user.register', payload: { displayName: userId, timezone: 'UTC' } });
      if (registered.status !== 'ok') throw new Error(`cannot register ${userId}: ${registered.code} ${registered.message}`);
    }
    return await timeFanout(settings, server, socketUrl, changers, (k, userId) =>
      clients[k]!.send({
        to: `user/${userId}`,
        type: 'meal.log',
        payload: {
          mealId: `m${k}`,
          mealType: 'lunch',
          eatenAt: Date.now(),
          foods: [{ name: 'lentil soup', quantity: 400, unit: 'g', calories: 450, proteinG: 28, carbsG: 60, fatG: 9 }],
        },
      }).then((result) => {
        if (result.status !== 'ok') throw new Error(`meal.log of ${userId} failed: ${result.code} ${result.message}`);
        return epochNow();
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.stop();
  }
}

/**
 * (e) The ceiling of (c): the same watchers on a bare uWebSockets.js server
 * (push-fanout-server.ts) that sends each round's leaderboard `evt` to every socket in a loop.
 * What is left between (c) and (e) is Gamifier's own: the command, the projection, the read
 * model's reload and diff, and the gateway's path to each socket.
 */
export async function fanoutCeiling(settings: PushSettings): Promise<FanoutResult> {
  const server = await startBareServer('push-fanout-server');
  const changers = Array.from({ length: 1 + settings.rounds }, (_, k) => `changer${k}`);
  try {
    return await timeFanout(settings, server, `ws://127.0.0.1:${server.port}/v1/ws`, changers, async (k, changer) => {
      server.child.send({ changer, version: k + 2 } satisfies FanoutOrder);
      return NaN; // no command, no ack
    });
  } finally {
    await server.stop();
  }
}

/**
 * Connects the watchers, then times each round: `change` makes the leaderboard show `changer`
 * with points and resolves with the epoch ms of its ack (NaN where nothing acknowledges it), and
 * the round lasts until every watcher has the push.
 */
async function timeFanout(
  settings: PushSettings,
  server: ChildServer,
  socketUrl: string,
  changers: readonly string[],
  change: (round: number, changer: string) => Promise<number>,
): Promise<FanoutResult> {
  const userIds = Array.from({ length: settings.watchers }, (_, i) => `w${i}`);
  const plans: PushPlan[] = deal(userIds, settings.workers).map((share) => ({
    mode: 'watchers',
    socketUrl,
    userIds: share,
    changers: [...changers],
    client: settings.watcherClient,
  }));
  const { fleet, connected, failed } = await Fleet.start(plans, 180_000);
  try {
    await sleep(1_000); // the registrations' own pushes, if any, are out of the way
    const rounds: FanoutRound[] = [];
    const spans: CpuShares[] = [];
    for (const [k, userId] of changers.entries()) {
      const meter = meterCpu(fleet, server);
      await sleep(20); // the workers start metering before the change
      const sentAt = epochNow();
      const arrivals = fleet.arrivals(userId, 10_000);
      const [ackAt, reports] = await Promise.all([change(k, userId), arrivals]);
      const received = reports.reduce((total, report) => total + report.count, 0);
      const lastAt = Math.max(...reports.map((report) => (report.count > 0 ? report.lastMs : -Infinity)));
      const firstAt = Math.min(...reports.map((report) => (report.count > 0 ? report.firstMs : Infinity)));
      const cpu = await meter.stop();
      if (k > 0) spans.push(cpu);
      rounds.push({
        warmup: k === 0,
        ackMs: ackAt - sentAt,
        firstMs: firstAt - sentAt,
        lastMs: received === connected ? lastAt - sentAt : NaN,
        received,
        serverCpuMs: cpu.server * cpu.wallMs,
        clientsCpuMs: cpu.workers.reduce((total, share) => total + share, 0) * cpu.wallMs,
      });
      await sleep(500);
    }
    return { kind: 'fanout', rounds, connected, failed, cpu: combine(spans) };
  } finally {
    await fleet.stop();
  }
}

/** The median of the timed rounds' `pick`; a round where some watcher never got the push counts as endless. */
export function medianOf(rounds: readonly FanoutRound[], pick: (round: FanoutRound) => number): number {
  return median(rounds.filter((round) => !round.warmup).map(pick).map((value) => (Number.isNaN(value) ? Infinity : value)));
}
