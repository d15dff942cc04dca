import { describe, expect, it } from 'vitest';
import { acquire, afterGrant, afterRelease, afterRenewal, emptyLeaseDb, join, mayServe, minimumMargin, noBelief, release, renew, servingUntil } from '../lease-protocol.js';

const TTL = 5000;
const joined = (node: string, incarnation: string, at: number, db = emptyLeaseDb(TTL)) => join(db, node, incarnation, at).db;

describe('the database side', () => {
  it('renews a live lease, and never revives an expired one', () => {
    const db = joined('a', 'a1', 0);
    expect(renew(db, 'a', 'a1', 4999).outcome).toEqual({ ok: true, expiresAt: 9999 });
    expect(renew(db, 'a', 'a1', 5000).outcome).toEqual({ ok: false, reason: 'LEASE_LOST' });
    expect(renew(db, 'a', 'a0', 1000).outcome).toEqual({ ok: false, reason: 'LEASE_LOST' });
  });

  it('lets a new incarnation join only once the previous one has expired', () => {
    const db = joined('a', 'a1', 0);
    expect(join(db, 'a', 'a2', 4999).outcome).toEqual({ ok: false, reason: 'PREVIOUS_INCARNATION_LIVE' });
    expect(join(db, 'a', 'a2', 5000).outcome).toEqual({ ok: true, expiresAt: 10_000 });
  });

  it('grants a shard only when free, released or its owner expired, bumping the epoch each time', () => {
    let db = joined('b', 'b1', 0, joined('a', 'a1', 0));
    const first = acquire(db, 7, 'a', 'a1', 10);
    expect(first.outcome).toEqual({ ok: true, epoch: 1 });
    db = first.db;
    expect(acquire(db, 7, 'a', 'a1', 20).outcome).toEqual({ ok: true, epoch: 1 });
    expect(acquire(db, 7, 'b', 'b1', 20).outcome).toEqual({ ok: false, reason: 'SHARD_HELD' });
    expect(release(db, 7, 'b', 'b1').outcome).toEqual({ ok: false, reason: 'NOT_OWNER' });
    const released = release(db, 7, 'a', 'a1').db;
    expect(acquire(released, 7, 'b', 'b1', 30).outcome).toEqual({ ok: true, epoch: 2 });
    db = renew(db, 'b', 'b1', 4000).db; // b lives on, a's lease ends at 5000
    expect(acquire(db, 7, 'b', 'b1', 4999).outcome).toEqual({ ok: false, reason: 'SHARD_HELD' });
    expect(acquire(db, 7, 'b', 'b1', 5000).outcome).toEqual({ ok: true, epoch: 2 });
    expect(acquire(db, 8, 'a', 'a1', 5000).outcome).toEqual({ ok: false, reason: 'LEASE_LOST' });
  });
});

describe('the node side', () => {
  it('serves a held shard until ttl − margin after it sent the renewal, by its own clock', () => {
    expect(minimumMargin(TTL, 0.001)).toBe(5);
    expect(servingUntil(100_000, TTL, 250)).toBe(104_750);
    const belief = afterRenewal(afterGrant(noBelief, 7, 1), 100_000, { ok: true, expiresAt: 1 }, TTL, 250);
    expect(mayServe(belief, 7, 104_749)).toBe(true);
    expect(mayServe(belief, 7, 104_750)).toBe(false);
    expect(mayServe(belief, 8, 100_000)).toBe(false);
  });

  it('keeps the later deadline when replies cross, and drops everything when the lease is lost', () => {
    const late = afterRenewal({ ...afterGrant(noBelief, 7, 1), servingUntil: 0 }, 2000, { ok: true, expiresAt: 1 }, TTL, 250);
    expect(afterRenewal(late, 1000, { ok: true, expiresAt: 1 }, TTL, 250).servingUntil).toBe(6750);
    expect(afterRenewal(late, 3000, { ok: false, reason: 'LEASE_LOST' }, TTL, 250)).toBe(noBelief);
  });

  it('ignores a grant no newer than the epoch it released (a delayed answer to an earlier acquire)', () => {
    const released = afterRelease(afterGrant(noBelief, 7, 3), 7);
    expect(released.held.has(7)).toBe(false);
    expect(afterGrant(released, 7, 3)).toBe(released);
    expect(afterGrant(released, 7, 4).held.get(7)).toBe(4);
  });
});
