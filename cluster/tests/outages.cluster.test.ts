// A cluster through outages: three node processes on a nats-server and a PostgreSQL of the test's
// own (the shared ones are never stopped), under 100 SDK players. NATS goes away for a few
// seconds; PostgreSQL stops for longer than the lease. After each, the log is scanned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnCluster } from '../../test/support/cluster.js';
import { startNatsServer, type PrivateNatsServer } from '../../test/support/nats-server.js';
import { fleetServices, NodeFleet, type NodeProcess } from '../../test/support/nodes.js';
import { PlayerLoad } from '../../test/support/player-load.js';
import { expectCleanLog, holders, sleep, until, view } from './cluster-support.js';

const available = await fleetServices();
const database = available ? await OwnCluster.create() : undefined;
const ttlMs = 5_000;

describe.skipIf(!available || !database)('a cluster whose NATS or PostgreSQL goes away', () => {
  let nats: PrivateNatsServer;
  let fleet: NodeFleet;
  let load: PlayerLoad;

  beforeAll(async () => {
    database!.start();
    nats = await startNatsServer();
    fleet = await NodeFleet.start({
      nodes: 3,
      name: 'outages',
      databaseUrl: database!.url,
      natsUrl: nats.url,
      env: { DATABASE_POOL_SIZE: '6', CLUSTER_LEASE_TTL_MS: String(ttlMs) },
    });
    await until(fleet, (cluster) => holders(cluster).byNode.size === 3 && holders(cluster).orphaned.length === 0, { what: 'three nodes holding every shard' });
    load = await PlayerLoad.start({ urls: () => fleet.urls(), players: 100 });
    await sleep(3_000);
  }, 120_000);
  afterAll(async () => {
    await load?.stop({ drainMs: 0, settleMs: 0 });
    await fleet?.close();
    await nats?.stop();
    database?.remove();
  }, 60_000);

  /** A command straight to a node over HTTP (no SDK, no retry): its status and code. */
  const command = async (node: NodeProcess, userId: string, id: string) => {
    const login = await fetch(`${node.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId }), signal: AbortSignal.timeout(5_000) });
    const { token } = (await login.json()) as { token: string };
    const response = await fetch(`${node.url}/v1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, to: `user/${userId}`, type: 'water.log', payload: { ml: 200, drankAt: Date.now() } }),
      signal: AbortSignal.timeout(20_000),
    });
    const body = (await response.json()) as { error?: { code: string } };
    return { status: response.status, code: body.error?.code };
  };

  it('keeps every shard’s owner while NATS restarts, and routes again by itself', async () => {
    const before = await view(fleet);
    const from = Date.now();
    await nats.stop();
    await sleep(3_000);
    await nats.start();
    await sleep(4_000);
    const after = await view(fleet);
    // Ownership lives in PostgreSQL: the same owner and epoch for every shard.
    expect(after.shards.map((row) => [row.owner, row.epoch])).toEqual(before.shards.map((row) => [row.owner, row.epoch]));
    // Routing works again: commands sent now, through every node, to actors on every node.
    const recovered = Date.now();
    await sleep(4_000);
    const since = load.summary({ from: recovered });
    expect(since.failures).toEqual({});
    expect(since.ok).toBeGreaterThan(100 * 2);
    // The SDK's retries carried the players through the outage itself.
    expect(load.summary({ from }).failures).toEqual({});
    await expectCleanLog(fleet, load);
  }, 60_000);

  it('refuses commands with a retryable code while PostgreSQL is down past the lease, forks nothing, and serves when it is back', async () => {
    const from = Date.now();
    database!.stop();
    const stopped = performance.now();
    await sleep(1_000);
    // Straight to each node, no retries: a retryable refusal, never a success or a lasting failure.
    const answers = await Promise.all(fleet.serving().map((node, i) => command(node, `outage-${i}`, `outage-${i}-1`)));
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(['STORE_UNAVAILABLE', 'SHARD_UNAVAILABLE']).toContain(answer.code);
    }
    await sleep(Math.max(0, ttlMs + 2_000 - (performance.now() - stopped)));
    database!.start();
    // Every node rejoins (its lease ran out meanwhile) and every shard is held again.
    await until(fleet, (cluster) => holders(cluster).orphaned.length === 0 && holders(cluster).byNode.size === 3, { timeoutMs: 30_000, what: 'every shard held again' });
    await sleep(4_000);
    const back = Date.now();
    await sleep(4_000);
    expect(load.summary({ from: back }).failures).toEqual({});
    expect(load.summary({ from: back }).ok).toBeGreaterThan(100 * 2);
    // Commands of players caught by the outage were retried by the SDK within its budget (30 s).
    expect(load.summary({ from }).failures).toEqual({});
    await expectCleanLog(fleet, load);
  }, 90_000);
});
