import WebSocket from 'ws';
import { GamifierClient } from '../../protocol/client/index.js';
import { createCodec, Subprotocol } from '../../protocol/codecs.js';
import { parseServerFrame } from '../../protocol/frames.js';
import { Auth } from '../../server/auth.js';
import { developmentSecrets } from '../../server/config.js';
import type { ErrorTally } from '../generator/messages.js';
import { epochNow, SecondBuckets } from '../generator/metrics.js';
import { Player, type PlayerContext } from '../generator/player.js';
import { logWater, register } from '../generator/scenarios/actions.js';
import { CpuMeter } from './machine.js';
import type { FromPushWorker, LoopWindow, PushPlan, ToPushWorker } from './push-messages.js';
import { WireSocket } from './wire-socket.js';

/**
 * A client worker process of `npm run bench push`, forked by push-fleet.ts: it opens its share of
 * the connections, then runs what the coordinator asks (a closed loop, or watching), and reports.
 */
const send = (message: FromPushWorker, sent?: () => void) => process.send?.(message, undefined, {}, () => sent?.());
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** Connections opened at once per worker: enough to be quick, few enough not to overflow the server's accept queue. */
const CONNECTING_AT_ONCE = 100;

interface Role {
  /** The closed loop, until the window's end; resolves with what it counted. */
  loop?(window: LoopWindow): Promise<FromPushWorker>;
  report?(changer: string): void;
  close(): Promise<void>;
}

let role: Role | undefined;
let cpu: CpuMeter | undefined;

process.on('message', (message: ToPushWorker) => {
  const fail = (error: unknown) => send({ kind: 'failed', message: (error as Error).stack ?? String(error) }, () => process.exit(1));
  switch (message.kind) {
    case 'plan':
      return void start(message.plan).then((ready) => send(ready), fail);
    case 'go':
      return void role!.loop!(message.window).then((done) => send(done), fail);
    case 'cpu':
      if (message.action === 'start') cpu = CpuMeter.start();
      else send({ kind: 'cpu', share: cpu?.stop().process ?? NaN });
      return;
    case 'report':
      return role?.report?.(message.changer);
    case 'stop':
      return void Promise.race([role?.close(), sleep(10_000)]).finally(() => process.exit(0));
  }
});
// A worker never outlives its coordinator.
process.on('disconnect', () => process.exit(1));

async function start(plan: PushPlan): Promise<FromPushWorker> {
  if (plan.mode === 'echo') return echo(plan);
  if (plan.mode === 'commands') return commands(plan);
  return watchers(plan);
}

/** Runs `open` for every item, at most CONNECTING_AT_ONCE at a time; counts the ones that came true. */
async function openAll<T>(items: readonly T[], open: (item: T, index: number) => Promise<boolean>): Promise<number> {
  let next = 0;
  let opened = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      if (await open(items[index]!, index)) opened++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTING_AT_ONCE }, lane));
  return opened;
}

const auth = new Auth(developmentSecrets.jwtSecret, developmentSecrets.adminToken);
const tokenFor = (userId: string) => auth.issue(userId, 3_600);

/** The SDK's WebSocket, without per-message compression (as the load generator's players). */
class PlainWebSocket extends WebSocket {
  constructor(url: string, protocols: string | string[]) {
    super(url, protocols, { perMessageDeflate: false });
  }
}

/** Ends of a window in epoch ms. */
const windowEnd = (window: LoopWindow) => window.zeroMs + (window.warmupS + window.seconds) * 1_000;

// ── (a) echo ──────────────────────────────────────────────────────────────────────────────────

