import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredOwner, fnv1a32, plannedMoves, shardOf } from '../shards.js';

const SHARDS = 512;
const shards = Array.from({ length: SHARDS }, (_, shard) => shard);
const owners = (members: readonly string[]) => shards.map((shard) => desiredOwner(shard, members));
/** Distinct member ids, as a cluster would have them. */
const members = (min: number, max: number) => fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: min, maxLength: max });

describe('shardOf', () => {
  it('is FNV-1a 32 over UTF-8: the published test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('never changes once shipped: pinned values', () => {
    // If this fails, every stored shard assignment in every cluster is wrong. Do not update it.
    expect(['user:42', 'challenge:7', 'ü', ''].map((address) => shardOf(address, SHARDS))).toEqual([386, 417, 74, 453]);
    expect(shardOf('user:42', SHARDS)).toBe(shardOf('user:42'));
  });

  it('stays in range and spreads addresses evenly', () => {
    const counts = new Array<number>(SHARDS).fill(0);
    for (let i = 0; i < 51_200; i++) counts[shardOf(`user:${i}`, SHARDS)]! += 1;
    // 100 per shard on average; a binomial's spread is ±10, so ±50 only fails on a broken hash.
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(150);
  });

  it('refuses a shard count that is not a positive integer', () => {
    expect(() => shardOf('a', 0)).toThrow(RangeError);
    expect(() => shardOf('a', 1.5)).toThrow(RangeError);
  });
});

describe('desiredOwner (rendezvous hashing)', () => {
  it('is deterministic and independent of the members\' order', () => {
    fc.assert(fc.property(members(1, 8), fc.integer({ min: 0, max: SHARDS - 1 }), (live, shard) => {
      const owner = desiredOwner(shard, live);
      expect(live).toContain(owner);
      expect(desiredOwner(shard, [...live].reverse())).toBe(owner);
    }));
    expect(desiredOwner(3, [])).toBeUndefined();
  });

  it('a join moves only shards to the newcomer, about 1/(n+1) of them', () => {
    fc.assert(fc.property(members(2, 11), (all) => {
      const [newcomer, ...before] = all as [string, ...string[]];
      const old = owners(before);
      const now = owners(all);
      const moved = shards.filter((shard) => old[shard] !== now[shard]);
      for (const shard of moved) expect(now[shard]).toBe(newcomer);
      const expected = SHARDS / all.length;
      const sigma = Math.sqrt(SHARDS * (1 / all.length) * (1 - 1 / all.length));
      expect(Math.abs(moved.length - expected)).toBeLessThan(6 * sigma);
    }), { numRuns: 200 });
  });

  it('removing a member moves only its own shards', () => {
    fc.assert(fc.property(members(2, 10), fc.nat(), (all, pick) => {
      const gone = all[pick % all.length]!;
      const old = owners(all);
      const now = owners(all.filter((m) => m !== gone));
      for (const shard of shards) if (old[shard] !== gone) expect(now[shard]).toBe(old[shard]);
    }), { numRuns: 200 });
  });
});

describe('plannedMoves', () => {
  it('takes every orphaned shard at once, and caps voluntary moves at maxFraction', () => {
    fc.assert(fc.property(members(3, 8), (all) => {
      const [dead, newcomer, ...rest] = all as [string, string, ...string[]];
      const current = owners([dead, ...rest]); // the newcomer owns nothing yet, the dead still do
      const moves = plannedMoves(current, [newcomer, ...rest], 0.1);
      const orphaned = moves.filter((m) => m.reason === 'orphaned');
      expect(orphaned.map((m) => m.shard)).toEqual(shards.filter((shard) => current[shard] === dead));
      expect(moves.filter((m) => m.reason === 'rebalance').length).toBeLessThanOrEqual(Math.floor(0.1 * SHARDS));
      for (const move of moves) expect(move.to).toBe(desiredOwner(move.shard, [newcomer, ...rest]));
    }), { numRuns: 100 });
  });

  it('converges: applying the plan repeatedly reaches the desired owners', () => {
    const live = ['a', 'b', 'c', 'd'];
    let current: Array<string | undefined> = owners(['a', 'b', 'c']);
    let rounds = 0;
    for (let moves = plannedMoves(current, live); moves.length > 0; moves = plannedMoves(current, live), rounds++) {
      for (const move of moves) current[move.shard] = move.to;
    }
    expect(current).toEqual(owners(live));
    expect(rounds).toBeGreaterThan(1); // ~128 shards to move at 51 a round: rate-limited
  });

  it('plans nothing when the owners already are the desired ones, or nobody is live', () => {
    expect(plannedMoves(owners(['a', 'b']), ['a', 'b'])).toEqual([]);
    expect(plannedMoves(['a', undefined], [])).toEqual([]);
  });
});
