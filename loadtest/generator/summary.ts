import { formatNumber, formatTable, Latency } from '../bench/stats.js';
import { latencyKinds, type LatencyKind, type MergedSecond } from './metrics.js';
import { verdict, type Progress, type RunResult } from './run.js';
import { scenarios } from './scenarios/index.js';

/** The push budget of DESIGN.md: p99 from a command to the watchers' screens. */
export const PUSH_P99_BUDGET_MS = 100;

const latencyNames: Record<LatencyKind, string> = {
  ack: 'command → ack',
  push: 'command → own push (user/<id>)',
  ranking: 'command → ranking push (every watcher)',
  resumed: 'any of these across a (re)connection',
};

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value >= 100 ? 0 : 2) : '–');

/** The live line: `[ 12/30 s] connected 200/200 | cmd/s 410 | ack p99 8.1 ms | push p99 9.3 ms | errors 0 | missed 0 | dup 0`. */
export function formatProgress(p: Progress): string {
  const clock = `${Math.floor(p.elapsedS).toString().padStart(String(p.durationS).length)}/${p.durationS} s`;
  return [
    `[${clock}${p.phase === 'settle' ? ' settling' : ''}]`,
    `connected ${p.connected}/${p.clients}`,
    `cmd/s ${formatNumber(p.commandsPerSecond, 0)}`,
    `ack p99 ${ms(p.ackP99)} ms`,
    `push p99 ${ms(p.pushP99)} ms`,
    `errors ${p.errors}`,
    `missed ${p.gaps}`,
    `dup ${p.duplicated}`,
  ].join(' | ');
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  mean: number | null;
}

const finite = (value: number) => (Number.isFinite(value) ? Math.round(value * 1000) / 1000 : null);

export function summarizeLatency(latency: Latency): LatencySummary {
  return {
    count: latency.count,
    p50: finite(latency.percentile(50)),
    p90: finite(latency.percentile(90)),
    p99: finite(latency.percentile(99)),
    p999: finite(latency.percentile(99.9)),
    max: finite(latency.max),
    mean: finite(latency.mean),
  };
}

/**
 * The latencies of the seconds after the ramp-up and before the end of the load: the steady
 * state, without the burst of players connecting, registering and joining.
 */
export function steadyLatency(result: RunResult): { fromS: number; toS: number; latency: Record<LatencyKind, Latency> } {
  const fromS = Math.ceil(result.options.rampS) + 1;
  const toS = result.options.durationS;
  const latency = Object.fromEntries(latencyKinds.map((kind) => [kind, new Latency()])) as Record<LatencyKind, Latency>;
  for (const second of result.timeline.seconds()) {
    if (second.second < fromS || second.second >= toS) continue;
    for (const kind of latencyKinds) latency[kind].add(second.latency[kind]);
  }
  return { fromS, toS, latency };
}

/** Load seconds only (the settle time after them carries no commands). */
function loadSeconds(result: RunResult): MergedSecond[] {
  return result.timeline.seconds().filter((second) => second.second < result.options.durationS);
}

/** The result as JSON: options, totals, latencies, per-second series, errors, challenges, workers. */
export function resultJson(result: RunResult, context: { command: string; machine: string[] }) {
  const { timeline, options } = result;
  const seconds = timeline.seconds();
  const latency = Object.fromEntries(latencyKinds.map((kind) => [kind, summarizeLatency(timeline.latency[kind])])) as Record<LatencyKind, LatencySummary>;
  const steady = steadyLatency(result);
  const pushP99 = latency.push.p99;
  return {
    command: context.command,
    machine: context.machine,
    startedAt: result.startedAt,
    runTag: result.runTag,
    options,
    ok: result.ok,
    failures: verdict(result),
    totals: { ...timeline.totals, ...result.totals },
    latencyMs: latency,
    latencyMsAfterRampUp: {
      fromSecond: steady.fromS,
      toSecond: steady.toS,
      ...Object.fromEntries(latencyKinds.map((kind) => [kind, summarizeLatency(steady.latency[kind])])),
    },
    pushBudget: { p99Ms: PUSH_P99_BUDGET_MS, met: pushP99 === null ? null : pushP99 < PUSH_P99_BUDGET_MS },
    errors: result.errors,
    challenges: result.challenges,
    workers: result.workers.map(({ worker, players, cpu, machine }) => ({ worker, players, cpu, machine })),
    seconds: seconds.map((second) => ({
      second: second.second,
      ...second.counts,
      latencyMs: Object.fromEntries(
        latencyKinds
          .filter((kind) => second.latency[kind].count > 0)
          .map((kind) => [kind, { count: second.latency[kind].count, p50: finite(second.latency[kind].percentile(50)), p99: finite(second.latency[kind].percentile(99)) }]),
      ),
    })),
  };
}

