import os from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { scenarios, storeBenchSettings, type Figures } from './store-scenarios.js';
import { runInOwnProcess } from './store-scenario-process.js';
import { formatNumber, formatTable, median } from './stats.js';

const usage = `npm run bench store -- [--seconds N] [--runs N] [--only naive,raw,append,append+enc,latency,latency+enc,pglite,catchup]
  --seconds N   measured seconds per scenario and run (default 5), after a warm-up of a fifth of it (at most 1 s)
  --runs N      runs of every scenario, interleaved; the table shows their median (default 3)
  --only list   run only these scenarios (ratios and targets need all of them); +enc: the same with the
                meal's three items encrypted as personal fields, run right after the plain one
  DATABASE_URL  the PostgreSQL to measure (default postgres://postgres@127.0.0.1:5432/postgres)
  BENCH_STORE_NODE_FLAGS  node flags added to the scenario processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"`;

const targets = {
  appendPerSecond: 20_000,
  overNaive: 3,
  ofRaw: 0.65,
  p99Ms: 10,
};

/**
 * Event store throughput and latency: a naive one-transaction-per-event store, the raw INSERT
 * ceiling, Gamifier's group-committed append (closed and open loop), and the same append on
 * PGlite — each in a fresh schema and a fresh process, all in one run, each run several times.
 */
