/**
 * The lease protocol of DESIGN.md "Bus and cluster", as pure functions over an explicit model.
 *
 * Two sides, two clocks:
 * - the database (the arbiter): member leases and shard owners, judged by the database's clock
 *   (`dbNow`), which every node's request meets in one serial order;
 * - a node: what it believes it may serve, judged by its own monotonic clock only (`localNow`).
 *
 * The rule that keeps two owners apart: a node renews at local time t0; the database stamps the
 * request at some db time T0 no earlier than the moment it was sent, and grants expiry T0 + ttl;
 * nobody else can acquire the node's shards before then. The node stops serving at local
 * t0 + ttl − margin. If its clock runs at most `driftBound` slow, ttl − margin local units last at
 * most (ttl − margin) / (1 − driftBound) real ones, which is ≤ ttl when margin ≥ ttl × driftBound.
 * Delays before the stamp only push T0 later; delays after it (the reply) cost nothing, because
 * the node counts from when it *sent*, not from when it heard back.
 *
 * Nothing here does I/O or reads a clock: the PostgreSQL tables and the renewal loop will call
 * these rules (see cluster/README.md for what is built).
 */

export type Incarnation = string;
export type MemberStatus = 'joining' | 'up' | 'leaving';

export interface MemberRow {
  readonly node: string;
  /** Fresh per process: a restarted node is a new incarnation and holds nothing. */
  readonly incarnation: Incarnation;
  readonly status: MemberStatus;
  /** Database time at which the lease ends unless renewed before. */
  readonly expiresAt: number;
}

export interface ShardRow {
  readonly shard: number;
  readonly owner: string;
  readonly incarnation: Incarnation;
  /** Bumped by every acquisition: the fence written into every event's metadata. */
  readonly epoch: number;
  readonly state: 'held' | 'released';
}

export interface LeaseDb {
  readonly ttl: number;
  readonly members: ReadonlyMap<string, MemberRow>;
  readonly shards: ReadonlyMap<number, ShardRow>;
}

export type Refusal = 'LEASE_LOST' | 'PREVIOUS_INCARNATION_LIVE' | 'SHARD_HELD' | 'NOT_OWNER';
export type Outcome<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly reason: Refusal };
export interface Step<T> {
  readonly db: LeaseDb;
  readonly outcome: Outcome<T>;
}

/** A database with no members and no owned shards; leases last `ttl` database time units. */
export function emptyLeaseDb(ttl: number): LeaseDb {
  return { ttl, members: new Map(), shards: new Map() };
}

/** Whether `incarnation` of `node` holds a live lease at database time `dbNow`. */
export function leaseLive(db: LeaseDb, node: string, incarnation: Incarnation, dbNow: number): boolean {
  const row = db.members.get(node);
  return row !== undefined && row.incarnation === incarnation && dbNow < row.expiresAt;
}

const withMember = (db: LeaseDb, row: MemberRow): LeaseDb => ({ ...db, members: new Map(db.members).set(row.node, row) });
const withShard = (db: LeaseDb, row: ShardRow): LeaseDb => ({ ...db, shards: new Map(db.shards).set(row.shard, row) });

/**
 * A process joins as a fresh incarnation. Refused while an earlier incarnation of the same node
 * still holds a live lease (it may still be serving); the new one retries once that has expired.
 *
 * @example join(emptyLeaseDb(5000), 'node-a', 'inc-1', 0) // → ok, expiresAt 5000
 */
export function join(db: LeaseDb, node: string, incarnation: Incarnation, dbNow: number): Step<{ expiresAt: number }> {
  const row = db.members.get(node);
  if (row !== undefined && row.incarnation !== incarnation && dbNow < row.expiresAt) return { db, outcome: { ok: false, reason: 'PREVIOUS_INCARNATION_LIVE' } };
  const expiresAt = dbNow + db.ttl;
  return { db: withMember(db, { node, incarnation, status: 'up', expiresAt }), outcome: { ok: true, expiresAt } };
}

/**
 * Extends a live lease to `dbNow + ttl`. An expired lease is never revived (its shards may have
 * been taken): the node must drop everything and join again as a new incarnation.
 *
 * @example renew(db, 'node-a', 'inc-1', 1000) // → ok, expiresAt 6000 (or LEASE_LOST)
 */
export function renew(db: LeaseDb, node: string, incarnation: Incarnation, dbNow: number): Step<{ expiresAt: number }> {
  if (!leaseLive(db, node, incarnation, dbNow)) return { db, outcome: { ok: false, reason: 'LEASE_LOST' } };
  const expiresAt = dbNow + db.ttl;
  return { db: withMember(db, { ...db.members.get(node)!, expiresAt }), outcome: { ok: true, expiresAt } };
}

/**
 * Takes `shard` for `node`'s live incarnation, bumping its epoch, only if nobody holds it, its
 * owner released it, or its owner's lease has expired by the database clock. Taking a shard one
 * already holds is a no-op that returns the current epoch.
 *
 * @example acquire(db, 7, 'node-b', 'inc-9', 12_000) // → ok, epoch 4 (if node-a's lease ended)
 */