/** The summary table, as Markdown (it reads as plain text too). */
export function summaryMarkdown(result: RunResult, context: { command: string; machine: string[]; files?: string[] }): string {
  const { timeline, options, totals } = result;
  const load = loadSeconds(result);
  const rate = (key: 'sent' | 'acked' | 'pushes' | 'rankingUpdates') => {
    const values = load.map((second) => second.counts[key]);
    const mean = values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
    return [formatNumber(timeline.totals[key], 0), formatNumber(mean, 1), formatNumber(Math.max(0, ...values), 0)];
  };
  const failures = verdict(result);
  const pushP99 = timeline.latency.push.percentile(99);
  const rankingP99 = timeline.latency.ranking.percentile(99);
  const cpu = result.workers.reduce((total, worker) => total + worker.cpu, 0);
  const busiest = Math.max(0, ...result.workers.map((worker) => worker.cpu));
  const steady = steadyLatency(result);
  const lines = [
    `# Load test: ${options.scenario}`,
    '',
    scenarios[options.scenario].about,
    '',
    `- command: \`${context.command}\``,
    `- started: ${result.startedAt} (run ${result.runTag})`,
    `- server: ${options.url} over ${options.protocol}`,
    `- ${options.clients} clients on ${result.workers.length} worker process(es), ${options.durationS} s (ramp-up ${options.rampS} s), mean think time ${options.thinkMs} ms` +
      (options.scenario === 'reconnect-storm' ? `, a wave of drops every ${options.waveEveryS} s (${Math.round(options.waveFraction * 100)} % of connections)` : ''),
    ...context.machine.map((fact) => `- ${fact}`),
    '',
    '## Throughput',
    '',
    formatTable(
      ['', 'total', 'mean per s', 'peak per s'],
      [
        ['commands sent', ...rate('sent')],
        ['commands acked', ...rate('acked')],
        ['pushes received', ...rate('pushes')],
        ['ranking updates received', ...rate('rankingUpdates')],
      ],
    ),
    '',
    '## Latency (ms)',
    '',
    formatTable(
      ['', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'],
      latencyKinds.map((kind) => {
        const l = timeline.latency[kind];
        return [latencyNames[kind], formatNumber(l.count, 0), ...[50, 90, 99, 99.9].map((p) => ms(l.percentile(p))), ms(l.max)];
      }),
    ),
    '',
    `After the ramp-up (seconds ${steady.fromS} to ${steady.toS}):`,
    '',
    formatTable(
      ['', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'],
      latencyKinds.map((kind) => {
        const l = steady.latency[kind];
        return [latencyNames[kind], formatNumber(l.count, 0), ...[50, 90, 99, 99.9].map((p) => ms(l.percentile(p))), ms(l.max)];
      }),
    ),
    '',
    `Push budget (p99 < ${PUSH_P99_BUDGET_MS} ms): own push ${budget(pushP99)} (after the ramp-up ${budget(steady.latency.push.percentile(99))}), ` +
      `ranking push ${budget(rankingP99)} (after the ramp-up ${budget(steady.latency.ranking.percentile(99))}).`,
    '',
    '## Correctness',
    '',
    formatTable(
      ['errors', 'missed', 'gaps', 'duplicated', 'resumed by snap', 'connects', 'drops', 'resent in flight', 'of which applied before'],
      [
        [
          totals.errors,
          totals.missed,
          totals.gaps,
          totals.duplicated,
          totals.resnaps,
          timeline.totals.connects,
          timeline.totals.drops,
          timeline.totals.resent,
          timeline.totals.resentApplied,
        ].map((n) => String(n)),
      ],
    ),
  ];
  if (Object.keys(result.errors).length > 0) {
    lines.push('', formatTable(['error', 'count', 'example'], Object.entries(result.errors).map(([code, tally]) => [code, String(tally.count), tally.samples[0] ?? ''])));
  }
  if (result.challenges.length > 0) {
    lines.push(
      '',
      formatTable(
        ['challenge', 'watchers', 'final version', 'watchers behind', 'events they lack'],
        result.challenges.map((c) => [c.challengeId, String(c.watchers), String(c.version), String(c.behind), String(c.missed)]),
      ),
    );
  }
  lines.push(
    '',
    '## Generator',
    '',
    `${result.workers.length} worker(s) used ${cpu.toFixed(2)} core(s) in all, the busiest ${busiest.toFixed(2)}` +
      (busiest > 0.85 ? ' — close to a full core: the generator may have limited this run; add --workers.' : '.'),
    `The machine's cores were ${Math.round(Math.max(0, ...result.workers.map((worker) => worker.machine)) * 100)} % busy (server and generator together when they share it).`,
    '',
    failures.length === 0 ? '**PASS**: no error, no missed or duplicated event.' : `**FAIL**: ${failures.join('; ')}.`,
  );
  if (context.files) lines.push('', ...context.files.map((file) => `- ${file}`));
  return lines.join('\n') + '\n';
}

function budget(p99: number): string {
  if (!Number.isFinite(p99)) return 'not measured';
  return `${ms(p99)} ms ${p99 < PUSH_P99_BUDGET_MS ? 'within' : 'OVER'}`;
}
