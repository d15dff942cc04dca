import type { Registry } from 'prom-client';
import type { Bus } from '../bus/index.js';
import { joinCluster, type ClusterNode } from '../cluster/index.js';
import { connectPostgres, type OpenStore } from '../store/index.js';
import { clusterMetrics } from './cluster-metrics.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';

/**
 * The cluster this node joins: with NATS_URL and PostgreSQL (the arbiter of membership and shard
 * leases). Without NATS_URL the node is a cluster of one and owns every actor, as with PGlite,
 * which no other process can share.
 */
export async function openClusterNode(
  config: Config,
  store: OpenStore,
  bus: Bus,
  log: Logger,
  registry: Registry,
  stats: () => Record<string, unknown>,
  signal?: AbortSignal,
): Promise<ClusterNode | undefined> {
  if (!config.natsUrl) return undefined;
  if (store.kind !== 'postgres' || !config.databaseUrl) {
    log.warn({ natsUrl: config.natsUrl }, 'NATS_URL is set but the database is the embedded PGlite: no cluster; this node serves every actor');
    return undefined;
  }
  const { shards, leaseTtlMs, renewMs } = config.cluster;
  // A connection of its own: renewals never queue behind the store's writes, and its backend
  // lives and dies with this process (how the others notice a crash before the lease runs out).
  const sql = connectPostgres(config.databaseUrl, {
    max: 1,
    applicationName: `gamifier-cluster-${config.nodeName}`,
    ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
    settings: { statement_timeout: String(leaseTtlMs) },
  });
  try {
    const node = await joinCluster({
      sql,
      bus,
      node: config.nodeName,
      address: `${config.host}:${config.port}`,
      shardCount: shards,
      ttlMs: leaseTtlMs,
      renewMs,
      storeAvailable: () => store.health.state.up,
      stats,
      metrics: clusterMetrics(registry),
      log,
      ...(signal ? { signal } : {}),
    });
    log.info({ node: config.nodeName, leaseTtlMs, renewMs }, 'cluster member: actors are sharded across the nodes of this database');
    return node;
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw error;
  }
}

/**
 * `GET /v1/admin/cluster`: the cluster's members, shards and handoffs; a node outside a cluster
 * answers `clustered: false` with itself as the only member, holding every actor.
 */
export async function clusterStatus(cluster: ClusterNode | undefined, alone: () => Record<string, unknown> & { name: string }): Promise<Record<string, unknown>> {
  if (cluster) return { clustered: true, ...(await cluster.status()) };
  const self = alone();
  return { clustered: false, node: self.name, members: [{ nodeId: self.name, ...self, status: 'up', live: true, shards: 'all' }], shards: [], handoffs: [] };
}
