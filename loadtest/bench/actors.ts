import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { ActorRuntime, foldEvents, type CommandEnvelope } from '../../actors/runtime/index.js';
import { counterType } from '../../actors/runtime/tests/counter.js';
import { NO_STREAM, openStore, type NewEvent, type OpenStore } from '../../store/index.js';
import { collectGarbage } from './gc.js';
import { closedLoop, openLoop, type Window } from './loops.js';
import { formatNumber, formatTable, Latency, median } from './stats.js';
import { scenarios, storeBenchSettings } from './store-scenarios.js';

const usage = `npm run bench actors -- [--seconds N] [--runs N] [--actors N] [--active N]
  --seconds N   measured seconds of (a), (b) and (c) per run (default 5)
  --runs N      runs of (a)–(c), interleaved; medians are shown (default 3)
  --actors N    distinct actors commanded in (b) and (c) (default 10000)
  --active N    actors held active for the heap measurement (e) (default 100000)
  DATABASE_URL  the PostgreSQL to measure (default postgres://postgres@127.0.0.1:5432/postgres)`;

const targets = { ofAppend: 0.8, p99Ms: 15, snapshotP99Ms: 2, bytesPerActor: 5_000 };

const add = (to: string, n = 1): CommandEnvelope => ({ id: randomUUID(), to, type: 'counter.add', payload: { n }, meta: { origin: 'client' } });

/**
 * The runtime's test counter under the server's snapshot policy (every SNAPSHOT_EVERY events,
 * 100 by default), not the every-5 the tests use to exercise snapshots.
 */
function benchType() {
  const { snapshotEvery: _testsOnly, ...type } = counterType();
  return type;
}

async function withRuntime<T>(opened: OpenStore, use: (runtime: ActorRuntime) => Promise<T>): Promise<T> {
  const runtime = new ActorRuntime([benchType()], { store: opened.store, background: false });
  try {
    return await use(runtime);
  } finally {
    await runtime.stop();
  }
}

async function check(outcome: Promise<{ status: string }>): Promise<void> {
  const settled = await outcome;
  if (settled.status !== 'ok') throw new Error(`command failed: ${JSON.stringify(settled)}`);
}

/** (b) Commands through the runtime, closed loop over `actors` distinct actors, one event each. */
async function runtimeThroughput(opened: OpenStore, actors: number, window: Window) {
  return withRuntime(opened, async (runtime) => {
    const addresses = Array.from({ length: actors }, (_, i) => `counter/b${i}`);
    await Promise.all(addresses.map((address) => check(runtime.send(add(address)))));
    let next = 0;
    return closedLoop(256, window, async () => {
      await check(runtime.send(add(addresses[next++ % actors]!)));
      return 1;
    });
  });
}

/** (c) The same at a fixed offered rate. */
async function runtimeLatency(opened: OpenStore, actors: number, perSecond: number, window: Window) {
  return withRuntime(opened, async (runtime) => {
    const addresses = Array.from({ length: actors }, (_, i) => `counter/c${i}`);
    await Promise.all(addresses.map((address) => check(runtime.send(add(address)))));
    return openLoop(perSecond, window, (n) => check(runtime.send(add(addresses[n % actors]!))));
  });
}

/** (d) Activation of a 10,000-event actor: from its snapshot, and by replaying every event. */
async function activation(opened: OpenStore, samples: { fromSnapshot: number; fullReplay: number }) {
  const type = counterType();
  const address = `counter/big-${randomUUID()}`;
  const events: NewEvent[] = Array.from({ length: 10_000 }, () => ({ id: randomUUID(), type: 'counter.added', data: { n: 0 } }));
  for (let i = 0; i < events.length; i += 500) {
    await opened.store.append(address, i === 0 ? NO_STREAM : i, events.slice(i, i + 500));
  }
  const folded = foldEvents(type, events);
  await opened.store.saveSnapshot({ streamId: address, version: folded.version, state: { state: folded.state, lifecycle: folded.lifecycle } });
  return withRuntime(opened, async (runtime) => {
    const timed = async (load: () => Promise<{ version: number }>, latency: Latency | undefined) => {
      const started = performance.now();
      const loaded = await load();
      latency?.record(performance.now() - started);
      if (loaded.version !== 10_000) throw new Error('activation did not reach version 10000');
    };
    // The first loads prepare each path's statements on the pool's connections: warm-up, untimed.
    for (let i = 0; i < 5; i++) await Promise.all([timed(() => runtime.current(address), undefined), timed(() => runtime.replay(address), undefined)]);
    const fromSnapshot = new Latency();
    for (let i = 0; i < samples.fromSnapshot; i++) await timed(() => runtime.current(address), fromSnapshot);
    const fullReplay = new Latency();
    for (let i = 0; i < samples.fullReplay; i++) await timed(() => runtime.replay(address), fullReplay);
    return { fromSnapshot, fullReplay };
  });
}

/** (e) Heap per active actor: activate `count` actors (one event each) and weigh the heap. */
async function heapPerActor(opened: OpenStore, count: number) {
  const runtime = new ActorRuntime([benchType()], { store: opened.store, background: false, settings: { maxActive: count * 2 } });
  try {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < count; i += 2_000) {
      await Promise.all(Array.from({ length: Math.min(2_000, count - i) }, (_, j) => check(runtime.send(add(`counter/e${i + j}`)))));
    }
    collectGarbage();
    const after = process.memoryUsage().heapUsed;
    return { active: runtime.stats().active, bytesPerActor: (after - before) / runtime.stats().active };
  } finally {
    await runtime.stop();
  }
}

