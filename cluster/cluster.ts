import type { Sql } from 'postgres';
import type { ActorRuntime, Dispatcher, Ownership } from '../actors/runtime/index.js';
import type { Bus, BusSubscription } from '../bus/index.js';
import { LeaseStore } from './lease-store.js';
import { minimumMargin } from './lease-protocol.js';
import { Membership } from './membership.js';
import type { ClusterLog, ClusterMetrics } from './metrics.js';
import { Rebalancer } from './rebalancer.js';
import { ShardedDispatcher } from './router.js';
import { ShardClaims } from './shard-claims.js';
import { Singleton, type ClusterWork } from './singleton.js';

export interface ClusterOptions {
  /** A connection of the cluster's own (max 1), closed by `stop`. */
  sql: Sql;
  bus: Bus;
  node: string;
  /** host:port, shown to operators. */
  address: string;
  /** Used only when the cluster's tables are first filled. */
  shardCount: number;
  ttlMs: number;
  renewMs: number;
  storeAvailable(): boolean;
  /** This node's figures for /v1/admin/cluster: actors, sessions. */
  stats(): Record<string, unknown>;
  metrics: ClusterMetrics;
  log: ClusterLog;
  signal?: AbortSignal;
}

/** GET /v1/admin/cluster (docs/OPERATIONS.md explains each field). */
export interface ClusterStatus {
  node: string;
  incarnation: string;
  shardCount: number;
  leaseTtlMs: number;
  serving: boolean;
  members: Array<{ nodeId: string; incarnation: string; address: string; status: string; live: boolean; leaseExpiresInMs: number; joinedAt: string; shards: number } & Record<string, unknown>>;
  shards: Array<{ shard: number; owner: string | null; epoch: number; state: string }>;
  handoffs: Array<{ shard: number; from: string; to: string | undefined; since: string }>;
}

/** The subject on which nodes announce that shards changed hands. */
const movedSubject = 'g.cluster.moved';

/**
 * Joins the cluster: prepares the shard table, joins as a fresh incarnation. The runtime is built
 * next with `node.ownership`, then `node.start(runtime, work)` answers the dispatcher.
 *
 * @example
 * const node = await joinCluster({ sql, bus, node: 'n1', address: '10.0.0.5:8080', shardCount: 512, ttlMs: 5000, renewMs: 1000, … });
 * const runtime = new ActorRuntime(types, { …, ownership: node.ownership });
 * const dispatcher = node.start(runtime, { start: () => outbox.start(), stop: () => outbox.stop() });
 * await node.leave(); await node.stop();
 */
export async function joinCluster(options: ClusterOptions): Promise<ClusterNode> {
  // A member whose database session is gone and that has not renewed for this long is dead.
  const leases = new LeaseStore(options.sql, options.ttlMs, Math.max(1_500, options.renewMs * 1.5));
  const shardCount = await leases.prepare(options.shardCount);
  if (shardCount !== options.shardCount) {
    options.log.warn({ configured: options.shardCount, inForce: shardCount }, 'CLUSTER_SHARDS differs from the count the cluster was created with: the stored count holds');
  }
  // Room for the gap between a check and the write it guards (a GC pause, a slow event loop),
  // on top of the clock drift the protocol needs (lease-protocol.ts).
  const marginMs = Math.max(minimumMargin(options.ttlMs, 0.001), options.ttlMs / 5);
  const claims = new ShardClaims(shardCount, { ttlMs: options.ttlMs, marginMs });
  const node = new ClusterNode(options, leases, claims);
  await node.membership.join(options.signal);
  return node;
}

export class ClusterNode {
  readonly membership: Membership;
  private rebalancer: Rebalancer | undefined;
  private router: ShardedDispatcher | undefined;
  private readonly subscriptions: BusSubscription[] = [];
  private work: Singleton | undefined;
  private runtime: ActorRuntime | undefined;

  constructor(
    private readonly options: ClusterOptions,
    private readonly leases: LeaseStore,
    private readonly claims: ShardClaims,
  ) {
    this.membership = new Membership(leases, claims, {
      node: options.node,
      address: options.address,
      renewMs: options.renewMs,
      ttlMs: options.ttlMs,
      stats: () => ({ ...options.stats(), shards: claims.held.size }),
      onLost: (shards) => this.drop(shards),
      metrics: options.metrics,
      log: options.log,
    });
  }

  get ownership(): Ownership {
    return this.claims;
  }

