import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { openStore } from '../../store/index.js';
import { runRuntimeScenario } from './actors-scenario-process.js';
import { activation, heapPerActor } from './actors-scenarios.js';
import { collectGarbage } from './gc.js';
import { type Window } from './loops.js';
import { formatNumber, formatTable, median } from './stats.js';
import { storeBenchSettings } from './store-scenarios.js';
import { runInOwnProcess } from './store-scenario-process.js';

const usage = `npm run bench actors -- [--seconds N] [--runs N] [--actors N] [--active N]
  --seconds N   measured seconds of (a), (b) and (c) per run (default 5)
  --runs N      runs of (a)–(c), interleaved; medians are shown (default 3)
  --actors N    distinct actors commanded in (b) and (c) (default 10000)
  --active N    actors held active for the heap measurement (e) (default 100000)
  DATABASE_URL  the PostgreSQL to measure (default postgres://postgres@127.0.0.1:5432/postgres)
  BENCH_ACTORS_NODE_FLAGS  node flags added to the processes of (b) and (c), e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"`;

const targets = { ofAppend: 0.8, p99Ms: 15, snapshotP99Ms: 2, bytesPerActor: 5_000 };

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
    for (let round = 1; round <= runs; round++) {
      // (a), (b) and (c) each run in a fresh process (own-process.ts); (d) and (e) here.
      await fresh();
      const appendSchema = `bench_actors_append_${process.pid}_${round}`;
      schemas.push(appendSchema);
      append.push((await runInOwnProcess('append', storeSettings, appendSchema)).eventsPerSecond);
      await fresh();
      const bSchema = `bench_actors_b${round}_${process.pid}`;
      schemas.push(bSchema);
      const b = await runRuntimeScenario({ scenario: 'throughput', databaseUrl, schema: bSchema, actors, window });
      throughput.push(b.perSecond);
      cpu.push(b.cpuShare);
      await fresh();
      const cSchema = `bench_actors_c${round}_${process.pid}`;
      schemas.push(cSchema);
      const offered = Math.round(b.perSecond / 2);
      const c = await runRuntimeScenario({ scenario: 'latency', databaseUrl, schema: cSchema, actors, window, perSecond: offered });
      p50.push(c.p50Ms);
      p99.push(c.p99Ms);
      console.log(
        `run ${round}/${runs}: (a) ${formatNumber(append.at(-1)!)} events/s  (b) ${formatNumber(b.perSecond)} commands/s (cpu ${formatNumber(b.cpuShare * 100)} %)` +
          `  (c) at ${formatNumber(offered)}/s p50 ${formatNumber(p50.at(-1)!)} ms p99 ${formatNumber(p99.at(-1)!)} ms`,
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
