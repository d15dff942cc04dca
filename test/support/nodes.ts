// Real node processes (`gamifier start`) on 127.0.0.1, for the multi-process tests of the cluster
// and `npm run bench cluster`. Every process is tracked by pid and signalled by pid only.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serverNodeFlags } from '../../server/node-flags.js';
import { dropSchema, freePort, natsUrl as sharedNatsUrl, needNats, needPostgres, postgresUrl, uniqueSchema } from './services.js';

/** The operators' token every harness node is started with. */
export const HARNESS_ADMIN_TOKEN = 'harness-admin-token-0123456789';

export type NodeSignal = 'SIGTERM' | 'SIGKILL' | 'SIGSTOP' | 'SIGCONT';

/** How a node process ended: its exit code or the signal that ended it, and when (performance.now()). */
export interface NodeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface NodeSpec {
  /** NODE_ID (and NODE_NAME): the node's name in the cluster, the logs and the events' metadata. */
  nodeId: string;
  /** The environment on top of the harness defaults (PORT, HOST, GAMIFIER_MODE, ADMIN_TOKEN, LOG_LEVEL). */
  env: Record<string, string>;
  /** How long to wait for /readyz 200 (default 30 s: several nodes compile through tsx on 2 cores at once). */
  readyTimeoutMs?: number;
}

const cli = fileURLToPath(new URL('../../server/cli.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const outputTailChars = 16_000;

/** Every process started here and not yet exited: SIGKILLed should the test process exit first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    try {
      process.kill(child.pid!, 'SIGCONT');
      process.kill(child.pid!, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
});

/**
 * One `gamifier start` process on a free port of 127.0.0.1.
 *
 * @example
 * const node = await NodeProcess.start({ nodeId: 'n1', env: { DATABASE_URL, DATABASE_SCHEMA } });
 * node.kill('SIGTERM');
 * const { code } = await node.exited;
 */
export class NodeProcess {
  /** Settles once, when the process has exited. */
  readonly exited: Promise<NodeExit>;
  /** When it was spawned and when it answered /readyz 200 (performance.now()). */
  readonly startedAt = performance.now();
  readyAt: number | undefined;
  private tail = '';
  private exit: NodeExit | undefined;
  private paused = false;

  private constructor(
    readonly nodeId: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    running.add(child);
    const append = (chunk: Buffer) => void (this.tail = (this.tail + chunk.toString()).slice(-outputTailChars));
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exit = { code, signal, at: performance.now() };
        resolve(this.exit);
      }),
    );
  }

  /** Spawns the node and waits (bounded) until /readyz answers 200; on failure it is killed and the error carries its output. */
  static async start(spec: NodeSpec): Promise<NodeProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [...serverNodeFlags, '--import', tsx, cli, 'start'], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        GAMIFIER_MODE: 'development',
        ADMIN_TOKEN: HARNESS_ADMIN_TOKEN,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        NODE_NAME: spec.nodeId,
        ...spec.env,
        NODE_ID: spec.nodeId,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const node = new NodeProcess(spec.nodeId, port, child);
    try {
      await node.waitReady(spec.readyTimeoutMs ?? 30_000);
    } catch (error) {
      await node.destroy();
      throw error;
    }
    return node;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  /** Not exited (it may be stopped). */
  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Alive and not stopped by SIGSTOP: what a load balancer's health check would send players to. */
  get serving(): boolean {
    return this.alive && !this.paused;
  }

  /** The last 16 kB of its stdout and stderr, for failure messages. */
  output(): string {
    return this.tail;
  }

  /** Sends `signal` to this process (by pid); a process that has exited is left alone. */
  kill(signal: NodeSignal): void {
    if (!this.alive) return;
    try {
      process.kill(this.pid, signal);
    } catch (error) {
      // Exited after all, its exit event not yet handled.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    if (signal === 'SIGSTOP') this.paused = true;
    if (signal === 'SIGCONT') this.paused = false;
  }

  /** Polls /readyz until 200, failing after `timeoutMs` or as soon as the process exits. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (!this.alive) throw new Error(`node ${this.nodeId} exited (${JSON.stringify(this.exit)}) before it was ready:\n${this.tail}`);
      if ((await status(`${this.url}/readyz`)) === 200) {
        this.readyAt = performance.now();
        return;
      }
      await sleep(50);
    }
    throw new Error(`node ${this.nodeId} (pid ${this.pid}) was not ready within ${timeoutMs} ms:\n${this.tail}`);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with how it exited. */
  async stop(graceMs = 15_000): Promise<NodeExit> {
    if (this.alive) {
      this.kill('SIGCONT');
      this.kill('SIGTERM');
      if ((await within(this.exited, graceMs)) === undefined) this.kill('SIGKILL');
    }
    return this.exited;
  }

  /** SIGCONT (a stopped process ignores everything else) then SIGKILL; waits at most 5 s for the exit. */
  async destroy(): Promise<void> {
    if (!this.alive) return;
    this.kill('SIGCONT');
    this.kill('SIGKILL');
    await within(this.exited, 5_000);
  }
}

