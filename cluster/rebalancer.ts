import type { ClusterState, LeaseStore, Me } from './lease-store.js';
import type { ClusterLog, ClusterMetrics } from './metrics.js';
import type { ShardClaims } from './shard-claims.js';
import { plannedMoves } from './shards.js';
import type { ShardOwner } from './router.js';

export interface RebalancerOptions {
  leases: LeaseStore;
  claims: ShardClaims;
  me(): Me;
  /** Between reads of the shard table (a move announced by another node reads it at once). */
  tickMs: number;
  /** Voluntary moves per round, as a fraction of the shards (taking over orphans is never capped). */
  maxFraction: number;
  /** Wait for a shard's commands, passivate its actors; stop cluster-wide work if shard 0 goes. */
  drain(shards: number[]): Promise<void>;
  /** Shards this node was granted (start cluster-wide work if shard 0 is among them). */
  granted(shards: number[]): void;
  /** Shards this node found it no longer holds (taken after its lease lapsed). */
  dropped(shards: number[]): Promise<void>;
  /** Tell the other nodes that shards changed hands, so they read the table now. */
  announce(): void;
  metrics: ClusterMetrics;
  log: ClusterLog;
}

export interface Handoff {
  shard: number;
  to: string | undefined;
  since: string;
}

/**
 * Brings this node's shards toward the desired owners (rendezvous hashing over the live members
 * with status `up`): takes orphaned and released shards it should hold at once, hands over shards
 * another member should hold at most `maxFraction` of the shards per round (all of them when this
 * node is leaving), and keeps the shard table the router reads.
 */
export class Rebalancer {
  state: ClusterState = { members: [], shards: [] };
  readonly handoffs = new Map<number, Handoff>();
  private readonly hints = new Map<number, string>();
  private readonly unreleased = new Set<number>();
  private leaving = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private roundDone!: () => void;
  /** Resolves once the first round has run: the shards this node should hold right away are taken. */
  readonly firstRound = new Promise<void>((resolve) => (this.roundDone = resolve));

  constructor(private readonly options: RebalancerOptions) {}

  start(): void {
    this.poke();
  }

  /** Reads the table and acts now (or right after the round in progress). */
  poke(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.ticking = this.tick()
      .catch((error: unknown) => this.options.log.warn({ err: error }, 'shard round failed; retrying'))
      .finally(() => {
        this.ticking = undefined;
        this.roundDone();
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.poke();
        } else this.timer = setTimeout(() => this.poke(), this.options.tickMs);
      });
  }

  /** Hands every shard over; resolves once none is held (or `timeoutMs` passed). */
  async leave(timeoutMs: number): Promise<boolean> {
    this.leaving = true;
    const until = performance.now() + timeoutMs;
    while (performance.now() < until) {
      if (this.options.claims.held.size === 0 && this.unreleased.size === 0 && this.handoffs.size === 0) return true;
      this.poke();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
  }

  owner(shard: number): ShardOwner | undefined {
    const hinted = this.hints.get(shard);
    if (hinted !== undefined) return { node: hinted, live: true };
    const row = this.state.shards[shard];
    return row?.owner && row.state === 'held' ? { node: row.owner, live: row.ownerLive } : undefined;
  }

  hint(shard: number, node: string): void {
    this.hints.set(shard, node);
  }

  private async tick(): Promise<void> {
    const { leases, claims, metrics } = this.options;
    const me = this.options.me();
    const expired = await leases.expireDeadSessions(me);
    if (expired.length > 0) this.options.log.warn({ nodes: expired }, 'members whose process died: their leases end now');
    const state = await leases.read();
    this.state = state;
    this.hints.clear();
    await this.reconcile(state, me);
    if (this.unreleased.size > 0) await this.release([...this.unreleased], me);

    const byStatus: Record<string, number> = { joining: 0, up: 0, leaving: 0 };
    for (const member of state.members) if (member.live) byStatus[member.status] = (byStatus[member.status] ?? 0) + 1;
    metrics.members(byStatus);
    const live = state.members.filter((member) => member.live && member.status === 'up').map((member) => member.node);
    const owners = state.shards.map((row) => (row.state === 'held' && row.ownerLive ? (row.owner ?? undefined) : undefined));
    const moves = plannedMoves(owners, live, this.options.maxFraction);

    if (!this.leaving && claims.leaseValid) {
      const wanted = moves.filter((move) => move.to === me.node && move.reason === 'orphaned' && !claims.held.has(move.shard));
      if (wanted.length > 0) await this.acquire(wanted.map((move) => move.shard), me);
    }
    const out = this.leaving
      ? [...claims.held.keys()].filter((shard) => !claims.moving.has(shard))
      : moves.filter((move) => move.reason === 'rebalance' && move.from === me.node && claims.held.has(move.shard) && !claims.moving.has(move.shard)).map((move) => move.shard);
    if (out.length > 0) {
      const to = new Map(moves.map((move) => [move.shard, move.to]));
      void this.handOff(out, to, this.leaving ? 'drain' : 'rebalance', me);
    }
    metrics.shardsOwned(claims.held.size);
  }

  /** Shards this node believes it holds but the table gives to someone else (its lease lapsed). */
  private async reconcile(state: ClusterState, me: Me): Promise<void> {
    const { claims } = this.options;
    const lost: number[] = [];
    for (const [shard, epoch] of claims.held) {
      const row = state.shards[shard];
      if (!row || row.state !== 'held' || row.owner !== me.node || row.incarnation !== me.incarnation || row.epoch !== epoch) lost.push(shard);
    }
    if (lost.length === 0) return;
    for (const shard of lost) claims.released(shard);
    this.options.log.warn({ shards: lost.length }, 'shards taken by another node while this one could not renew: dropped');
    await this.options.dropped(lost);
  }

  private async acquire(shards: number[], me: Me): Promise<void> {
    const { claims, metrics } = this.options;
    const grants = await this.options.leases.acquire(me, shards);
    const taken: number[] = [];
    for (const [shard, grant] of grants) {
      if (!claims.granted(shard, grant.epoch)) continue;
      taken.push(shard);
      metrics.handoff('in', grant.was);
    }
    if (taken.length === 0) return;
    this.options.log.info({ shards: taken.length, held: claims.held.size }, 'shards acquired');
    this.options.granted(taken);
    this.options.announce();
  }

  /** Drains the shards (their commands answered, their actors passivated), then releases them. */
  private async handOff(shards: number[], to: Map<number, string>, reason: 'rebalance' | 'drain', me: Me): Promise<void> {
    const { claims, metrics } = this.options;
    const since = new Date().toISOString();
    for (const shard of shards) {
      claims.moving.add(shard);
      this.handoffs.set(shard, { shard, to: to.get(shard), since });
    }
    metrics.handoffsInFlight(this.handoffs.size);
    try {
      await this.options.drain(shards);
      for (const shard of shards) {
        claims.released(shard);
        this.unreleased.add(shard);
        metrics.handoff('out', reason);
      }
      await this.release(shards, me);
    } catch (error) {
      this.options.log.warn({ err: error, shards: shards.length }, 'handoff failed; the shards are released at the next round');
    } finally {
      for (const shard of shards) {
        claims.moving.delete(shard);
        this.handoffs.delete(shard);
      }
      metrics.handoffsInFlight(this.handoffs.size);
      metrics.shardsOwned(claims.held.size);
    }
  }

  private async release(shards: number[], me: Me): Promise<void> {
    await this.options.leases.release(me, shards);
    for (const shard of shards) this.unreleased.delete(shard);
    this.options.announce();
  }
}