  /** Starts renewing, rebalancing and answering other nodes; answers the sharded dispatcher. */
  start(runtime: ActorRuntime, work: ClusterWork): Dispatcher {
    const { options, claims } = this;
    this.runtime = runtime;
    this.work = new Singleton(work, options.log);
    const rebalancer = new Rebalancer({
      leases: this.leases,
      claims,
      me: () => this.membership.me,
      tickMs: 500,
      maxFraction: 0.1,
      drain: (shards) => this.drain(shards),
      granted: (shards) => {
        if (shards.includes(0)) this.work!.start();
      },
      dropped: (shards) => this.drop(shards),
      announce: () => options.bus.publish(movedSubject, { from: options.node }),
      metrics: options.metrics,
      log: options.log,
    });
    this.rebalancer = rebalancer;
    this.router = new ShardedDispatcher({
      node: options.node,
      runtime,
      claims,
      bus: options.bus,
      owner: (shard) => rebalancer.owner(shard),
      hint: (shard, node) => rebalancer.hint(shard, node),
      refresh: () => rebalancer.poke(),
      storeAvailable: options.storeAvailable,
      metrics: options.metrics,
    });
    this.subscriptions.push(
      this.router.serve(),
      options.bus.subscribe(movedSubject, (_subject, message) => {
        if ((message as { from?: string }).from !== options.node) rebalancer.poke();
      }),
    );
    this.membership.start();
    rebalancer.start();
    return this.router;
  }

  /** Resolves once the first round of shard claims has run and the work it started is up. */
  async ready(): Promise<void> {
    await this.rebalancer?.firstRound;
    await this.work?.settled();
  }

  /** Marks this node leaving and hands every shard over; false if some were still held after `timeoutMs`. */
  async leave(timeoutMs = 10_000): Promise<boolean> {
    const me = this.membership.me;
    await this.leases.markLeaving(me).catch((error: unknown) => this.options.log.warn({ err: error }, 'could not mark this node leaving'));
    this.options.bus.publish(movedSubject, { from: this.options.node });
    const done = (await this.rebalancer?.leave(timeoutMs)) ?? true;
    await this.work?.stop();
    await this.leases.leave(this.membership.me).catch((error: unknown) => this.options.log.warn({ err: error }, 'could not end this node’s lease'));
    this.options.log.info({ handedOver: done }, done ? 'left the cluster: every shard handed over' : 'left the cluster with shards still held: they move when the lease ends');
    return done;
  }

  async stop(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    await this.rebalancer?.stop();
    await this.membership.stop();
    await this.work?.stop();
    await this.options.sql.end({ timeout: 2 });
  }

  /**
   * The node that runs the cluster-wide work (outbox, timers, projectors: the holder of shard 0),
   * as this node last read the shard table; undefined while nobody holds it.
   */
  workNode(): string | undefined {
    if (this.claims.held.has(0)) return this.options.node;
    return this.rebalancer?.owner(0)?.node;
  }

  async status(): Promise<ClusterStatus> {
    const state = await this.leases.read();
    const counts = new Map<string, number>();
    for (const row of state.shards) if (row.state === 'held' && row.owner) counts.set(row.owner, (counts.get(row.owner) ?? 0) + 1);
    return {
      node: this.options.node,
      incarnation: this.membership.me.incarnation,
      shardCount: this.claims.shardCount,
      leaseTtlMs: this.options.ttlMs,
      serving: this.claims.leaseValid,
      members: state.members.map((member) => ({
        ...member.stats,
        nodeId: member.node,
        incarnation: member.incarnation,
        address: member.address,
        status: member.status,
        live: member.live,
        leaseExpiresInMs: member.expiresInMs,
        joinedAt: member.joinedAt,
        shards: counts.get(member.node) ?? 0,
      })),
      shards: state.shards.map((row) => ({ shard: row.shard, owner: row.owner, epoch: row.epoch, state: row.state })),
      handoffs: [...(this.rebalancer?.handoffs.values() ?? [])].map((handoff) => ({ ...handoff, from: this.options.node })),
    };
  }

  /** Waits until the shards' commands are answered, stops cluster-wide work with shard 0, passivates their actors. */
  private async drain(shards: number[]): Promise<void> {
    const until = performance.now() + 10_000;
    while (this.claims.inFlight(shards) > 0 && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.claims.inFlight(shards) > 0) this.options.log.warn({ shards: shards.length }, 'handing shards over with commands still in flight: the store’s version check fences them');
    if (shards.includes(0)) await this.work?.stop();
    this.passivate(shards);
  }

  /** Shards lost without a handoff: their actors go, and cluster-wide work with shard 0. */
  private async drop(shards: number[]): Promise<void> {
    if (shards.includes(0)) await this.work?.stop();
    this.passivate(shards);
  }

  private passivate(shards: number[]): void {
    const set = new Set(shards);
    this.runtime?.passivateWhere((address) => set.has(this.claims.shardOf(address)));
  }
}
