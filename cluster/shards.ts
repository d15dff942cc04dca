/**
 * Shards and who should own them: the pure half of DESIGN.md "Bus and cluster".
 *
 * `shardOf` fixes which shard an address lives in. Its hash is part of the stored data's meaning
 * (every node must agree, across versions), so it must never change once shipped: FNV-1a, 32 bit,
 * over the address's UTF-8 bytes, then `mod shardCount`.
 */

/** The default number of shards; fixed for the life of a cluster. */
export const DEFAULT_SHARD_COUNT = 512;

const encoder = new TextEncoder();

/** FNV-1a, 32 bit, over the UTF-8 bytes of `text` (offset basis 2166136261, prime 16777619). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's 32-bit finalizer: spreads every input bit over the output. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The shard an address (a stream id, an actor address) belongs to. Stable forever.
 *
 * @example shardOf('user:42', 512) // → the same number on every node, every version
 */
export function shardOf(address: string, shardCount: number = DEFAULT_SHARD_COUNT): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError(`shardCount must be a positive integer, got ${shardCount}`);
  return fnv1a32(address) % shardCount;
}

/** The rendezvous weight of `member` for `shard`. */
function weight(shard: number, member: string): number {
  return fmix32(fnv1a32(member) ^ Math.imul(shard + 1, 0x9e3779b1));
}

/**
 * The member that should own `shard`: rendezvous (highest random weight) hashing, ties broken by
 * the smaller id. Adding a member moves only the shards it wins (about 1/(n+1) of them); removing
 * one moves only its own. `undefined` when nobody is live.
 *
 * @example desiredOwner(7, ['node-a', 'node-b']) // → 'node-a' or 'node-b', the same on every node
 */
export function desiredOwner(shard: number, liveMembers: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const member of liveMembers) {
    const w = weight(shard, member);
    if (w > bestWeight || (w === bestWeight && best !== undefined && member < best)) {
      best = member;
      bestWeight = w;
    }
  }
  return best;
}

/** One planned change of owner. `orphaned`: the owner is gone (or there is none), taken at once. */
export interface Move {
  readonly shard: number;
  readonly from: string | undefined;
  readonly to: string;
  readonly reason: 'orphaned' | 'rebalance';
}

/**
 * The moves that bring `owners` (index = shard, `undefined` = unowned or released) toward the
 * desired owners of `liveMembers`. Orphaned shards (no owner, or an owner not live) are always all
 * included; voluntary moves between live members are capped at `floor(maxFraction × shards)` (at
 * least one) per call, lowest shard first, so rebalancing is rate-limited but takeover is not.
 *
 * @example plannedMoves(['a', 'gone', undefined], ['a', 'b'], 0.1)
 * // → the moves of shards 1 and 2 (orphaned), plus at most one rebalance of shard 0
 */
export function plannedMoves(owners: ReadonlyArray<string | undefined>, liveMembers: readonly string[], maxFraction = 0.1): Move[] {
  const live = new Set(liveMembers);
  if (live.size === 0) return [];
  const orphaned: Move[] = [];
  const rebalance: Move[] = [];
  owners.forEach((from, shard) => {
    const to = desiredOwner(shard, live)!;
    if (from === undefined || !live.has(from)) orphaned.push({ shard, from, to, reason: 'orphaned' });
    else if (from !== to) rebalance.push({ shard, from, to, reason: 'rebalance' });
  });
  const budget = Math.max(1, Math.floor(maxFraction * owners.length));
  return [...orphaned, ...rebalance.slice(0, budget)];
}
