import type { Ownership } from '../actors/runtime/index.js';
import { afterGrant, afterRelease, mayServe, servingUntil, type NodeBelief } from './lease-protocol.js';
import { shardOf } from './shards.js';

/**
 * What this node believes it may serve, by its own monotonic clock (lease-protocol.ts), and what
 * it is doing with each shard: commands in flight, shards being handed over. The runtime asks it
 * before every write (`admits`) and stamps the shard's epoch into each event (`epochOf`).
 *
 * @example
 * const claims = new ShardClaims(512, { ttlMs: 5000, marginMs: 1000 });
 * claims.renewed(startedAt); claims.granted(7, 3);
 * claims.serves(7) // → true until startedAt + 4000 on the local clock
 */
export class ShardClaims implements Ownership {
  private belief: NodeBelief = { held: new Map(), released: new Map(), servingUntil: -Infinity };
  private readonly inflight: Uint32Array;
  /** Shards being handed over: commands already taken finish; new ones are answered MOVING. */
  readonly moving = new Set<number>();

  constructor(
    readonly shardCount: number,
    private readonly lease: { ttlMs: number; marginMs: number },
    private readonly now: () => number = () => performance.now(),
  ) {
    this.inflight = new Uint32Array(shardCount);
  }

  shardOf(address: string): number {
    return shardOf(address, this.shardCount);
  }

  /** Held, and the lease surely live by the local clock. */
  serves(shard: number): boolean {
    return mayServe(this.belief, shard, this.now());
  }

  admits(address: string): boolean {
    return this.serves(this.shardOf(address));
  }

  epochOf(address: string): number | undefined {
    return this.belief.held.get(this.shardOf(address));
  }

  /** Whether the lease is surely live by the local clock (whatever shards are held). */
  get leaseValid(): boolean {
    return this.now() < this.belief.servingUntil;
  }

  /** How much longer the lease is surely live by the local clock. */
  servingForMs(): number {
    return Math.max(0, this.belief.servingUntil - this.now());
  }

  get held(): ReadonlyMap<number, number> {
    return this.belief.held;
  }

  /** A renewal sent at local time `startedAt` was accepted. */
  renewed(startedAt: number): void {
    const until = servingUntil(startedAt, this.lease.ttlMs, this.lease.marginMs);
    if (until > this.belief.servingUntil) this.belief = { ...this.belief, servingUntil: until };
  }

  /** The lease is gone (refused, or a new incarnation starts): nothing is served any more. */
  lost(): number[] {
    const shards = [...this.belief.held.keys()];
    for (const shard of shards) this.belief = afterRelease(this.belief, shard);
    this.belief = { ...this.belief, servingUntil: -Infinity };
    return shards;
  }

  /** The database granted `shard` at `epoch`; false when the grant is stale (lease-protocol `afterGrant`). */
  granted(shard: number, epoch: number): boolean {
    const before = this.belief;
    this.belief = afterGrant(this.belief, shard, epoch);
    return this.belief !== before;
  }

  /** This node stopped serving `shard`, before telling the database. */
  released(shard: number): void {
    this.belief = afterRelease(this.belief, shard);
    this.moving.delete(shard);
  }

  enter(shard: number): void {
    this.inflight[shard]! += 1;
  }

  leave(shard: number): void {
    this.inflight[shard]! -= 1;
  }

  /** Commands of these shards being handled now. */
  inFlight(shards: Iterable<number>): number {
    let count = 0;
    for (const shard of shards) count += this.inflight[shard]!;
    return count;
  }
}