/**
 * The actor runtime against the store it runs on: the store's raw append rate, commands/s through
 * the runtime, latency at half that rate, activation from a snapshot versus a full replay, and the
 * heap an active actor costs.
 */
export async function run(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seconds: { type: 'string', default: '5' },
      runs: { type: 'string', default: '3' },
      actors: { type: 'string', default: '10000' },
      active: { type: 'string', default: '100000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(usage), 0;
  const seconds = Number(values.seconds);
  const runs = Number(values.runs);
  const actors = Number(values.actors);
  const active = Number(values.active);
  if (!(seconds > 0) || !(runs >= 1) || !(actors >= 1) || !(active >= 1)) return console.error(usage), 2;
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const window: Window = { warmupMs: Math.min(1_000, (seconds * 1_000) / 5), durationMs: seconds * 1_000 };
  const storeSettings = storeBenchSettings(databaseUrl, window);
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  const schemas: string[] = [];
  const open = async (tag: string) => {
    const schema = `bench_actors_${tag}_${process.pid}`;
    schemas.push(schema);
    return openStore({ databaseUrl, dataDir: 'memory', poolSize: 10, schema });
  };
  // Before each scenario, what the last one wrote goes (dropped, not left for autovacuum to work
  // through during the next one), the database checkpoints, and this process collects.
  const fresh = async () => {
    for (const schema of schemas.splice(0)) await admin.unsafe(`drop schema if exists ${schema} cascade`);
    await admin.unsafe('checkpoint').catch(() => undefined);
    collectGarbage();
  };
  console.log(`setup: ${actors} actors, 256 concurrent senders in (b), pool 10; ${seconds} s measured per run, ${runs} runs\n`);
  try {
    const append: number[] = [];
    const throughput: number[] = [];
    const p50: number[] = [];
    const p99: number[] = [];
    const cpu: number[] = [];
    const appendScenario = scenarios.find((scenario) => scenario.key === 'append')!;
    for (let round = 1; round <= runs; round++) {
      await fresh();
      const schema = `bench_actors_append_${process.pid}_${round}`;
      schemas.push(schema);
      append.push((await appendScenario.run(storeSettings, schema)).eventsPerSecond);
      await fresh();
      const openedB = await open(`b${round}`);
      const b = await runtimeThroughput(openedB, actors, window).finally(() => openedB.close());
      throughput.push(b.perSecond);
      cpu.push(b.cpuShare);
      await fresh();
      const openedC = await open(`c${round}`);
      const c = await runtimeLatency(openedC, actors, Math.round(b.perSecond / 2), window).finally(() => openedC.close());
      p50.push(c.latency.percentile(50));
      p99.push(c.latency.percentile(99));
      console.log(
        `run ${round}/${runs}: (a) ${formatNumber(append.at(-1)!)} events/s  (b) ${formatNumber(b.perSecond)} commands/s (cpu ${formatNumber(b.cpuShare * 100)} %)` +
          `  (c) at ${formatNumber(c.offeredPerSecond)}/s p50 ${formatNumber(p50.at(-1)!)} ms p99 ${formatNumber(p99.at(-1)!)} ms`,
      );
    }
    const dSamples = { fromSnapshot: 500, fullReplay: 50 };
    await fresh();
    const openedD = await open('d');
    const d = await activation(openedD, dSamples).finally(() => openedD.close());
    await fresh();
    const openedE = await open('e');
    const e = await heapPerActor(openedE, active).finally(() => openedE.close());

    const a = median(append);
    const b = median(throughput);
    const verdict = (ok: boolean) => (ok ? 'holds' : 'MISSED');
    console.log(`\nmedians of ${runs} runs (d: ${dSamples.fromSnapshot} loads from the snapshot, ${dSamples.fullReplay} full replays, after 5 untimed of each; e: ${formatNumber(e.active)} actors)\n`);
    console.log(
      formatTable(
        ['figure', 'value', 'target', 'verdict'],
        [
          ['(a) store append, 256 streams, events/s', formatNumber(a), '–', '–'],
          ['(b) runtime, 10k actors, commands/s', formatNumber(b), `≥ 80 % of (a)`, `${formatNumber((b / a) * 100)} %, ${verdict(b >= targets.ofAppend * a)}`],
          ['(b) benchmark process CPU share', `${formatNumber(median(cpu) * 100)} %`, '–', '–'],
          ['(c) p50 command latency at 50 % of (b), ms', formatNumber(median(p50)), '–', '–'],
          ['(c) p99 command latency at 50 % of (b), ms', formatNumber(median(p99)), `≤ ${targets.p99Ms}`, verdict(median(p99) <= targets.p99Ms)],
          ['(d) activation from snapshot p50 / p99, ms', `${formatNumber(d.fromSnapshot.percentile(50))} / ${formatNumber(d.fromSnapshot.percentile(99))}`, `p99 ≤ ${targets.snapshotP99Ms}`, verdict(d.fromSnapshot.percentile(99) <= targets.snapshotP99Ms)],
          ['(d) activation by full replay p50 / p99, ms', `${formatNumber(d.fullReplay.percentile(50))} / ${formatNumber(d.fullReplay.percentile(99))}`, '–', '–'],
          ['(e) heap per active actor, bytes', formatNumber(e.bytesPerActor), `≤ ${targets.bytesPerActor}`, verdict(e.bytesPerActor <= targets.bytesPerActor)],
        ],
      ),
    );
    return 0;
  } finally {
    for (const schema of schemas) await admin.unsafe(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}
