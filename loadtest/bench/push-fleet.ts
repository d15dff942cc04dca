import { fork, type ChildProcess } from 'node:child_process';
import type { ErrorTally } from '../generator/messages.js';
import { Timeline, type SecondReport } from '../generator/metrics.js';
import { nodeEntry } from './push-processes.js';
import type { FromPushWorker, LoopWindow, PushPlan, ToPushWorker } from './push-messages.js';

type Arrived = Extract<FromPushWorker, { kind: 'arrived' }>;

/** What a closed loop measured inside its window, all workers merged. */
export interface LoopFigures {
  /** Acks (or echoes) inside the measured seconds, per second. */
  perSecond: number;
  /** ack: command → ack (or echo round trip); push: command → its own event. */
  timeline: Timeline;
  errors: ErrorTally;
}

/**
 * The client side of the push bench: worker processes (push-worker.ts), each with its share of
 * the connections, driven over IPC. Every wait is bounded; a worker that fails fails the bench.
 *
 * @example
 * const fleet = await Fleet.start(plans);  // connected
 * const figures = await fleet.loop(window);
 * await fleet.stop();
 */
export class Fleet {
  private readonly waiting = new Map<string, Array<(message: FromPushWorker) => void>>();
  /** Messages that came before anyone waited for them (a watcher's report can beat the wait for it). */
  private readonly inbox = new Map<string, FromPushWorker[]>();
  private failure: string | undefined;

  private constructor(private readonly children: ChildProcess[]) {
    children.forEach((child, worker) => {
      child.on('message', (message: FromPushWorker) => {
        if (message.kind === 'failed') this.failure ??= `client worker ${worker} failed: ${message.message}`;
        const key = message.kind === 'arrived' ? `${worker}:arrived:${message.changer}` : `${worker}:${message.kind}`;
        const waiter = this.waiting.get(key)?.shift();
        if (waiter) waiter(message);
        else this.inbox.set(key, [...(this.inbox.get(key) ?? []), message]);
      });
      child.on('exit', (code, signal) => {
        if (code !== 0) this.failure ??= `client worker ${worker} exited (${signal ?? `code ${code}`})`;
      });
    });
  }

  get size(): number {
    return this.children.length;
  }

  get pids(): number[] {
    return this.children.map((child) => child.pid ?? 0);
  }

  /** Forks one worker per plan and waits until each has opened its connections. */
  static async start(plans: readonly PushPlan[], timeoutMs = 120_000): Promise<{ fleet: Fleet; connected: number; failed: number }> {
    const entry = nodeEntry('push-worker');
    // BENCH_WORKER_NODE_FLAGS adds node flags to the client workers (to profile them, say).
    const execArgv = [...(process.env.BENCH_WORKER_NODE_FLAGS ?? '').split(' ').filter(Boolean), ...entry.execArgv];
    const children = plans.map(() => fork(entry.file, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const fleet = new Fleet(children);
    try {
      const ready = await fleet.all('ready', (worker) => fleet.tell(worker, { kind: 'plan', plan: plans[worker]! }), timeoutMs);
      const sum = (key: 'connected' | 'failed') => ready.reduce((total, message) => total + (message.kind === 'ready' ? message[key] : 0), 0);
      return { fleet, connected: sum('connected'), failed: sum('failed') };
    } catch (error) {
      fleet.kill();
      throw error;
    }
  }

  /** Runs the workers' closed loops over `window` and merges the seconds inside its measured part. */
  async loop(window: LoopWindow): Promise<LoopFigures> {
    const timeoutMs = (window.zeroMs - Date.now()) + (window.warmupS + window.seconds) * 1_000 + 60_000;
    const done = await this.all('done', (worker) => this.tell(worker, { kind: 'go', window }), timeoutMs);
    const timeline = new Timeline();
    const errors: ErrorTally = {};
    const measured = (report: SecondReport) => report.second >= window.warmupS && report.second < window.warmupS + window.seconds;
    for (const message of done) {
      if (message.kind !== 'done') continue;
      message.seconds.filter(measured).forEach((report) => timeline.add(report));
      for (const [code, tally] of Object.entries(message.errors)) {
        const entry = (errors[code] ??= { count: 0, samples: [] });
        entry.count += tally.count;
        entry.samples.push(...tally.samples.slice(0, Math.max(0, 3 - entry.samples.length)));
      }
    }
    return { perSecond: timeline.totals.acked / window.seconds, timeline, errors };
  }

  cpuStart(): void {
    this.children.forEach((_, worker) => this.tell(worker, { kind: 'cpu', action: 'start' }));
  }

  /** Each worker's CPU share since `cpuStart` (1 = one core). */
  async cpuStop(): Promise<number[]> {
    const shares = await this.all('cpu', (worker) => this.tell(worker, { kind: 'cpu', action: 'stop' }), 10_000);
    return shares.map((message) => (message.kind === 'cpu' ? message.share : NaN));
  }

  /** Waits until every worker's watchers have seen `changer`'s points (or `timeoutMs`, then asks for what they have). */
  async arrivals(changer: string, timeoutMs: number): Promise<Arrived[]> {
    const key = `arrived:${changer}`;
    const pending = this.children.map((_, worker) => this.next(`${worker}:${key}`));
    const all = Promise.all(pending);
    const late = await Promise.race([all.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (late) this.children.forEach((_, worker) => this.tell(worker, { kind: 'report', changer }));
    return (await this.bounded(all, 10_000, `the watchers' report on ${changer}`)) as Arrived[];
  }

  /** Asks every worker to close its connections and exit; kills those that do not. */
  async stop(): Promise<void> {
    const exits = this.children.map((child) =>
      child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve())),
    );
    this.children.forEach((child, worker) => child.connected && this.tell(worker, { kind: 'stop' }));
    await Promise.race([Promise.all(exits), sleep(15_000)]);
    this.kill();
  }

  private kill(): void {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  private tell(worker: number, message: ToPushWorker): void {
    this.children[worker]!.send(message);
  }

  private next(key: string): Promise<FromPushWorker> {
    const early = this.inbox.get(key)?.shift();
    if (early) return Promise.resolve(early);
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(resolve);
      this.waiting.set(key, queue);
    });
  }

  /** Listens for `kind` from every worker, then runs `ask` for each, and waits for all the answers. */
  private all(kind: FromPushWorker['kind'], ask: (worker: number) => void, timeoutMs: number): Promise<FromPushWorker[]> {
    const answers = this.children.map((_, worker) => this.next(`${worker}:${kind}`));
    this.children.forEach((_, worker) => ask(worker));
    return this.bounded(Promise.all(answers), timeoutMs, `the workers' ${kind}`);
  }

  /** `promise`, unless a worker failed or `timeoutMs` passed first. */
  private async bounded<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let settled = false;
    const result = promise.finally(() => (settled = true));
    while (!settled) {
      if (this.failure) throw new Error(this.failure);
      if (Date.now() > deadline) throw new Error(`${what} did not come within ${Math.round(timeoutMs / 1_000)} s`);
      await Promise.race([result, sleep(100)]);
    }
    return result;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
