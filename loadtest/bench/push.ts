import os from 'node:os';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { defaultLimits } from '../../protocol/frames.js';
import { commandLoop, echoCeiling, fanoutCeiling, leaderboardFanout, medianOf, type CpuShares, type FanoutResult, type FanoutRound, type LoopResult, type PushResult, type PushSettings } from './push-scenarios.js';
import { CpuMeter } from './machine.js';
import { pairedBuses, pairedEncryption } from './push-nats.js';
import { watcherClients, type WatcherClient } from './push-messages.js';
import { formatNumber, formatTable } from './stats.js';

const usage = `npm run bench push -- [--clients N] [--pace N] [--watchers N] [--seconds N] [--only a,b,c,d]
  --clients N    connections of (a), (b) and (d), each in a closed loop (default 1000)
  --pace N       commands a second each client of (b) and (d) sends at most, waiting for each ack
                 (default 10: 1000 clients offer the 10,000/s of the target); 0: as fast as acks return
  --watchers N   watchers of leaderboard/global in (c) (default 10000)
  --watcher-client wire|lean|sdk
                 (c)'s watchers, each frame decoded and checked with the protocol's codec: wire, on a bare
                 TCP socket (default: they are instruments, and on this machine they share the server's
                 cores); lean, on ws; or SDK clients
  --seconds N    measured seconds of (a), (b) and (d), after a warm-up (default 10)
  --only list    run only these: a (uWS echo ceiling), b (SDK commands, uWS), c (leaderboard fan-out), d (b on ws),
                 e (fan-out ceiling: (c)'s watchers on a bare uWS server that sends them one evt in a loop)
  --nats         run (b) on the in-process bus and on NATS (NATS_URL, else nats://127.0.0.1:4222)
                 alternately, --bus-rounds times each, and print what the NATS hop costs
  --bus-rounds N rounds of --nats, or of --encryption (default 3)
  --encryption   run (b) with personal-field encryption off (DATA_ENCRYPTION=off) and on, alternately,
                 --bus-rounds times each, and print what encryption costs
  NATS_URL       without --nats, the servers' bus: NATS when set, in-process otherwise
  DATABASE_URL   the PostgreSQL the servers use (default postgres://postgres@127.0.0.1:5432/postgres);
                 each server gets a fresh schema, dropped afterwards
  BENCH_SERVER_NODE_FLAGS  node flags added to the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  BENCH_WORKER_NODE_FLAGS  the same for the client worker processes`;

const watcherNames: Record<WatcherClient, string> = {
  wire: 'lean watchers (bare TCP + codec)',
  lean: 'lean watchers (ws + codec)',
  sdk: 'SDK watchers',
};

const targets = { commandsPerSecond: 10_000, ackP99Ms: 25, pushP99Ms: 30, fanoutMs: 100 };

const scenarios = {
  a: { title: '(a) bare uWS echo, ws clients', run: (settings: PushSettings) => echoCeiling(settings) },
  b: { title: '(b) Gamifier on uWS, SDK clients', run: (settings: PushSettings) => commandLoop(settings, 'uws') },
  c: { title: '(c) leaderboard/global fan-out', run: (settings: PushSettings) => leaderboardFanout(settings) },
  d: { title: '(d) Gamifier on ws (GAMIFIER_WS=ws)', run: (settings: PushSettings) => commandLoop(settings, 'ws') },
  e: { title: '(e) bare uWS fan-out, same watchers', run: (settings: PushSettings) => fanoutCeiling(settings) },
} as const;
type Key = keyof typeof scenarios;

/**
 * Realtime push end to end, in one run: the bare uWebSockets.js echo ceiling, SDK clients sending
 * commands in a closed loop and timing ack and push (on uWS, and on `ws`), and one leaderboard
 * change fanned out to thousands of watchers. Servers and client workers are child processes.
 */
