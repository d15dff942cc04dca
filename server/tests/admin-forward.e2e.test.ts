import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually, natsUrl, needNats, needPostgres, postgresUrl } from '../../test/support/services.js';

const postgres = await needPostgres();
const nats = await needNats();

const admin = async (server: TestServer, path: string, method = 'GET', token = 'dev-admin-token') => {
  const response = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

/**
 * In a cluster the projectors run on one node (the holder of shard 0); an operator may ask any
 * node about them (the dashboard asks the node it was loaded from), and gets that node's answer.
 */
describe.skipIf(!postgres || !nats)('projection admin requests in a cluster', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers.reverse()) await server.close();
  });

  it('are answered by the node that runs the projectors, whichever node is asked', async () => {
    const first = await startTestServer('postgres', { NATS_URL: natsUrl, NODE_ID: 'fwd-a', CLUSTER_SHARDS: '16' });
    servers.push(first);
    const second = await startTestServer('postgres', { NATS_URL: natsUrl, NODE_ID: 'fwd-b', CLUSTER_SHARDS: '16', DATABASE_URL: postgresUrl, DATABASE_SCHEMA: first.schema! });
    servers.push(second);
    // Wait until both are members and every shard is held (the second takes its share).
    const holder = await eventually(async () => {
      const { body } = await admin(first, '/v1/admin/cluster');
      const owners = new Set(body.shards.map((row: { owner: string | null }) => row.owner));
      return owners.has('fwd-a') && owners.has('fwd-b') && !owners.has(null) ? (body.shards[0].owner as string) : undefined;
    }, 20_000, 'both nodes holding shards');
    const [runner, other] = holder === 'fwd-a' ? [first, second] : [second, first];

    // Asked directly, the runner shows its projectors live; the other node shows the same, not its own (stopped) ones.
    const direct = await admin(runner, '/v1/admin/projections');
    const viaOther = await admin(other, '/v1/admin/projections');
    expect(direct.status).toBe(200);
    expect(viaOther.status).toBe(200);
    const states = (body: Record<string, any>) => body.projections.map((row: { name: string; state: string }) => `${row.name}:${row.state}`);
    expect(states(viaOther.body)).toEqual(states(direct.body));
    expect(viaOther.body.projections.every((row: { state: string }) => row.state !== 'stopped')).toBe(true);

    // A rebuild asked of the other node runs on the runner: its generation moves on there.
    const before = direct.body.projections.find((row: { name: string }) => row.name === 'leaderboard').generation as number;
    const rebuild = await admin(other, '/v1/admin/projections/leaderboard/rebuild', 'POST');
    expect(rebuild.status).toBe(202);
    expect(rebuild.body).toMatchObject({ name: 'leaderboard', generation: before + 1 });
    await eventually(async () => {
      const { body } = await admin(runner, '/v1/admin/projections');
      return body.projections.find((row: { name: string }) => row.name === 'leaderboard').generation === before + 1 ? true : undefined;
    }, 20_000, 'the rebuilt generation served on the runner');

    // The admin token is checked where the request comes in, and errors come back as they are.
    expect((await admin(other, '/v1/admin/projections', 'GET', 'not-the-admin-token')).status).toBe(403);
    const missing = await admin(other, '/v1/admin/projections/nothing/rebuild', 'POST');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('PROJECTION_NOT_FOUND');
  }, 60_000);
});
