import type { MetricValue, Registry } from 'prom-client';
import { BusError, type Bus, type BusSubscription } from '../bus/index.js';
import type { NodeFigures, Unanswered } from '../protocol/contracts/admin-stats.js';

// A node's figures are its running totals, read from its Prometheus registry (server/metrics.ts):
// the counters and histogram buckets /metrics shows, summed over their labels. Rates and
// percentiles are the reader's to compute from two readings, as Prometheus' `rate` and
// `histogram_quantile` would (the dashboard does).

/** The subject a node answers requests for its figures on, next to its `g.node.<id>` (cluster/router.ts). */
export const statsSubject = (node: string): string => `g.node.${node}.stats`;

/** A metric's values; a histogram's carry the name of the series each belongs to (`_bucket`, `_sum`, `_count`). */
async function values(registry: Registry, name: string): Promise<Array<MetricValue<string> & { metricName?: string }>> {
  const metric = registry.getSingleMetric(name);
  return metric ? (await metric.get()).values : [];
}

/** This node's figures, from its registry. */
export async function readFigures(node: string, registry: Registry): Promise<NodeFigures> {
  const commands: Record<string, number> = {};
  for (const { labels, value } of await values(registry, 'gamifier_commands_total')) {
    const outcome = String(labels.outcome ?? 'unknown');
    commands[outcome] = (commands[outcome] ?? 0) + value;
  }
  const eventsAppended = (await values(registry, 'gamifier_events_appended_total')).reduce((sum, { value }) => sum + value, 0);
  // The histogram's values: `_bucket` per (actor, le), then `_sum` and `_count` per actor.
  const byBound = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const { labels, value, metricName } of await values(registry, 'gamifier_command_duration_seconds')) {
    if (metricName?.endsWith('_bucket')) {
      const le = Number(labels.le);
      if (Number.isFinite(le)) byBound.set(le, (byBound.get(le) ?? 0) + value);
    } else if (metricName?.endsWith('_count')) count += value;
    else if (metricName?.endsWith('_sum')) sum += value;
  }
  const buckets = [...byBound.keys()].sort((a, b) => a - b);
  return { node, at: Date.now(), commands, eventsAppended, commandLatency: { buckets, counts: buckets.map((le) => byBound.get(le)!), count, sum } };
}

/**
 * Answers requests for this node's figures on its own subject, on NATS in a cluster and on the
 * in-process bus alone.
 *
 * @example
 * const sub = serveFigures(bus, 'n1', metrics.registry); // … sub.unsubscribe() on stop
 */
export function serveFigures(bus: Bus, node: string, registry: Registry): BusSubscription {
  return bus.serve(statsSubject(node), () => readFigures(node, registry));
}

/**
 * Every member's figures: this node's read here, the others' asked over the bus at once, each
 * within `timeoutMs`; those that did not answer are named with the bus' error code.
 */
export async function gatherFigures(
  bus: Bus,
  self: { node: string; registry: Registry },
  members: readonly string[],
  timeoutMs: number,
): Promise<{ nodes: NodeFigures[]; unanswered: Unanswered[] }> {
  const others = members.filter((node) => node !== self.node);
  const answers: Array<NodeFigures | Unanswered> = await Promise.all([
    readFigures(self.node, self.registry),
    ...others.map((node) =>
      bus.request(statsSubject(node), {}, { timeoutMs }).then(
        (reply) => reply as NodeFigures,
        (error: unknown): Unanswered => ({ node, code: error instanceof BusError ? error.code : 'INTERNAL' }),
      ),
    ),
  ]);
  const nodes = answers.filter((answer): answer is NodeFigures => 'commands' in answer);
  const unanswered = answers.filter((answer): answer is Unanswered => 'code' in answer);
  return { nodes, unanswered };
}
