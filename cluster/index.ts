/** The cluster's public face (see cluster/README.md). */
export { DEFAULT_SHARD_COUNT, desiredOwner, plannedMoves, shardOf, type Move } from './shards.js';
export { joinCluster, ClusterNode, type ClusterOptions, type ClusterStatus } from './cluster.js';
export type { ClusterMetrics, ClusterLog } from './metrics.js';
export type { ClusterWork } from './singleton.js';
export {
  acquire,
  afterGrant,
  afterRelease,
  afterRenewal,
  emptyLeaseDb,
  join,
  leaseLive,
  mayServe,
  minimumMargin,
  noBelief,
  release,
  renew,
  servingUntil,
  type Incarnation,
  type LeaseDb,
  type MemberRow,
  type MemberStatus,
  type NodeBelief,
  type Outcome,
  type Refusal,
  type ShardRow,
  type Step,
} from './lease-protocol.js';
