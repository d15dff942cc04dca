import { Latency } from '../bench/stats.js';

/**
 * Per-second figures of a load run. Workers count into `SecondBuckets` and ship every finished
 * second to the parent as a `SecondReport` (histograms HDR-encoded); the parent merges the
 * reports of all workers into a `Timeline`, whose seconds and totals feed the progress line, the
 * summary and the plot.
 */
/**
 * `resent`: commands on the wire when their connection dropped, sent again (same id) on the next
 * one and answered there; `resentApplied`: of those, the ones whose first attempt the server had
 * already applied (answered `duplicate: true`): the command was applied once all the same.
 */
export const counterKinds = ['sent', 'acked', 'errors', 'pushes', 'rankingUpdates', 'connects', 'drops', 'resent', 'resentApplied'] as const;
export type CounterKind = (typeof counterKinds)[number];

/**
 * ack: command → its ack; push: command → its event pushed to the player's own `user/` watch;
 * ranking: command → the ranking update it caused, pushed to every watcher of the challenge;
 * resumed: any of these when a reconnection came between (the command, or the watcher's
 * connection, was caught by a drop): the push budget is for connected screens, so they are kept apart.
 */
export const latencyKinds = ['ack', 'push', 'ranking', 'resumed'] as const;
export type LatencyKind = (typeof latencyKinds)[number];

export type Counts = Record<CounterKind, number>;

export interface SecondReport {
  /** Whole seconds since the run's zero. */
  second: number;
  counts: Counts;
  /** Encoded latencies (`Latency.encode`), for the kinds with any value this second. */
  latency: Partial<Record<LatencyKind, string>>;
}

/** The wall clock in ms with sub-ms precision, comparable across the processes of one machine. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export const zeroCounts = (): Counts => ({ sent: 0, acked: 0, errors: 0, pushes: 0, rankingUpdates: 0, connects: 0, drops: 0, resent: 0, resentApplied: 0 });

interface OpenSecond {
  counts: Counts;
  latency: Partial<Record<LatencyKind, Latency>>;
}

/** A worker's figures, by the second in which they happened. */
export class SecondBuckets {
  private readonly open = new Map<number, OpenSecond>();

  constructor(
    /** The run's zero (epoch ms), the same in every worker. */
    private readonly zeroMs: number,
    private readonly now: () => number = epochNow,
  ) {}

  count(kind: CounterKind, n = 1, at = this.now()): void {
    this.at(at).counts[kind] += n;
  }

  latency(kind: LatencyKind, ms: number, at = this.now()): void {
    const second = this.at(at);
    (second.latency[kind] ??= new Latency()).record(Math.max(0, ms));
  }

  /** Takes out the seconds that have ended (all of them with `everything`), oldest first. */
  drain(everything = false): SecondReport[] {
    const current = this.secondOf(this.now());
    const done = [...this.open.keys()].filter((second) => everything || second < current).sort((a, b) => a - b);
    return done.map((second) => {
      const { counts, latency } = this.open.get(second)!;
      this.open.delete(second);
      const encoded: SecondReport['latency'] = {};
      for (const kind of latencyKinds) {
        const values = latency[kind];
        if (values && values.count > 0) encoded[kind] = values.encode();
      }
      return { second, counts, latency: encoded };
    });
  }

  private secondOf(at: number): number {
    return Math.max(0, Math.floor((at - this.zeroMs) / 1_000));
  }

  private at(at: number): OpenSecond {
    const second = this.secondOf(at);
    let bucket = this.open.get(second);
    if (!bucket) {
      bucket = { counts: zeroCounts(), latency: {} };
      this.open.set(second, bucket);
    }
    return bucket;
  }
}

export interface MergedSecond {
  second: number;
  counts: Counts;
  latency: Record<LatencyKind, Latency>;
}

const emptyLatencies = (): Record<LatencyKind, Latency> => ({ ack: new Latency(), push: new Latency(), ranking: new Latency(), resumed: new Latency() });

/** Every worker's seconds merged: per second, and in total. */
export class Timeline {
  private readonly bySecond = new Map<number, MergedSecond>();
  readonly totals: Counts = zeroCounts();
  readonly latency: Record<LatencyKind, Latency> = emptyLatencies();

  add(report: SecondReport): void {
    let merged = this.bySecond.get(report.second);
    if (!merged) {
      merged = { second: report.second, counts: zeroCounts(), latency: emptyLatencies() };
      this.bySecond.set(report.second, merged);
    }
    for (const kind of counterKinds) {
      merged.counts[kind] += report.counts[kind];
      this.totals[kind] += report.counts[kind];
    }
    for (const kind of latencyKinds) {
      const encoded = report.latency[kind];
      if (encoded === undefined) continue;
      const values = Latency.decode(encoded);
      merged.latency[kind].add(values);
      this.latency[kind].add(values);
    }
  }

  /** Every second from 0 to the last one with figures, gaps filled with empty seconds. */
  seconds(): MergedSecond[] {
    const last = Math.max(-1, ...this.bySecond.keys());
    return Array.from(
      { length: last + 1 },
      (_, second) => this.bySecond.get(second) ?? { second, counts: zeroCounts(), latency: emptyLatencies() },
    );
  }

  second(second: number): MergedSecond | undefined {
    return this.bySecond.get(second);
  }
}
