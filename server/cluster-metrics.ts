import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ClusterMetrics } from '../cluster/index.js';

/** The cluster's figures as `gamifier_cluster_*` (docs/OPERATIONS.md says what each means). */
export function clusterMetrics(registry: Registry): ClusterMetrics {
  const registers = [registry];
  const shards = new Gauge({ name: 'gamifier_cluster_shards_owned', help: 'Shards this node holds', registers });
  const serving = new Gauge({ name: 'gamifier_cluster_serving', help: '1 while this node’s lease is surely live by its own clock, else 0', registers });
  const members = new Gauge({ name: 'gamifier_cluster_members', help: 'Live members of the cluster, by status', labelNames: ['status'], registers });
  const handoffs = new Counter({
    name: 'gamifier_cluster_handoffs_total',
    help: 'Shards taken (in: released by their holder, or its lease expired) and handed over (out: rebalance, drain)',
    labelNames: ['direction', 'reason'],
    registers,
  });
  const inFlight = new Gauge({ name: 'gamifier_cluster_handoffs_in_flight', help: 'Shards this node is draining to hand over', registers });
  const retries = new Counter({
    name: 'gamifier_cluster_routing_retries_total',
    help: 'Commands sent again because their shard was moving, held elsewhere, or its holder did not answer',
    labelNames: ['reason'],
    registers,
  });
  const remote = new Histogram({
    name: 'gamifier_cluster_remote_command_seconds',
    help: 'Commands this node sent to the node holding their shard: from request to answer',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const renewals = new Counter({ name: 'gamifier_cluster_lease_renewals_total', help: 'Lease renewals, by result', labelNames: ['result'], registers });
  const late = new Counter({
    name: 'gamifier_cluster_lease_renewals_late_total',
    help: 'Renewals that started or came back later than the renewal interval, or failed: a stalled event loop or a slow database',
    registers,
  });
  return {
    shardsOwned: (count) => shards.set(count),
    serving: (valid) => serving.set(valid ? 1 : 0),
    members: (byStatus) => {
      for (const [status, count] of Object.entries(byStatus)) members.set({ status }, count);
    },
    handoff: (direction, reason) => handoffs.inc({ direction, reason }),
    handoffsInFlight: (count) => inFlight.set(count),
    routingRetry: (reason) => retries.inc({ reason }),
    remoteCommand: (seconds) => remote.observe(seconds),
    renewal: (result) => renewals.inc({ result }),
    renewalLate: () => late.inc(),
  };
}
