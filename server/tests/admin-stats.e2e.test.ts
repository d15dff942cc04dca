import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPlayer, startTestServer, type TestServer } from '../../test/support/server.js';
import { natsUrl, needNats, needPostgres, postgresUrl } from '../../test/support/services.js';

const postgres = await needPostgres();
const nats = await needNats();

interface Stats {
  node: string;
  nodes: Array<{ node: string; at: number; commands: Record<string, number>; eventsAppended: number; commandLatency: { buckets: number[]; counts: number[]; count: number; sum: number } }>;
  unanswered: Array<{ node: string; code: string }>;
}

async function stats(server: TestServer, token = 'dev-admin-token'): Promise<{ status: number; body: Stats }> {
  const response = await fetch(`${server.url}/v1/admin/stats`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as Stats };
}

const total = (figures: Record<string, number>) => Object.values(figures).reduce((sum, n) => sum + n, 0);

/** What the dashboard reads at GET /v1/admin/stats: each node's counters and latency buckets, from its metrics. */
describe.skipIf(!postgres)('GET /v1/admin/stats', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('postgres', { NATS_URL: '', NODE_ID: 'stats-alone' });
  });
  afterAll(() => server?.close());

  it('counts the commands a node handled, their outcomes, the events appended and their latency, and refuses a wrong token', async () => {
    const before = await stats(server);
    expect(before.status).toBe(200);
    expect(before.body.nodes.map((node) => node.node)).toEqual(['stats-alone']);
    expect(before.body.unanswered).toEqual([]);
    const player = await new HttpPlayer(server.url, 'stats-ada').login();
    expect((await player.command('user/stats-ada', 'user.register', { displayName: 'Ada', timezone: 'UTC' })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await player.command('user/stats-ada', 'water.log', { ml: 250, drankAt: Date.now() })).status).toBe(200);
    expect((await player.command('user/stats-ada', 'user.register', { displayName: 'Ada', timezone: 'UTC' })).status).toBe(422);

    const after = await stats(server);
    const [was, now] = [before.body.nodes[0]!, after.body.nodes[0]!];
    expect(total(now.commands) - total(was.commands)).toBe(6);
    expect((now.commands.ok ?? 0) - (was.commands.ok ?? 0)).toBe(5);
    expect((now.commands.rejected ?? 0) - (was.commands.rejected ?? 0)).toBe(1);
    expect(now.eventsAppended - was.eventsAppended).toBeGreaterThanOrEqual(5);
    expect(now.commandLatency.count - was.commandLatency.count).toBe(6);
    expect(now.commandLatency.buckets.length).toBeGreaterThan(5);
    expect(now.commandLatency.counts.at(-1)).toBeLessThanOrEqual(now.commandLatency.count);
    expect(now.at).toBeGreaterThanOrEqual(was.at);

    expect((await stats(server, 'not-the-admin-token')).status).toBe(403);
  });
});

/** Two nodes of one deployment on NATS: the node asked gathers the other's figures over the bus. */
describe.skipIf(!postgres || !nats)('GET /v1/admin/stats in a cluster', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers.reverse()) await server.close();
  });

  it("gathers every live member's figures over the bus", async () => {
    const first = await startTestServer('postgres', { NATS_URL: natsUrl, NODE_ID: 'stats-a', CLUSTER_SHARDS: '16' });
    servers.push(first);
    const second = await startTestServer('postgres', {
      NATS_URL: natsUrl,
      NODE_ID: 'stats-b',
      CLUSTER_SHARDS: '16',
      DATABASE_URL: postgresUrl,
      DATABASE_SCHEMA: first.schema!,
    });
    servers.push(second);
    const player = await new HttpPlayer(second.url, 'stats-bob').login();
    expect((await player.command('user/stats-bob', 'user.register', { displayName: 'Bob', timezone: 'UTC' })).status).toBe(200);
    const { body } = await stats(first);
    expect(body.nodes.map((node) => node.node).sort()).toEqual(['stats-a', 'stats-b']);
    expect(body.unanswered).toEqual([]);
    expect(body.nodes.reduce((sum, node) => sum + total(node.commands), 0)).toBeGreaterThanOrEqual(1);
  });
});
