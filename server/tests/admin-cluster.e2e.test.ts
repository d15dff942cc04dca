import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { natsUrl, needNats, needPostgres } from '../../test/support/services.js';

const postgres = await needPostgres();
const nats = await needNats();

/** What an operator reads at GET /v1/admin/cluster on a node alone and on a cluster of one. */
describe.skipIf(!postgres || !nats)('GET /v1/admin/cluster', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });
  const cluster = async (server: TestServer) => {
    const response = await fetch(`${server.url}/v1/admin/cluster`, { headers: { authorization: 'Bearer dev-admin-token' } });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, any>;
  };

  it('shows a node on PostgreSQL and NATS as a cluster of one holding every shard, at epoch 1', async () => {
    const server = await startTestServer('postgres', { NATS_URL: natsUrl, NODE_ID: 'solo-1', CLUSTER_SHARDS: '16' });
    servers.push(server);
    const answer = await cluster(server);
    expect(answer).toMatchObject({ clustered: true, node: 'solo-1', shardCount: 16, leaseTtlMs: 5_000, serving: true, handoffs: [] });
    expect(answer.members).toEqual([expect.objectContaining({ nodeId: 'solo-1', status: 'up', live: true, shards: 16 })]);
    expect(answer.shards).toHaveLength(16);
    expect(answer.shards.every((row: { owner: string; state: string; epoch: number }) => row.owner === 'solo-1' && row.state === 'held' && row.epoch === 1)).toBe(true);
  });

  it('shows a node without NATS, or on PGlite with NATS_URL set anyway, alone with every actor', async () => {
    const plain = await startTestServer('postgres', { NATS_URL: '', NODE_ID: 'plain-1' });
    const embedded = await startTestServer('pglite', { NATS_URL: natsUrl, NODE_ID: 'embedded-1' });
    servers.push(plain, embedded);
    for (const [server, id] of [
      [plain, 'plain-1'],
      [embedded, 'embedded-1'],
    ] as const) {
      const answer = await cluster(server);
      expect(answer).toMatchObject({ clustered: false, node: id, shards: [], handoffs: [] });
      expect(answer.members).toEqual([expect.objectContaining({ nodeId: id, status: 'up', live: true, shards: 'all' })]);
    }
  });
});