async function echo(plan: Extract<PushPlan, { mode: 'echo' }>): Promise<FromPushWorker> {
  const frame = Buffer.alloc(plan.frameBytes, 0x2a);
  const sockets: WebSocket[] = [];
  const opened = await openAll(Array.from({ length: plan.clients }), async () => {
    const socket = new WebSocket(plan.url, { perMessageDeflate: false });
    sockets.push(socket);
    return new Promise<boolean>((resolve) => {
      socket.once('open', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
  });
  role = {
    loop: async (window) => {
      const metrics = new SecondBuckets(window.zeroMs);
      const end = windowEnd(window);
      await sleep(window.zeroMs - epochNow());
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              let sentAt = 0;
              const next = () => {
                sentAt = epochNow();
                if (sentAt >= end || socket.readyState !== WebSocket.OPEN) return resolve();
                socket.send(frame);
              };
              socket.on('message', () => {
                const now = epochNow();
                metrics.count('acked', 1, now);
                metrics.latency('ack', now - sentAt, now);
                next();
              });
              socket.once('close', () => resolve());
              next();
            }),
        ),
      );
      return { kind: 'done', seconds: metrics.drain(true), errors: {} };
    },
    close: async () => {
      for (const socket of sockets) socket.terminate();
    },
  };
  return { kind: 'ready', connected: opened, failed: plan.clients - opened };
}

// ── (b), (d) commands ─────────────────────────────────────────────────────────────────────────

function tally(errors: ErrorTally) {
  return (code: string, message: string) => {
    const entry = (errors[code] ??= { count: 0, samples: [] });
    entry.count++;
    if (entry.samples.length < 3) entry.samples.push(message.slice(0, 300));
  };
}

async function commands(plan: Extract<PushPlan, { mode: 'commands' }>): Promise<FromPushWorker> {
  const errors: ErrorTally = {};
  // Setup happens before the window; its seconds land before the warm-up ends and are not counted.
  const context: PlayerContext = { metrics: new SecondBuckets(epochNow()), error: tally(errors), heard: () => undefined };
  const players = plan.userIds.map(
    (userId, index) =>
      new Player(
        { userId, token: () => tokenFor(userId), socketUrl: plan.socketUrl, protocol: 'msgpack', commandTimeoutMs: 30_000, idPrefix: `bench.${userId}` },
        context,
      ),
  );
  const opened = await openAll(players, async (player, index) => {
    if (!(await player.connect(epochNow() + 60_000))) return false;
    player.watchOwn();
    const registered = await register(player, index, Math.random);
    return registered?.status === 'ok';
  });
  role = {
    loop: async (window) => {
      const metrics = new SecondBuckets(window.zeroMs);
      context.metrics = metrics;
      const end = windowEnd(window);
      await sleep(window.zeroMs - epochNow());
      const periodMs = plan.pacePerSecond > 0 ? 1_000 / plan.pacePerSecond : 0;
      await Promise.all(
        players.map(async (player) => {
          // Paced players start spread over one period, so that they do not send in step.
          if (periodMs > 0) await sleep(Math.random() * periodMs);
          while (epochNow() < end && player.status !== 'closed') {
            const sentAt = epochNow();
            await logWater(player, Math.random);
            if (periodMs > 0) await sleep(sentAt + periodMs - epochNow());
          }
        }),
      );
      // The last commands' pushes are on their way: give them a moment before counting.
      await sleep(500);
      return { kind: 'done', seconds: metrics.drain(true), errors };
    },
    close: async () => {
      await Promise.all(players.map((player) => player.close()));
    },
  };
  return { kind: 'ready', connected: opened, failed: players.length - opened };
}

// ── (c) watchers ──────────────────────────────────────────────────────────────────────────────

interface Arrivals {
  count: number;
  firstMs: number;
  lastMs: number;
  reported: boolean;
}