export async function run(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seconds: { type: 'string', default: '5' },
      runs: { type: 'string', default: '3' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const seconds = Number(values.seconds);
  const runs = Number(values.runs);
  const only = values.only?.split(',');
  const unknown = only?.filter((key) => !scenarios.some((scenario) => scenario.key === key)) ?? [];
  if (!(seconds > 0) || !Number.isInteger(runs) || runs < 1 || unknown.length > 0) {
    console.error(usage);
    return 2;
  }
  const chosen = scenarios.filter((scenario) => !only || only.includes(scenario.key));
  const settings = storeBenchSettings(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', {
    warmupMs: Math.min(1_000, (seconds * 1_000) / 5),
    durationMs: seconds * 1_000,
  });

  const admin = postgres(settings.databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const [server] = await admin<{ version: string; sync: string; fsync: string }[]>`
      select current_setting('server_version') as version, current_setting('synchronous_commit') as sync,
             current_setting('fsync') as fsync`;
    console.log(`postgresql: ${server!.version} (synchronous_commit=${server!.sync}, fsync=${server!.fsync})`);
    console.log(
      `setup: ${settings.streams} streams; Gamifier pool ${settings.poolSize} (server default); naive ${settings.naiveConnections} connections; ` +
        `raw ${settings.rawConnections} connections × ${settings.rawRowsPerInsert}-row INSERTs; open loop at ${formatNumber(settings.offeredPerSecond)} events/s`,
    );
    console.log(`each scenario: ${settings.window.warmupMs / 1_000} s warm-up + ${seconds} s measured, ${runs} runs interleaved\n`);

    // Each scenario starts after a checkpoint, so that none pays for flushing what the one before
    // it wrote. It needs the right to CHECKPOINT; without it the runs go on, noisier.
    let canCheckpoint = true;
    const checkpoint = async () => {
      if (!canCheckpoint) return;
      await admin.unsafe('checkpoint').catch((error: Error) => {
        canCheckpoint = false;
        console.warn(`no checkpoint between scenarios: ${error.message}`);
      });
    };
    const results = new Map<string, Figures[]>(chosen.map((scenario) => [scenario.key, []]));
    for (let round = 1; round <= runs; round++) {
      for (const scenario of chosen) {
        const schema = `bench_store_${scenario.key.replace(/\W/g, '_')}_${process.pid}_${round}`;
        await checkpoint();
        try {
          const figures = await runInOwnProcess(scenario.key, settings, schema);
          results.get(scenario.key)!.push(figures);
          console.log(`run ${round}/${runs} ${scenario.title.padEnd(34)} ${describe(figures)}`);
        } finally {
          await admin.unsafe(`drop schema if exists ${schema} cascade`);
        }
      }
    }
    console.log();
    report(chosen.map((scenario) => ({ key: scenario.key, title: scenario.title, runs: results.get(scenario.key)! })));
    return 0;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

function describe(figures: Figures): string {
  const latency = Number.isNaN(figures.p50Ms) ? '' : `  p50 ${formatNumber(figures.p50Ms)} ms  p99 ${formatNumber(figures.p99Ms)} ms`;
  return `${formatNumber(figures.eventsPerSecond).padStart(9)} events/s${latency}  bench cpu ${percent(figures.cpuShare)}  machine ${percent(figures.machineShare)}`;
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

interface Measured {
  key: string;
  title: string;
  runs: Figures[];
}

function report(measured: Measured[]): void {
  const med = (m: Measured | undefined, pick: (f: Figures) => number) => (m ? median(m.runs.map(pick)) : NaN);
  const of = (key: string) => measured.find((m) => m.key === key);
  console.log(
    formatTable(
      ['scenario', 'events/s', 'p50 ms', 'p99 ms', 'bench CPU', 'machine CPU', 'events/s per run'],
      measured.map((m) => [
        m.title,
        formatNumber(med(m, (f) => f.eventsPerSecond)),
        formatNumber(med(m, (f) => f.p50Ms)),
        formatNumber(med(m, (f) => f.p99Ms)),
        percent(med(m, (f) => f.cpuShare)),
        percent(med(m, (f) => f.machineShare)),
        m.runs.map((f) => formatNumber(f.eventsPerSecond)).join(' / '),
      ]),
    ),
  );
  console.log('\nmedians of the runs; p50/p99 of closed loops are at saturation, of (d) from each send\'s scheduled time;');
  console.log('bench CPU: the scenario\'s own process (each runs in a fresh one), CPU time over wall time (100 % = one core; PGlite runs inside it);');
  console.log(`machine CPU: all ${os.availableParallelism()} cores, whoever used them (the database, the bench, anything else).\n`);

  const append = med(of('append'), (f) => f.eventsPerSecond);
  const naive = med(of('naive'), (f) => f.eventsPerSecond);
  const raw = med(of('raw'), (f) => f.eventsPerSecond);
  const p99 = med(of('latency'), (f) => f.p99Ms);
  const pglite = med(of('pglite'), (f) => f.eventsPerSecond);
  const rows: string[][] = [
    ['(c) events/s', `≥ ${formatNumber(targets.appendPerSecond)}`, formatNumber(append), verdict(append >= targets.appendPerSecond, append)],
    ['(c) ÷ (a)', `≥ ${targets.overNaive}×`, `${formatNumber(append / naive)}×`, verdict(append / naive >= targets.overNaive, append / naive)],
    ['(c) ÷ (b)', `≥ ${targets.ofRaw * 100} %`, formatPercent(append / raw), verdict(append / raw >= targets.ofRaw, append / raw)],
    ['(d) p99 at 10 000/s offered', `≤ ${targets.p99Ms} ms`, `${formatNumber(p99)} ms`, verdict(p99 <= targets.p99Ms, p99)],
    ['PGlite (c) ÷ PostgreSQL (c)', '(no target)', formatPercent(pglite / append), ''],
    ['(c) + encryption ÷ (c)', '(no target)', formatPercent(med(of('append+enc'), (f) => f.eventsPerSecond) / append), ''],
    ['(d) + encryption, p50 / p99', '(no target)', `${formatNumber(med(of('latency+enc'), (f) => f.p50Ms))} / ${formatNumber(med(of('latency+enc'), (f) => f.p99Ms))} ms`, ''],
  ];
  console.log(formatTable(['figure', 'target', 'measured', 'holds'], rows));
}

const formatPercent = (ratio: number) => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(0)} %` : '–');
const verdict = (holds: boolean, value: number) => (!Number.isFinite(value) ? 'not measured' : holds ? 'yes' : 'NO');