export interface FleetOptions {
  /** Nodes started at once (default 1). */
  nodes?: number;
  /** Default: the shared test PostgreSQL (TEST_DATABASE_URL, DATABASE_URL…). */
  databaseUrl?: string;
  /** Default: the shared NATS; give a nats-server of the test's own (nats-server.ts) to restart it. */
  natsUrl?: string;
  /** Added to every node's environment (CLUSTER_LEASE_TTL_MS, LOG_LEVEL…). */
  env?: Record<string, string>;
  /** A name for the schema and the bus prefix (default `fleet`). */
  name?: string;
}

/**
 * Nodes sharing one database schema (created by the first node, unique to the fleet, dropped by
 * `close()` when the fleet made it up) and one bus prefix on one NATS: one deployment, as the
 * cluster runs it.
 *
 * @example
 * if (!(await fleetServices())) return;
 * const fleet = await NodeFleet.start({ nodes: 3, name: 'kill9' });
 * afterAll(() => fleet.close());
 * const [a, b] = fleet.nodes;
 * a.kill('SIGKILL');
 */
export class NodeFleet {
  readonly nodes: NodeProcess[] = [];
  readonly schema: string;
  readonly busPrefix: string;
  private ids = 0;

  private constructor(private readonly options: FleetOptions & { schema?: string }) {
    const name = options.name ?? 'fleet';
    this.schema = options.schema ?? uniqueSchema(`cl_${name}`);
    this.busPrefix = `gamifier.test.${this.schema}`;
  }

  static async start(options: FleetOptions & { schema?: string } = {}): Promise<NodeFleet> {
    const fleet = new NodeFleet(options);
    try {
      // The first alone: it creates the schema and runs the migrations (the others would wait on its advisory lock anyway).
      const count = options.nodes ?? 1;
      if (count > 0) await fleet.add();
      await Promise.all(Array.from({ length: count - 1 }, () => fleet.add()));
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  get databaseUrl(): string {
    return this.options.databaseUrl ?? postgresUrl;
  }

  get natsUrl(): string {
    return this.options.natsUrl ?? sharedNatsUrl;
  }

  /** The environment of every node of this fleet (without PORT and NODE_ID). */
  get env(): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      DATABASE_SCHEMA: this.schema,
      NATS_URL: this.natsUrl,
      BUS_PREFIX: this.busPrefix,
      ...this.options.env,
    };
  }

  /** Starts one more node (NODE_ID `n<k>` unless given, e.g. to restart a node under its old id). */
  async add(options: { nodeId?: string; env?: Record<string, string>; readyTimeoutMs?: number } = {}): Promise<NodeProcess> {
    const nodeId = options.nodeId ?? `n${++this.ids}`;
    const node = await NodeProcess.start({
      nodeId,
      env: { ...this.env, ...options.env },
      ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
    this.nodes.push(node);
    return node;
  }

  /** The node named `nodeId` that is still alive (the latest, if it was restarted). */
  node(nodeId: string): NodeProcess | undefined {
    return this.nodes.filter((node) => node.nodeId === nodeId && node.alive).at(-1);
  }

  /** Nodes alive and not stopped. */
  serving(): NodeProcess[] {
    return this.nodes.filter((node) => node.serving);
  }

  /** The HTTP base URLs of the serving nodes: what a load balancer would send players to. */
  urls(): string[] {
    return this.serving().map((node) => node.url);
  }

  /** An operator's request to a node (Bearer HARNESS_ADMIN_TOKEN); the status and the JSON body. */
  async admin(node: NodeProcess, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
    const response = await fetch(`${node.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${HARNESS_ADMIN_TOKEN}`, 'content-type': 'application/json', ...init.headers },
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /**
   * `GET /v1/admin/cluster` of `node` when it answers in the cluster's shape (`shards`
   * is a list of `{shard, owner, epoch, state}`); undefined from a plain single node.
   */
  async clusterView(node: NodeProcess): Promise<ClusterView | undefined> {
    const { status, body } = await this.admin(node, '/v1/admin/cluster').catch(() => ({ status: 0, body: undefined }));
    if (status !== 200 || !Array.isArray(body?.shards) || typeof body?.shardCount !== 'number') return undefined;
    return body as ClusterView;
  }

  /**
   * Kills every node (SIGCONT then SIGKILL: no drain, tests end fast) and drops the schema; bounded
   * (5 s per node at most, in parallel). Safe to call twice.
   */
  async close(options: { keepSchema?: boolean } = {}): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.destroy()));
    if (!options.keepSchema && !this.options.schema) {
      await within(
        dropSchema(this.schema, this.databaseUrl).catch(() => undefined),
        10_000,
      );
    }
  }
}

/** What `GET /v1/admin/cluster` answers in a cluster. */
export interface ClusterView {
  node: string;
  shardCount: number;
  members: Array<{ nodeId: string; status: string; live: boolean; shards: number; [more: string]: unknown }>;
  shards: Array<{ shard: number; owner: string | null; epoch: number; state: string }>;
  handoffs: unknown[];
}

/** PostgreSQL and NATS both reachable (each says SKIPPED-NO-SERVICE when not, or fails under CI). */
export async function fleetServices(): Promise<boolean> {
  const [postgres, nats] = await Promise.all([needPostgres(), needNats()]);
  return postgres && nats;
}

async function status(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `promise`'s value, or undefined once `ms` have passed. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