async function watchers(plan: Extract<PushPlan, { mode: 'watchers' }>): Promise<FromPushWorker> {
  const changers = new Set(plan.changers);
  const arrivals = new Map<string, Arrivals>();
  const clients: Array<{ close(): Promise<void> }> = [];
  const report = (changer: string) => {
    const seen = arrivals.get(changer) ?? { count: 0, firstMs: NaN, lastMs: NaN, reported: false };
    seen.reported = true;
    send({ kind: 'arrived', changer, count: seen.count, watchers: clients.length, firstMs: seen.firstMs, lastMs: seen.lastMs });
  };
  const arrived = (changer: string, at: number) => {
    let seen = arrivals.get(changer);
    if (!seen) arrivals.set(changer, (seen = { count: 0, firstMs: at, lastMs: at, reported: false }));
    seen.count++;
    seen.lastMs = at;
    if (seen.count === clients.length && !seen.reported) report(changer);
  };

  // Which changers each watcher has seen earn points: the first push that shows it is the one timed.
  const rowsSeen = (seen: Set<string>, data: unknown, at: number) => {
    const rows = (data as { upsert?: Array<{ userId: string; points: number }> }).upsert ?? [];
    for (const row of rows) {
      if (row.points > 0 && changers.has(row.userId) && !seen.has(row.userId)) {
        seen.add(row.userId);
        arrived(row.userId, at);
      }
    }
  };
  const openSdk = async (userId: string) => {
    const client = new GamifierClient({ url: plan.socketUrl, token: () => tokenFor(userId), WebSocket: PlainWebSocket, connectTimeoutMs: 60_000 });
    try {
      await client.opened;
    } catch {
      return false;
    }
    const seen = new Set<string>();
    const snapped = new Promise<boolean>((resolve) => {
      client.watch('leaderboard/global', {
        onItem: (item) => (item.kind === 'snap' ? resolve(true) : rowsSeen(seen, item.event.data, epochNow())),
        onEnd: () => resolve(false),
      });
    });
    clients.push({ close: () => client.close() });
    return snapped;
  };
  /**
   * What a lean watcher does with each message, on either socket: decode and check it, answer the
   * welcome with the `sub`, report the snap, time the evt that shows a changer with points.
   */
  const leanWatcher = (send: (frame: Uint8Array) => void, snapped: () => void) => {
    const seen = new Set<string>();
    return (payload: Uint8Array) => {
      const decoded = codec.decode(payload);
      const parsed = decoded.ok ? parseServerFrame(decoded.value) : decoded;
      if (!parsed.ok) return void failures.push(parsed.message);
      const frame = parsed.value;
      if (frame.t === 'welcome') send(codec.encode({ t: 'sub', topic: 'leaderboard/global' }) as Uint8Array);
      else if (frame.t === 'snap' && frame.topic === 'leaderboard/global') snapped();
      else if (frame.t === 'evt' && frame.topic === 'leaderboard/global') rowsSeen(seen, frame.event.data, epochNow());
    };
  };
  const openLeanOnce = async (userId: string) => {
    const socket = new WebSocket(plan.socketUrl, [Subprotocol.msgpack], { perMessageDeflate: false });
    const token = await tokenFor(userId);
    const snapped = await new Promise<boolean>((resolve) => {
      socket.once('open', () => socket.send(codec.encode({ t: 'hello', token })));
      socket.once('close', () => resolve(false));
      socket.on('error', () => resolve(false));
      socket.on('message', leanWatcher((frame) => socket.send(frame), () => resolve(true)));
    });
    if (snapped) clients.push({ close: async () => socket.terminate() });
    else socket.terminate();
    return snapped;
  };
  const openWireOnce = async (userId: string) => {
    const token = await tokenFor(userId);
    let socket: WireSocket | undefined;
    const snapped = await new Promise<boolean>((resolve) => {
      const onMessage = leanWatcher((frame) => socket?.send(frame), () => resolve(true));
      WireSocket.connect(plan.socketUrl, Subprotocol.msgpack, { onMessage, onClose: () => resolve(false) }).then(
        (opened) => {
          socket = opened;
          opened.send(codec.encode({ t: 'hello', token }) as Uint8Array);
        },
        () => resolve(false),
      );
    });
    if (snapped) clients.push({ close: async () => socket!.destroy() });
    else socket?.destroy();
    return snapped;
  };
  // A connection refused under the connection storm is tried again, as the SDK's would be.
  const retried = (once: (userId: string) => Promise<boolean>) => async (userId: string) => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      if (await once(userId)) return true;
      await sleep(200 * attempt);
    }
    return false;
  };
  const open = { sdk: openSdk, lean: retried(openLeanOnce), wire: retried(openWireOnce) }[plan.client];
  const codec = createCodec(Subprotocol.msgpack);
  const failures: string[] = [];
  const opened = await openAll(plan.userIds, open);
  role = {
    report,
    close: async () => {
      if (failures.length > 0) console.error(`watchers: ${failures.length} frames refused, e.g. ${failures[0]}`);
      await Promise.all(clients.map((client) => client.close()));
    },
  };
  return { kind: 'ready', connected: opened, failed: plan.userIds.length - opened };
}
