import { setTimeout as delay } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, openStore, type OpenStore } from '../../store/index.js';
import { dropSchema, needPostgres, postgresUrl, uniqueSchema } from '../../test/support/services.js';
import { LeaseStore, type Me } from '../lease-store.js';

const available = await needPostgres();
const schema = uniqueSchema('leases');
const ttlMs = 1_000;

/**
 * The lease protocol's rules (lease-protocol.ts, simulated in lease-simulation.test.ts) as the
 * SQL runs them against PostgreSQL's clock: each case is a rule whose breach would let two nodes
 * serve one shard, or keep a dead node's shards from the living.
 */
describe.skipIf(!available)('shard leases in PostgreSQL', () => {
  let store: OpenStore;
  const connections: postgres.Sql[] = [];
  const member = (node: string, incarnation = `${node}-1`, quietMs = 300) => {
    const sql = connectPostgres(postgresUrl, { max: 1, schema });
    connections.push(sql);
    return { leases: new LeaseStore(sql, ttlMs, quietMs), me: { node, incarnation } satisfies Me, sql };
  };

  beforeAll(async () => {
    store = await openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 2, schema });
    await member('creator').leases.prepare(8);
  });
  afterAll(async () => {
    await Promise.all(connections.map((sql) => sql.end({ timeout: 1 })));
    await store?.close();
    await dropSchema(schema);
  });

  it('keeps the shard count the cluster was created with', async () => {
    const a = member('count-a');
    expect(await a.leases.prepare(64)).toBe(8);
    expect((await a.leases.read()).shards.map((row) => row.shard)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('grants a released or orphaned shard once, bumping its epoch, and never a live holder’s', async () => {
    const a = member('grant-a');
    const b = member('grant-b');
    expect(await a.leases.join(a.me, 'a:1')).toBe(true);
    expect(await b.leases.join(b.me, 'b:1')).toBe(true);
    const first = await a.leases.acquire(a.me, [1, 2]);
    const epoch1 = first.get(1)!.epoch;
    expect([...first.keys()]).toEqual(expect.arrayContaining([1, 2]));
    expect(await b.leases.acquire(b.me, [1, 2])).toEqual(new Map());

    expect(await a.leases.release(a.me, [1])).toEqual([1]);
    expect(await b.leases.release(b.me, [2])).toEqual([]);
    const taken = await b.leases.acquire(b.me, [1, 2]);
    expect(taken).toEqual(new Map([[1, { epoch: epoch1 + 1, was: 'released' }]]));
    const row = (await b.leases.read()).shards[1]!;
    expect(row).toMatchObject({ owner: 'grant-b', state: 'held', ownerLive: true, epoch: epoch1 + 1 });
  });

  it('lets a lease lapse, never renews it, and then lets another member take its shards', async () => {
    const a = member('lapse-a');
    const b = member('lapse-b');
    await a.leases.join(a.me, 'a:1');
    await b.leases.join(b.me, 'b:1');
    await a.leases.acquire(a.me, [3]);
    expect(await a.leases.renew(a.me, {})).toBe(true);
    await delay(ttlMs + 200);
    expect(await b.leases.renew(b.me, {})).toBe(false);
    await b.leases.join({ node: 'lapse-b', incarnation: 'lapse-b-2' }, 'b:1');
    expect(await a.leases.renew(a.me, {})).toBe(false);
    const taken = await b.leases.acquire({ node: 'lapse-b', incarnation: 'lapse-b-2' }, [3]);
    expect(taken.get(3)?.was).toBe('expired');
    // The old incarnation, back from its pause, can neither renew nor release what is no longer its own.
    expect(await a.leases.release(a.me, [3])).toEqual([]);
  });

  it('lets a node restarted under its id join at once when its crashed incarnation’s session is gone', async () => {
    const crashed = member('phoenix');
    expect(await crashed.leases.join(crashed.me, 'p:1')).toBe(true);
    await crashed.sql.end({ timeout: 1 });
    const restarted = member('phoenix', 'phoenix-2');
    // Within the quiet time the old incarnation may only be reconnecting: refused.
    expect(await restarted.leases.join(restarted.me, 'p:1')).toBe(false);
    await delay(350);
    expect(await restarted.leases.join(restarted.me, 'p:1')).toBe(true);
  });

  it('refuses a second process with a node id whose lease is live, and admits it once that lease ends', async () => {
    const first = member('twin');
    const second = member('twin', 'twin-2');
    expect(await first.leases.join(first.me, 'x:1')).toBe(true);
    expect(await second.leases.join(second.me, 'x:2')).toBe(false);
    await first.leases.leave(first.me);
    expect(await second.leases.join(second.me, 'x:2')).toBe(true);
  });

  it('ends the lease of a member whose session died, but not of one that renewed lately', async () => {
    const quietMs = 300;
    const survivor = member('session-survivor');
    const patient = member('session-patient', 'session-patient-1', 10_000);
    const crashed = member('session-crashed');
    const alive = member('session-alive');
    for (const m of [survivor, crashed, alive, patient]) await m.leases.join(m.me, 'h:1');
    await crashed.leases.acquire(crashed.me, [5]);
    await crashed.sql.end({ timeout: 1 });
    // Within the quiet time a member may merely be reconnecting: it keeps its lease.
    expect(await patient.leases.expireDeadSessions(patient.me)).toEqual([]);
    await delay(quietMs + 50);
    await alive.leases.renew(alive.me, {});
    expect(await survivor.leases.expireDeadSessions(survivor.me)).toEqual(['session-crashed']);
    const state = await survivor.leases.read();
    expect(state.members.find((m) => m.node === 'session-alive')?.live).toBe(true);
    expect(state.shards[5]).toMatchObject({ owner: 'session-crashed', ownerLive: false });
    expect((await survivor.leases.acquire(survivor.me, [5])).has(5)).toBe(true);
  });
});
