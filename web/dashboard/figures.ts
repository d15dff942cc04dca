import type { ClusterStats, NodeFigures } from './admin-api.js';

/**
 * Rates and percentiles from two readings of the nodes' running totals (GET /v1/admin/stats), as
 * Prometheus' `rate` and `histogram_quantile` compute them: the dashboard keeps no figures of
 * its own, only the differences between what the metrics said a second apart.
 */

/** What one node (or the cluster) did between two readings. */
export interface Interval {
  seconds: number;
  commands: number;
  events: number;
  /** Commands per latency bucket (cumulative, like the histogram), and the bounds in seconds. */
  buckets: number[];
  counts: number[];
  count: number;
}

/** One point of the charts: per second, and latency in milliseconds (null: no command in the interval). */
export interface Point {
  commandsPerSec: number;
  eventsPerSec: number;
  p50: number | null;
  p99: number | null;
}

export const totalCommands = (figures: NodeFigures): number => Object.values(figures.commands).reduce((sum, n) => sum + n, 0);

/** A counter's increase; a smaller reading means the node restarted, and counts from zero. */
const increase = (before: number, after: number) => (after >= before ? after - before : after);

export function interval(before: NodeFigures, after: NodeFigures): Interval {
  const restarted = totalCommands(after) < totalCommands(before) || after.commandLatency.count < before.commandLatency.count;
  const base = restarted ? undefined : before;
  return {
    seconds: Math.max(0.001, (after.at - before.at) / 1_000),
    commands: increase(base ? totalCommands(base) : 0, totalCommands(after)),
    events: increase(base?.eventsAppended ?? 0, after.eventsAppended),
    buckets: after.commandLatency.buckets,
    counts: after.commandLatency.counts.map((count, i) => increase(base?.commandLatency.counts[i] ?? 0, count)),
    count: increase(base?.commandLatency.count ?? 0, after.commandLatency.count),
  };
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside its bucket (0 below the
 * first bound); past the last finite bound it is that bound. Seconds; undefined when empty.
 */
export function quantile(q: number, buckets: readonly number[], counts: readonly number[], count: number): number | undefined {
  if (count <= 0) return undefined;
  const rank = q * count;
  for (let i = 0; i < buckets.length; i++) {
    const cumulative = counts[i] ?? 0;
    if (cumulative >= rank) {
      const lower = i === 0 ? 0 : buckets[i - 1]!;
      const below = i === 0 ? 0 : (counts[i - 1] ?? 0);
      const inBucket = cumulative - below;
      return inBucket > 0 ? lower + (buckets[i]! - lower) * ((rank - below) / inBucket) : buckets[i]!;
    }
  }
  return buckets.at(-1);
}

export function point(of: Interval): Point {
  const ms = (q: number) => {
    const seconds = quantile(q, of.buckets, of.counts, of.count);
    return seconds === undefined ? null : seconds * 1_000;
  };
  return { commandsPerSec: of.commands / of.seconds, eventsPerSec: of.events / of.seconds, p50: ms(0.5), p99: ms(0.99) };
}

/** The whole cluster: the nodes' rates added up, their latency buckets merged (the same bounds on every node). */
export function clusterPoint(intervals: readonly Interval[]): Point {
  if (intervals.length === 0) return { commandsPerSec: 0, eventsPerSec: 0, p50: null, p99: null };
  const buckets = intervals[0]!.buckets;
  const merged: Interval = {
    seconds: 1,
    commands: 0,
    events: 0,
    buckets,
    counts: buckets.map((_, i) => intervals.reduce((sum, one) => sum + (one.counts[i] ?? 0), 0)),
    count: intervals.reduce((sum, one) => sum + one.count, 0),
  };
  const { p50, p99 } = point(merged);
  return {
    commandsPerSec: intervals.reduce((sum, one) => sum + one.commands / one.seconds, 0),
    eventsPerSec: intervals.reduce((sum, one) => sum + one.events / one.seconds, 0),
    p50,
    p99,
  };
}

/** The charts' history: one x (seconds) per reading, the cluster's points and each node's. */
export interface History {
  times: number[];
  cluster: Point[];
  /** By node; a node absent from a reading has null points there. */
  nodes: Map<string, Array<Point | null>>;
  last: ClusterStats | undefined;
}

export const emptyHistory = (): History => ({ times: [], cluster: [], nodes: new Map(), last: undefined });

/** The history with one more reading (kept to `keep` points); the first reading only sets the base. */
export function record(history: History, reading: ClusterStats, keep = 120): History {
  const before = new Map(history.last?.nodes.map((figures) => [figures.node, figures]) ?? []);
  if (!history.last) return { ...history, last: reading };
  const intervals = new Map<string, Interval>();
  for (const figures of reading.nodes) {
    const previous = before.get(figures.node);
    if (previous && figures.at > previous.at) intervals.set(figures.node, interval(previous, figures));
  }
  const trim = <T,>(values: T[]) => values.slice(Math.max(0, values.length - keep));
  const length = history.times.length;
  const nodes = new Map<string, Array<Point | null>>();
  for (const name of new Set([...history.nodes.keys(), ...reading.nodes.map((figures) => figures.node)])) {
    const past = history.nodes.get(name) ?? Array.from({ length }, () => null);
    const one = intervals.get(name);
    const points = trim([...past, one ? point(one) : null]);
    // A node gone for the whole window leaves the charts.
    if (points.some((value) => value !== null)) nodes.set(name, points);
  }
  return {
    times: trim([...history.times, reading.at / 1_000]),
    cluster: trim([...history.cluster, clusterPoint([...intervals.values()])]),
    nodes,
    last: reading,
  };
}