export function acquire(db: LeaseDb, shard: number, node: string, incarnation: Incarnation, dbNow: number): Step<{ epoch: number }> {
  if (!leaseLive(db, node, incarnation, dbNow)) return { db, outcome: { ok: false, reason: 'LEASE_LOST' } };
  const row = db.shards.get(shard);
  if (row?.state === 'held' && row.owner === node && row.incarnation === incarnation) return { db, outcome: { ok: true, epoch: row.epoch } };
  if (row?.state === 'held' && leaseLive(db, row.owner, row.incarnation, dbNow)) return { db, outcome: { ok: false, reason: 'SHARD_HELD' } };
  const epoch = (row?.epoch ?? 0) + 1;
  return { db: withShard(db, { shard, owner: node, incarnation, epoch, state: 'held' }), outcome: { ok: true, epoch } };
}

/**
 * Gives `shard` up. The node must have stopped serving it (drained, passivated) before it sends
 * this: from the moment the row says `released`, anyone may take it.
 *
 * @example release(db, 7, 'node-a', 'inc-1') // → ok (or NOT_OWNER)
 */
export function release(db: LeaseDb, shard: number, node: string, incarnation: Incarnation): Step<object> {
  const row = db.shards.get(shard);
  if (row?.state !== 'held' || row.owner !== node || row.incarnation !== incarnation) return { db, outcome: { ok: false, reason: 'NOT_OWNER' } };
  return { db: withShard(db, { ...row, state: 'released' }), outcome: { ok: true } };
}

/**
 * The smallest safe margin for a node whose monotonic clock may run up to `driftBound` (a
 * fraction: 0.001 = 0.1 %) slow against the database's: `ttl × driftBound`. Production should add
 * room on top for the scheduling gap between a check and the work it guards.
 *
 * @example minimumMargin(5000, 0.001) // → 5
 */
export function minimumMargin(ttl: number, driftBound: number): number {
  return ttl * driftBound;
}

/**
 * The node's own view: until which local time its lease is surely still live, given a renewal
 * it *started* (sent) at local time `localRenewStart` and that the database accepted.
 *
 * @example servingUntil(100_000, 5000, 250) // → 104_750 (local clock)
 */
export function servingUntil(localRenewStart: number, ttl: number, margin: number): number {
  return localRenewStart + ttl - margin;
}

/**
 * What a node believes: the shards the database granted it (shard → epoch), the epoch at which it
 * last released each shard, and its lease's local deadline. A node also ignores every reply meant
 * for an earlier incarnation of itself.
 */
export interface NodeBelief {
  readonly held: ReadonlyMap<number, number>;
  readonly released: ReadonlyMap<number, number>;
  readonly servingUntil: number;
}

export const noBelief: NodeBelief = { held: new Map(), released: new Map(), servingUntil: -Infinity };

/**
 * A node serves a shard only while it holds it and its own clock is before `servingUntil`.
 *
 * @example mayServe({ held: new Map([[7, 3]]), released: new Map(), servingUntil: 104_750 }, 7, 104_000) // → true
 */
export function mayServe(belief: NodeBelief, shard: number, localNow: number): boolean {
  return belief.held.has(shard) && localNow < belief.servingUntil;
}

/**
 * The node's belief after a renewal it started at `localRenewStart` was answered: accepted
 * extends the deadline (replies may arrive out of order, so never shortens it); refused means
 * the lease is lost and every shard with it.
 */
export function afterRenewal(belief: NodeBelief, localRenewStart: number, outcome: Outcome<{ expiresAt: number }>, ttl: number, margin: number): NodeBelief {
  if (!outcome.ok) return noBelief;
  return { ...belief, servingUntil: Math.max(belief.servingUntil, servingUntil(localRenewStart, ttl, margin)) };
}

/**
 * The node's belief after the database granted it `shard` at `epoch`. A grant no newer than the
 * epoch the node itself released is stale and ignored: `acquire` of a shard one already holds
 * answers with the current epoch, and that answer can arrive after the node released the shard
 * and someone else took it (the simulation found this).
 *
 * @example afterGrant(afterRelease(held7at3, 7), 7, 3) // → still not holding 7
 */
export function afterGrant(belief: NodeBelief, shard: number, epoch: number): NodeBelief {
  if (epoch <= (belief.released.get(shard) ?? 0) || epoch <= (belief.held.get(shard) ?? 0)) return belief;
  return { ...belief, held: new Map(belief.held).set(shard, epoch) };
}

/** The node's belief once it stops serving `shard`, before it sends `release` to the database. */
export function afterRelease(belief: NodeBelief, shard: number): NodeBelief {
  const epoch = belief.held.get(shard);
  if (epoch === undefined) return belief;
  const held = new Map(belief.held);
  held.delete(shard);
  return { ...belief, held, released: new Map(belief.released).set(shard, epoch) };
}