export async function run(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      clients: { type: 'string', default: '1000' },
      pace: { type: 'string', default: '10' },
      watchers: { type: 'string', default: '10000' },
      'watcher-client': { type: 'string', default: 'wire' },
      seconds: { type: 'string', default: '10' },
      only: { type: 'string', default: 'a,b,c,d,e' },
      nats: { type: 'boolean', default: false },
      encryption: { type: 'boolean', default: false },
      'bus-rounds': { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(usage), 0;
  const clients = Number(values.clients);
  const watchers = Number(values.watchers);
  const seconds = Number(values.seconds);
  const pace = Number(values.pace);
  const only = values.only.split(',').map((key) => key.trim());
  const busRounds = Number(values['bus-rounds']);
  const valid = (n: number) => Number.isInteger(n) && n >= 1;
  if (!valid(clients) || !valid(watchers) || !valid(seconds) || !valid(busRounds) || !(pace >= 0) || !watcherClients.includes(values['watcher-client'] as WatcherClient) || !only.every((key) => key in scenarios)) return console.error(usage), 2;
  const chosen = (Object.keys(scenarios) as Key[]).filter((key) => only.includes(key));

  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const schemas: string[] = [];
  const settings: PushSettings = {
    databaseUrl,
    clients,
    watchers,
    seconds,
    warmupS: seconds >= 5 ? 2 : 1,
    workers: Math.max(2, os.availableParallelism()),
    rounds: 7,
    pacePerSecond: pace,
    watcherClient: values['watcher-client'] as WatcherClient,
    schema: (key) => {
      const schema = `bench_push_${key}_${process.pid}`;
      schemas.push(schema);
      return schema;
    },
  };
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  const dropSchemas = async () => {
    for (const schema of schemas.splice(0)) await admin.unsafe(`drop schema if exists ${schema} cascade`);
  };
  try {
    const [server] = await admin<{ version: string; sync: string; fsync: string }[]>`
      select current_setting('server_version') as version, current_setting('synchronous_commit') as sync, current_setting('fsync') as fsync`;
    console.log(`postgresql: ${server!.version} (synchronous_commit=${server!.sync}, fsync=${server!.fsync}); open files: ${openFilesLimit()}`);
    console.log(
      `setup: ${clients} clients in (a)/(b)/(d), ${formatNumber(watchers)} watchers in (c), over ${settings.workers} client worker processes; ` +
        `${settings.warmupS} s warm-up + ${seconds} s measured; (c) ${settings.rounds} rounds after a warm-up one, ${watcherNames[settings.watcherClient]}; ` +
        (pace > 0
          ? `(b)/(d) clients paced at ${formatNumber(pace)} commands/s each, the next one sent once the last is acknowledged (offered ${formatNumber(pace * clients)}/s)`
          : '(b)/(d) clients unpaced: each sends its next command the moment the last is acknowledged'),
    );
    console.log(
      `servers: child processes, development mode, LOG_LEVEL=warn, a fresh schema each; gateway limits as shipped ` +
        `(${defaultLimits.ratePerSec} frames/s, burst ${defaultLimits.burst} per connection)`,
    );

    const idle = await machineBusy(1_000);
    console.log(`machine before the run: ${percent(idle)} busy${idle > 0.15 ? ' — something else is running: the figures will be low' : ''}\n`);
    const results = new Map<Key, PushResult>();
    for (const key of chosen) {
      if (key === 'b' && values.nats) {
        await pairedBuses(settings, process.env.NATS_URL || 'nats://127.0.0.1:4222', busRounds, dropSchemas);
        continue;
      }
      if (key === 'b' && values.encryption) {
        await pairedEncryption(settings, busRounds, dropSchemas);
        continue;
      }
      const started = performance.now();
      const result = await scenarios[key].run(settings).finally(() => dropSchemas());
      results.set(key, result);
      console.log(`${scenarios[key].title.padEnd(38)} ${describe(result)}  (${formatNumber((performance.now() - started) / 1_000, 0)} s)`);
      if (result.kind === 'loop') console.log(`${''.padEnd(38)} per second, acks / p99 ms: ${result.seconds.map((second) => `${second.acked} / ${formatNumber(second.ackP99, 0)}`).join(', ')}`);
    }
    console.log();
    report(results, settings);
    return 0;
  } finally {
    await dropSchemas();
    await admin.end({ timeout: 5 });
  }
}

const ms = (value: number) => `${formatNumber(value)} ms`;
const percent = (share: number) => (Number.isFinite(share) ? `${Math.round(share * 100)} %` : '–');

function describe(result: PushResult): string {
  if (result.kind === 'fanout') {
    const last = result.rounds.map((round) => (round.warmup ? `(warm-up ${formatNumber(round.lastMs, 0)})` : formatNumber(round.lastMs, 0))).join(' / ');
    return `last watcher ${last} ms  (${result.connected}/${result.connected + result.failed} watching)`;
  }
  const errors = Object.values(result.errors).reduce((total, tally) => total + tally.count, 0);
  const echo = Number.isNaN(result.push.p99);
  const push = echo ? '' : `  push p50 ${ms(result.push.p50)} p99 ${ms(result.push.p99)}`;
  return `${formatNumber(result.perSecond).padStart(7)}/s  ${echo ? 'round trip' : 'ack'} p50 ${ms(result.ack.p50)} p99 ${ms(result.ack.p99)}${push}  errors ${errors}  (${result.connected}/${result.connected + result.failed} connected)`;
}

function report(results: Map<Key, PushResult>, settings: PushSettings): void {
  const loop = (key: Key) => results.get(key) as LoopResult | undefined;
  const rows: string[][] = [];
  for (const key of ['a', 'b', 'd'] as const) {
    const result = loop(key);
    if (!result) continue;
    const unit = key === 'a' ? 'messages' : 'commands';
    rows.push([
      `${scenarios[key].title.replace(/, .*$/, '')}, ${result.connected} clients`,
      `${formatNumber(result.perSecond)} ${unit}/s`,
      formatNumber(result.ack.p50),
      formatNumber(result.ack.p99),
      formatNumber(result.push.p50),
      formatNumber(result.push.p99),
    ]);
  }
  if (rows.length > 0) console.log(formatTable(['scenario', 'throughput', 'ack / echo p50 ms', 'ack / echo p99 ms', 'push p50 ms', 'push p99 ms'], rows));
  for (const key of ['c', 'e'] as const) {
    const fanout = results.get(key) as FanoutResult | undefined;
    if (!fanout) continue;
    const what = key === 'c' ? 'one leaderboard/global change' : 'one evt sent by a bare uWS server';
    console.log(`${rows.length > 0 || key === 'e' ? '\n' : ''}(${key}) ${what} → ${formatNumber(fanout.connected)} watchers, ${fanout.rounds.filter((round) => !round.warmup).length} rounds after a warm-up (ms from the ${key === 'c' ? 'command' : 'order to send'}):`);
    console.log(
      formatTable(
        ['round', 'ack', 'first watcher', 'last watcher', 'watchers reached', 'server CPU ms', 'clients CPU ms'],
        [
          ...fanout.rounds.map((round, i) => [
            round.warmup ? 'warm-up' : `${i}`,
            formatNumber(round.ackMs),
            formatNumber(round.firstMs),
            formatNumber(round.lastMs),
            String(round.received),
            formatNumber(round.serverCpuMs, 0),
            formatNumber(round.clientsCpuMs, 0),
          ]),
          ['median', ...[(r: FanoutRound) => r.ackMs, (r: FanoutRound) => r.firstMs, (r: FanoutRound) => r.lastMs].map((pick) => formatNumber(medianOf(fanout.rounds, pick))), '',
            ...[(r: FanoutRound) => r.serverCpuMs, (r: FanoutRound) => r.clientsCpuMs].map((pick) => formatNumber(medianOf(fanout.rounds, pick), 0))],
        ],
      ),
    );
  }
  const fanout = results.get('c') as FanoutResult | undefined;
  const ceiling = results.get('e') as FanoutResult | undefined;
  if (fanout && ceiling) {
    const last = (result: FanoutResult) => medianOf(result.rounds, (round) => round.lastMs);
    console.log(`(c) ÷ (e), last watcher: ${formatNumber(last(fanout) / last(ceiling))}×`);
  }

  if (settings.pacePerSecond === 0) {
    for (const key of ['b', 'd'] as const) {
      const result = loop(key);
      if (!result) continue;
      console.log(
        `${key}: ${result.connected} commands always in flight, so the mean latency is ${result.connected} / ${formatNumber(result.perSecond)} per s = ` +
          `${ms((result.connected / result.perSecond) * 1_000)} (Little's law)`,
      );
    }
  }
  console.log(`\nCPU per process over the measured seconds ((c): from each command to its last watcher, rounds summed); 100 % = one core of ${os.availableParallelism()}:`);
  const cpuRows = [...results.entries()].map(([key, result]) => cpuRow(scenarios[key].title.replace(/, .*$/, '').replace(/ \(.*\)$/, ''), result.cpu));
  console.log(formatTable(['scenario', 'client workers', 'clients total', 'server', 'PostgreSQL', 'bench', 'other', 'machine'], cpuRows));

  const b = loop('b');
  const d = loop('d');
  const perClient = [b, d].filter((r): r is LoopResult => r !== undefined).map((r) => r.perSecond / Math.max(1, r.connected));
  const rateLimited = [b, d].reduce((total, r) => total + (r?.errors.RATE_LIMITED?.count ?? 0), 0);
  if (perClient.length > 0) {
    const throttled = rateLimited > 0 || perClient.some((rate) => rate > defaultLimits.ratePerSec * 0.8);
    console.log(
      `\nrate limit: a closed-loop client sent ${perClient.map((rate) => formatNumber(rate, 1)).join(' / ')} commands/s on average ` +
        `against the default ${defaultLimits.ratePerSec}/s (burst ${defaultLimits.burst}); RATE_LIMITED answers: ${rateLimited} — ` +
        (throttled ? 'the limit THROTTLES the loop: raise it for this bench' : 'the limit does not throttle, left as is'),
    );
  }
  for (const [key, result] of results) {
    if (result.kind !== 'loop') continue;
    for (const [code, tally] of Object.entries(result.errors)) console.log(`${key}: ${tally.count} × ${code}, e.g. ${tally.samples[0] ?? ''}`);
  }

  const verdict = (holds: boolean, value: number) => (Number.isNaN(value) ? 'not measured' : holds ? 'holds' : 'MISSED');
  const targetRows: string[][] = [];
  if (b) {
    targetRows.push(
      ['(b) commands/s', `≥ ${formatNumber(targets.commandsPerSecond)}`, formatNumber(b.perSecond), verdict(b.perSecond >= targets.commandsPerSecond, b.perSecond)],
      ['(b) p99 command → ack', `≤ ${targets.ackP99Ms} ms`, ms(b.ack.p99), verdict(b.ack.p99 <= targets.ackP99Ms, b.ack.p99)],
      ['(b) p99 command → push', `≤ ${targets.pushP99Ms} ms`, ms(b.push.p99), verdict(b.push.p99 <= targets.pushP99Ms, b.push.p99)],
    );
  }
  if (fanout) {
    const last = medianOf(fanout.rounds, (r) => r.lastMs);
    targetRows.push([`(c) last of ${formatNumber(fanout.connected)} watchers, median`, `≤ ${targets.fanoutMs} ms`, ms(last), verdict(last <= targets.fanoutMs, last)]);
  }
  if (targetRows.length > 0) console.log(`\ntargets:\n${formatTable(['figure', 'target', 'measured', 'verdict'], targetRows)}`);
  if (settings.clients !== 1000 || settings.watchers !== 10_000) console.log('(the targets are set for 1000 clients and 10 000 watchers)');
}

function cpuRow(title: string, cpu: CpuShares): string[] {
  const total = cpu.workers.reduce((sum, share) => sum + share, 0);
  // The machine's busy time not accounted for by the processes above: anything else running spoils the figures.
  const other = cpu.machine * os.availableParallelism() - total - cpu.server - cpu.postgres - cpu.bench;
  return [title, cpu.workers.map(percent).join(' + '), percent(total), percent(cpu.server), percent(cpu.postgres), percent(cpu.bench), percent(Math.max(0, other)), percent(cpu.machine)];
}

/** This process's limit of open files (each connection is one), from /proc where there is one. */
function openFilesLimit(): string {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    return line?.split(/\s{2,}/)[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** How busy all cores are over the next `ms` (1 = all of them). */
async function machineBusy(ms: number): Promise<number> {
  const meter = CpuMeter.start();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return meter.stop().machine;
}
