import { CpuMeter } from '../bench/machine.js';
import { epochNow, SecondBuckets } from './metrics.js';
import type { ErrorTally, FromWorker, PlayerSpec, ToWorker, WorkerPlan, WorkerResult, WorkerStatus } from './messages.js';
import { Player, type PlayerContext } from './player.js';
import { scenarios, type Scenario } from './scenarios/index.js';
import { devToken } from './tokens.js';

/**
 * A worker process of the load generator: it plays its share of the players, ships its seconds
 * to the coordinator every second, and when told to settle counts what its watches missed.
 * Started by run.ts with `fork`; it does nothing until the coordinator's `start`.
 */
const send = (message: FromWorker, sent?: () => void) => process.send?.(message, undefined, {}, () => sent?.());
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** Quiet this long (no push anywhere) before the final count: events still in flight arrive first. */
const QUIET_MS = 300;

let settleSignal: () => void = () => {};
const settleOrdered = new Promise<void>((resolve) => (settleSignal = resolve));

process.on('message', (message: ToWorker) => {
  if (message.kind === 'settle') settleSignal();
  if (message.kind === 'start') {
    // Exit once the last message is out: a socket or timer left behind must not keep the worker alive.
    work(message.plan).then(
      (final) => send(final, () => process.exit(0)),
      (error: unknown) => send({ kind: 'failed', message: (error as Error).stack ?? String(error) }, () => process.exit(1)),
    );
  }
});
// A worker never outlives its coordinator.
process.on('disconnect', () => process.exit(1));
send({ kind: 'ready' });

async function work(plan: WorkerPlan): Promise<FromWorker> {
  const scenario = scenarios[plan.scenario];
  const metrics = new SecondBuckets(plan.zeroMs);
  const errors: ErrorTally = {};
  let errorCount = 0;
  let lastHeard = epochNow();
  const context: PlayerContext = {
    metrics,
    error(code, message) {
      errorCount++;
      const entry = (errors[code] ??= { count: 0, samples: [] });
      entry.count++;
      if (entry.samples.length < 3) entry.samples.push(message.slice(0, 300));
    },
    heard: () => void (lastHeard = epochNow()),
  };
  const cpu = CpuMeter.start();
  const players = plan.players.map((spec) => new Player(playerSettings(plan, spec), context));
  const status = (): WorkerStatus => {
    let duplicated = 0;
    let gaps = 0;
    for (const player of players) {
      const figures = player.figures();
      duplicated += figures.duplicated;
      gaps += figures.gaps;
    }
    return { players: players.length, connected: players.filter((p) => p.status === 'open').length, errors: errorCount, duplicated, gaps };
  };
  const ticker = setInterval(() => send({ kind: 'tick', seconds: metrics.drain(), status: status() }), 1_000);

  const lives = players.map((player, i) => live(player, plan.players[i]!, plan, scenario, context));
  const waves = scenario.waves ? storm(players, plan) : Promise.resolve();
  await Promise.all([...lives, waves]);
  send({ kind: 'loaded' });

  // Every worker's commands are answered before anyone counts: the coordinator says when.
  await Promise.race([settleOrdered, sleep(plan.settleMs + 30_000)]);
  const settleEnd = epochNow() + plan.settleMs;
  while (epochNow() < settleEnd) {
    if (players.every((player) => player.caughtUp()) && epochNow() - lastHeard >= QUIET_MS) break;
    await sleep(50);
  }
  const figures = players.map((player) => player.figures());
  await Promise.race([Promise.all(players.map((player) => player.close())), sleep(5_000)]);
  clearInterval(ticker);
  const used = cpu.stop();

  const result: WorkerResult = {
    worker: plan.worker,
    players: players.length,
    errors,
    missed: 0,
    duplicated: 0,
    gaps: 0,
    resnaps: 0,
    challengeVersions: {},
    cpu: used.process,
    machine: used.machine,
  };
  for (const figure of figures) {
    result.missed += figure.missed;
    result.duplicated += figure.duplicated;
    result.gaps += figure.gaps;
    result.resnaps += figure.resnaps;
    if (figure.challenge) (result.challengeVersions[figure.challenge.id] ??= []).push(figure.challenge.version);
  }
  return { kind: 'final', seconds: metrics.drain(true), status: status(), result };
}

function playerSettings(plan: WorkerPlan, spec: PlayerSpec) {
  let token: Promise<string> | undefined;
  return {
    userId: spec.userId,
    token: () => {
      if (spec.token !== undefined) return Promise.resolve(spec.token);
      // One token per player for the run; a failed fetch is asked again on the next connection.
      token ??= devToken(plan.baseUrl, spec.userId).catch((error: unknown) => {
        token = undefined;
        throw error;
      });
      return token;
    },
    socketUrl: plan.socketUrl,
    protocol: plan.protocol,
    commandTimeoutMs: plan.commandTimeoutMs,
    idPrefix: `${plan.runTag}.${spec.index}`,
  };
}

/** One player's life: connect during the ramp, set up, then turns at a human pace until the load ends. */
async function live(player: Player, spec: PlayerSpec, plan: WorkerPlan, scenario: Scenario, context: PlayerContext): Promise<void> {
  await sleep(plan.zeroMs + (plan.rampMs * spec.index) / plan.clients - epochNow());
  if (!(await player.connect(plan.loadEndMs))) return;
  const role = spec.challengeId === undefined ? { index: spec.index } : { index: spec.index, challengeId: spec.challengeId };
  try {
    await scenario.setUp(player, role, Math.random);
    for (;;) {
      const pause = thinkTime(plan.thinkMs);
      if (epochNow() + pause >= plan.loadEndMs) break;
      await sleep(pause);
      await scenario.turn(player, role, Math.random);
    }
  } catch (error) {
    context.error('SCENARIO_FAILED', `${spec.userId}: ${(error as Error).message}`);
  }
}

/** Exponential around the mean (people are bursty), clamped so that nobody sleeps through the run. */
function thinkTime(meanMs: number): number {
  const draw = -Math.log(1 - Math.random()) * meanMs;
  return Math.min(4 * meanMs, Math.max(meanMs / 10, draw));
}

/**
 * Waves of dropped connections: every waveEveryMs, a share of the open ones lose their socket
 * while a command is in flight (at once if one is on the wire, else as their next one goes out),
 * so that every drop has the SDK send a command again on the next connection.
 */
async function storm(players: Player[], plan: WorkerPlan): Promise<void> {
  for (let at = plan.zeroMs + plan.rampMs + plan.waveEveryMs; at < plan.loadEndMs - 250; at += plan.waveEveryMs) {
    await sleep(at - epochNow());
    const open = players.filter((player) => player.status === 'open');
    const count = Math.ceil(open.length * plan.waveFraction);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (open.length - i));
      [open[i], open[j]] = [open[j]!, open[i]!];
      open[i]!.dropInFlight();
    }
  }
}
