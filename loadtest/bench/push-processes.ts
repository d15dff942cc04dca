import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serverNodeFlags } from '../../server/node-flags.js';

/**
 * The processes of `npm run bench push` besides its client workers: the Gamifier server under
 * test, the bare uWebSockets.js echo server, and the CPU time of any process (from /proc).
 */

const fromSources = import.meta.url.endsWith('.ts');

/** A file of this project next to this one (`name` without extension, relative to loadtest/bench), and how Node must run it. */
export function nodeEntry(name: string): { file: string; execArgv: string[] } {
  const file = fileURLToPath(new URL(`./${name}${fromSources ? '.ts' : '.js'}`, import.meta.url));
  const execArgv = fromSources ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  return { file, execArgv };
}

/** A TCP port free right now on 127.0.0.1 (the server cannot report the one PORT=0 gave it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ChildServer {
  readonly pid: number;
  readonly port: number;
  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`) and resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

function stopper(child: ChildProcess): (graceMs?: number) => Promise<void> {
  return async (graceMs = 20_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    if ((await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])) === false) {
      child.kill('SIGKILL');
      await exited;
    }
  };
}

/** The last lines a child wrote, to show when it fails. */
function keepTail(child: ChildProcess, lines = 30): () => string {
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
    tail.splice(0, Math.max(0, tail.length - lines));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail.join('\n');
}

export interface GamifierOptions {
  databaseUrl: string;
  /** A fresh PostgreSQL schema for this server alone. */
  schema: string;
  websocket: 'uws' | 'ws';
  /** The server's NATS_URL ('' for the in-process bus); absent: whatever the environment says. */
  natsUrl?: string;
  /** More of the server's environment (e.g. DATA_ENCRYPTION). */
  env?: Record<string, string>;
}

/**
 * `server/cli.ts start` in a child process, in development mode (so that tokens signed with the
 * development secret are accepted) with LOG_LEVEL=warn, on a free port; resolves once /readyz
 * answers 200.
 */
export async function startGamifier(options: GamifierOptions): Promise<ChildServer> {
  const port = await freePort();
  const cli = fileURLToPath(new URL(`../../server/cli${fromSources ? '.ts' : '.js'}`, import.meta.url));
  const execArgv = fromSources ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  // BENCH_SERVER_NODE_FLAGS adds node flags to the servers, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const extraFlags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...serverNodeFlags, ...extraFlags, ...execArgv, cli, 'start'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      DATABASE_SCHEMA: options.schema,
      GAMIFIER_MODE: 'development',
      GAMIFIER_WS: options.websocket,
      LOG_LEVEL: 'warn',
      // Every simulated client connects from this machine's one address.
      MAX_CONNECTIONS_PER_ADDRESS: '0',
      ...(options.natsUrl === undefined ? {} : { NATS_URL: options.natsUrl }),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = keepTail(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (code ${child.exitCode}) before it was ready:\n${output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopper(child)(1_000);
      throw new Error(`the server was not ready within 60 s:\n${output()}`);
    }
    await sleep(100);
  }
  return { pid: child.pid!, port, stop: stopper(child) };
}

/** A bare uWebSockets.js server of the benchmark's own (push-echo-server.ts, push-fanout-server.ts) in a child process. */
export async function startBareServer(name: 'push-echo-server' | 'push-fanout-server'): Promise<ChildServer & { child: ChildProcess }> {
  const entry = nodeEntry(name);
  const child = fork(entry.file, [], { execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port?: number; error?: string }) =>
      message.port ? resolve(message.port) : reject(new Error(`${name}: ${message.error ?? 'no port'}`)),
    );
    child.once('exit', (code) => reject(new Error(`${name} exited (code ${code})`)));
  });
  return { pid: child.pid!, port, stop: stopper(child), child };
}

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on every Linux Node runs on). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; NaN where /proc cannot tell (not Linux, gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields from the parenthesis that closes it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** The pids of the PostgreSQL processes on this machine (postmaster, backends, background workers). */
export function postgresPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

/**
 * CPU shares of a set of processes over a span: `start()` now, `stop()` later gives, per name,
 * CPU time over wall time (1 = one core). A process that ended inside the span counts for what it
 * had used at the start only.
 *
 * @example
 * const meter = ProcessCpu.start({ server: [server.pid], postgres: postgresPids() });
 * await measuredWork();
 * meter.stop(); // { server: 0.93, postgres: 0.41 }
 */
export class ProcessCpu {
  private constructor(
    private readonly groups: Record<string, number[]>,
    private readonly before: Map<number, number>,
    private readonly startedAt: number,
  ) {}

  static start(groups: Record<string, number[]>): ProcessCpu {
    const before = new Map(Object.values(groups).flat().map((pid) => [pid, cpuSeconds(pid)]));
    return new ProcessCpu(groups, before, performance.now());
  }

  stop(): Record<string, number> {
    const wallSeconds = (performance.now() - this.startedAt) / 1_000;
    const shares: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      let used = 0;
      for (const pid of pids) {
        const now = cpuSeconds(pid);
        const then = this.before.get(pid)!;
        if (Number.isFinite(now) && Number.isFinite(then)) used += now - then;
      }
      shares[name] = pids.length === 0 ? NaN : used / wallSeconds;
    }
    return shares;
  }
}
