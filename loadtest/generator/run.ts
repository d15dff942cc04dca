import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { socketUrl, type LoadOptions } from './args.js';
import { prepare } from './prepare.js';
import { runTag as newRunTag } from './ids.js';
import type { ErrorTally, FromWorker, PlayerSpec, WorkerPlan, WorkerResult, WorkerStatus } from './messages.js';
import { epochNow, Timeline } from './metrics.js';
import { scenarios } from './scenarios/index.js';
import { readTokens } from './tokens.js';

/** What the live progress line shows, once a second. */
export interface Progress {
  phase: 'load' | 'settle';
  elapsedS: number;
  durationS: number;
  clients: number;
  connected: number;
  /** Commands acknowledged in the last second all workers have reported. */
  commandsPerSecond: number;
  /** p99 so far, ms (NaN before the first value). */
  ackP99: number;
  pushP99: number;
  errors: number;
  /** Events that arrived beyond the next version so far (the final count adds what never came). */
  gaps: number;
  duplicated: number;
}

export interface ChallengeOutcome {
  challengeId: string;
  watchers: number;
  /** The highest version any watcher reached. */
  version: number;
  /** Watchers that ended below it… */
  behind: number;
  /** …and the events they lack between them. */
  missed: number;
}

export interface RunResult {
  options: LoadOptions;
  runTag: string;
  startedAt: string;
  /** The run's zero, epoch ms: second 0 of the timeline. */
  zeroMs: number;
  timeline: Timeline;
  workers: WorkerResult[];
  challenges: ChallengeOutcome[];
  errors: ErrorTally;
  /** What went wrong with the generator itself (a worker that crashed or hung). */
  failures: string[];
  totals: { errors: number; missed: number; duplicated: number; gaps: number; resnaps: number };
  /** No error, nothing missed or doubled, and something was done. */
  ok: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Runs a load: creates the scenario's challenges, forks the workers, gives each its players,
 * merges their seconds as they come, and when the load is over lets them settle and count what
 * they missed. Every wait is bounded; a worker that does not finish in time is killed and the
 * run fails.
 *
 * @example
 * const result = await runLoad(parseLoadArgs(['--scenario', 'player-session', '--clients', '20', '--duration', '3'])!);
 * process.exitCode = result.ok ? 0 : 1;
 */
export async function runLoad(options: LoadOptions, hooks: { progress?: (progress: Progress) => void } = {}): Promise<RunResult> {
  const scenario = scenarios[options.scenario];
  const runTag = newRunTag();
  const startedAt = new Date().toISOString();
  const tokens = options.tokensFile ? await readTokens(options.tokensFile) : undefined;
  if (tokens && tokens.length < options.clients) {
    throw new Error(`${options.tokensFile} holds ${tokens.length} tokens; --clients ${options.clients} needs as many`);
  }
  const players: PlayerSpec[] = Array.from({ length: options.clients }, (_, index) => {
    const given = tokens?.[index];
    return given ? { index, userId: given.userId, token: given.token } : { index, userId: `lt${runTag}-${index}` };
  });
  const challengeIds = await prepare(options, runTag, tokens?.[0], scenario.challenges);
  for (const player of players) player.challengeId = challengeIds[Math.floor(player.index / options.challengeSize)];

  const timeline = new Timeline();
  const statuses = new Map<number, WorkerStatus>();
  const results = new Map<number, WorkerResult>();
  const failures: string[] = [];
  const workerCount = Math.min(options.workers, options.clients);
  const workers = Array.from({ length: workerCount }, (_, worker) => startWorker(worker));
  let zeroMs = 0;

  function startWorker(worker: number) {
    const entry = workerEntry();
    const child = fork(entry.file, [], { execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const state = { child, ready: defer(), loaded: defer(), done: defer() };
    child.on('message', (message: FromWorker) => {
      switch (message.kind) {
        case 'ready':
          return state.ready.resolve();
        case 'tick':
          message.seconds.forEach((second) => timeline.add(second));
          statuses.set(worker, message.status);
          return;
        case 'loaded':
          return state.loaded.resolve();
        case 'final':
          message.seconds.forEach((second) => timeline.add(second));
          statuses.set(worker, message.status);
          results.set(worker, message.result);
          return state.done.resolve();
        case 'failed':
          failures.push(`worker ${worker} failed: ${message.message}`);
          return;
      }
    });
    child.on('exit', (code, signal) => {
      if (!results.has(worker)) failures.push(`worker ${worker} exited (${signal ?? `code ${code}`}) before its final report`);
      for (const waiting of [state.ready, state.loaded, state.done]) waiting.resolve();
    });
    return state;
  }

  const progress = setInterval(() => {
    if (zeroMs === 0 || !hooks.progress) return;
    const now = epochNow();
    const all = [...statuses.values()];
    const sum = (key: keyof WorkerStatus) => all.reduce((total, status) => total + status[key], 0);
    const reported = timeline.second(Math.floor((now - zeroMs) / 1_000) - 2);
    hooks.progress({
      phase: now < zeroMs + options.durationS * 1_000 ? 'load' : 'settle',
      elapsedS: Math.max(0, (now - zeroMs) / 1_000),
      durationS: options.durationS,
      clients: options.clients,
      connected: sum('connected'),
      commandsPerSecond: reported?.counts.acked ?? 0,
      ackP99: timeline.latency.ack.percentile(99),
      pushP99: timeline.latency.push.percentile(99),
      errors: sum('errors'),
      gaps: sum('gaps'),
      duplicated: sum('duplicated'),
    });
  }, 1_000);

  try {
    await withDeadline(Promise.all(workers.map((w) => w.ready.promise)), 30_000, () => failures.push('workers did not start within 30 s'));
    if (failures.length > 0) return outcome({ options, runTag, startedAt, zeroMs, timeline, results, failures });
    zeroMs = epochNow() + 100;
    const loadEndMs = zeroMs + options.durationS * 1_000;
    workers.forEach((w, worker) => {
      const plan: WorkerPlan = {
        worker,
        scenario: options.scenario,
        baseUrl: options.url,
        socketUrl: socketUrl(options.url),
        protocol: options.protocol,
        players: players.filter((player) => player.index % workerCount === worker),
        zeroMs,
        rampMs: options.rampS * 1_000,
        clients: options.clients,
        loadEndMs,
        thinkMs: options.thinkMs,
        waveEveryMs: options.waveEveryS * 1_000,
        waveFraction: options.waveFraction,
        commandTimeoutMs: options.commandTimeoutMs,
        settleMs: options.settleS * 1_000,
        runTag,
      };
      w.child.send({ kind: 'start', plan });
    });
    // The last commands may wait up to their timeout; then every worker counts, together.
    const loadedBy = loadEndMs + options.commandTimeoutMs + 20_000 - epochNow();
    await withDeadline(Promise.all(workers.map((w) => w.loaded.promise)), loadedBy, () => failures.push('workers did not finish the load in time'));
    for (const w of workers) if (w.child.connected) w.child.send({ kind: 'settle' });
    const doneBy = options.settleS * 1_000 + 20_000;
    await withDeadline(Promise.all(workers.map((w) => w.done.promise)), doneBy, () => failures.push('workers did not report in time'));
  } finally {
    clearInterval(progress);
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  }

  return outcome({ options, runTag, startedAt, zeroMs, timeline, results, failures });
}

/** The run's result from what the workers reported. */
function outcome(run: {
  options: LoadOptions;
  runTag: string;
  startedAt: string;
  zeroMs: number;
  timeline: Timeline;
  results: Map<number, WorkerResult>;
  failures: string[];
}): RunResult {
  const { timeline, failures } = run;
  const workerResults = [...run.results.values()].sort((a, b) => a.worker - b.worker);
  const challenges = challengeOutcomes(workerResults);
  const errors: ErrorTally = {};
  for (const result of workerResults) {
    for (const [code, tally] of Object.entries(result.errors)) {
      const entry = (errors[code] ??= { count: 0, samples: [] });
      entry.count += tally.count;
      entry.samples.push(...tally.samples.slice(0, Math.max(0, 3 - entry.samples.length)));
    }
  }
  const sum = (key: 'missed' | 'duplicated' | 'gaps' | 'resnaps') => workerResults.reduce((total, result) => total + result[key], 0);
  const totals = {
    errors: Object.values(errors).reduce((total, tally) => total + tally.count, 0),
    missed: sum('missed') + challenges.reduce((total, challenge) => total + challenge.missed, 0),
    duplicated: sum('duplicated'),
    gaps: sum('gaps'),
    resnaps: sum('resnaps'),
  };
  const { options, runTag, startedAt, zeroMs } = run;
  const result = { options, runTag, startedAt, zeroMs, timeline, workers: workerResults, challenges, errors, failures, totals, ok: false };
  result.ok = verdict(result).length === 0;
  return result;
}

/** Why a run failed, one reason each; empty when it passed. */
export function verdict(result: Pick<RunResult, 'failures' | 'totals' | 'timeline'>): string[] {
  const reasons = [...result.failures];
  const { totals } = result;
  if (totals.errors > 0) reasons.push(`${totals.errors} error(s)`);
  if (totals.missed > 0) reasons.push(`${totals.missed} event(s) missed`);
  if (totals.gaps > 0) reasons.push(`${totals.gaps} gap(s): events that arrived beyond the next version`);
  if (totals.duplicated > 0) reasons.push(`${totals.duplicated} event(s) delivered twice`);
  if (result.timeline.totals.acked === 0) reasons.push('no command was acknowledged');
  return reasons;
}

/** Per challenge: every watcher should end at the same version, the highest any of them saw. */
export function challengeOutcomes(results: readonly Pick<WorkerResult, 'challengeVersions'>[]): ChallengeOutcome[] {
  const versions = new Map<string, number[]>();
  for (const result of results) {
    for (const [challengeId, list] of Object.entries(result.challengeVersions)) versions.set(challengeId, [...(versions.get(challengeId) ?? []), ...list]);
  }
  return [...versions.entries()].map(([challengeId, list]) => {
    const version = Math.max(...list);
    const behind = list.filter((v) => v < version);
    return { challengeId, watchers: list.length, version, behind: behind.length, missed: behind.reduce((total, v) => total + version - v, 0) };
  });
}

/** The worker's file, and how Node must run it: through tsx from the sources, plainly once built. */
function workerEntry(): { file: string; execArgv: string[] } {
  const fromSources = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(fromSources ? './worker.ts' : './worker.js', import.meta.url));
  const execArgv = fromSources ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  return { file, execArgv };
}

function defer() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function withDeadline(promise: Promise<unknown>, ms: number, onLate: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, ms))));
  const outcome = await Promise.race([promise.then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') onLate();
}
