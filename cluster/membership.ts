import { randomUUID } from 'node:crypto';
import type { LeaseStore, Me } from './lease-store.js';
import type { ClusterLog, ClusterMetrics } from './metrics.js';
import type { ShardClaims } from './shard-claims.js';

export interface MembershipOptions {
  node: string;
  /** Where operators reach the node (host:port), shown by /v1/admin/cluster. */
  address: string;
  renewMs: number;
  ttlMs: number;
  /** Figures recorded with each renewal (actors, sessions), for /v1/admin/cluster. */
  stats(): Record<string, unknown>;
  /** The lease was lost (refused, not merely late): drop every actor, stop cluster-wide work. Not awaited. */
  onLost(shards: number[]): Promise<void>;
  metrics: ClusterMetrics;
  log: ClusterLog;
}

/**
 * This node's membership: it joins as a fresh incarnation and renews its lease about once per
 * `renewMs`, timing each renewal from when it was *sent* (ShardClaims.renewed). A renewal that
 * fails leaves the lease to run out on the local clock — the node stops serving by itself before
 * the database could give its shards away. A renewal the database refuses means the lease is gone:
 * the node drops everything and joins again as a new incarnation.
 */
export class Membership {
  private current: Me;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly leases: LeaseStore,
    private readonly claims: ShardClaims,
    private readonly options: MembershipOptions,
  ) {
    this.current = { node: options.node, incarnation: randomUUID() };
  }

  get me(): Me {
    return this.current;
  }

  /** Joins, waiting while an earlier incarnation of this node still holds a live lease. */
  async join(signal?: AbortSignal): Promise<void> {
    for (let waited = false; ; waited = true) {
      const startedAt = performance.now();
      if (await this.leases.join(this.current, this.options.address)) {
        this.claims.renewed(startedAt);
        this.options.log.info({ node: this.current.node, incarnation: this.current.incarnation }, 'joined the cluster');
        return;
      }
      if (!waited) this.options.log.warn({ node: this.current.node }, 'an earlier incarnation of this node still holds a lease: waiting for it to end');
      if (signal?.aborted) throw signal.reason;
      if (this.stopped) return;
      await new Promise((resolve) => setTimeout(resolve, this.options.renewMs));
    }
  }

  /** Renews until stopped. */
  start(): void {
    const tick = (due: number) => {
      this.timer = setTimeout(() => {
        // A timer that fires late is an event loop that stalled: the renewal is late with it.
        if (performance.now() - due > this.options.renewMs) this.options.metrics.renewalLate();
        this.running = this.renew().finally(() => {
          if (!this.stopped) tick(performance.now() + this.options.renewMs);
        });
      }, Math.max(0, due - performance.now()));
    };
    tick(performance.now() + this.options.renewMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async renew(): Promise<void> {
    const { metrics, log } = this.options;
    const startedAt = performance.now();
    let accepted: boolean;
    try {
      accepted = await this.leases.renew(this.current, this.options.stats());
    } catch (error) {
      metrics.renewal('failed');
      metrics.renewalLate();
      metrics.serving(this.claims.leaseValid);
      log.warn({ err: error, servingForMs: Math.round(this.claims.servingForMs()) }, 'lease renewal failed; serving until the lease runs out on this clock');
      return;
    }
    if (performance.now() - startedAt > this.options.renewMs) metrics.renewalLate();
    if (accepted) {
      this.claims.renewed(startedAt);
      metrics.renewal('ok');
      metrics.serving(true);
      return;
    }
    metrics.renewal('failed');
    metrics.serving(false);
    const shards = this.claims.lost();
    log.error({ node: this.current.node, incarnation: this.current.incarnation, shards: shards.length }, 'lease lost: dropping every shard and joining again');
    // Nothing is served any more (the claims are dropped above); passivating and stopping the
    // cluster-wide work go on while the node joins again, so a slow stop never holds up the lease.
    this.options.onLost(shards).catch((error: unknown) => log.error({ err: error }, 'dropping the lost shards failed'));
    this.current = { node: this.current.node, incarnation: randomUUID() };
    if (!this.stopped) await this.join().catch((error: unknown) => log.warn({ err: error }, 'joining again failed; retrying'));
  }
}
