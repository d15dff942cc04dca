// The multi-process harness of issue 18 (test/support/nodes.ts, player-load.ts, log-scan.ts)
// against two node processes on one database schema and one bus prefix. Before the cluster
// exists each node runs whatever actor it is sent commands for; the store's expected-version
// check keeps the log whole. The cluster's acceptance tests reuse all of this.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isClean, profilePoints, scanLog } from '../../test/support/log-scan.js';
import { fleetServices, NodeFleet } from '../../test/support/nodes.js';
import { PlayerLoad } from '../../test/support/player-load.js';
import { eventually } from '../../test/support/services.js';

const available = await fleetServices();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)('the cluster test harness, on two plain nodes', () => {
  let fleet: NodeFleet;
  let load: PlayerLoad | undefined;

  beforeAll(async () => {
    fleet = await NodeFleet.start({ nodes: 2, name: 'harness' });
  });
  afterAll(async () => {
    await load?.stop({ drainMs: 0, settleMs: 0 });
    await fleet?.close();
  });

  it('keeps 60 players playing across a SIGTERM of one node, and the log scans clean', async () => {
    const [first, second] = fleet.nodes;
    load = await PlayerLoad.start({ urls: () => fleet.urls(), players: 60 });
    expect(Object.keys(load.connectedByNode()).sort(), 'players spread over both nodes').toEqual([first!.url, second!.url].sort());

    await sleep(10_000);
    const signalled = performance.now();
    first!.kill('SIGTERM');
    const exit = await first!.exited;
    expect(exit, first!.output()).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalled, 'SIGTERM to exit, ms').toBeLessThan(15_000);

    // The players of the stopped node carry on on the other one.
    await sleep(4_000);
    expect(load.connectedByNode()).toEqual({ [second!.url]: 60 });
    await load.stop();

    const summary = load.summary();
    expect(summary.failures, JSON.stringify(summary)).toEqual({});
    expect(summary.ok).toBeGreaterThan(60 * 10);
    const moved = load.commands.filter((command) => command.node === first!.url && command.outcome === 'ok');
    expect(moved.length, 'commands acknowledged by the stopped node before it went').toBeGreaterThan(0);

    const pushes = load.pushReport();
    expect(pushes).toMatchObject({ duplicates: [], outOfOrder: [], missed: [] });

    const report = await scanLog({
      databaseUrl: fleet.databaseUrl,
      schema: fleet.schema,
      acknowledged: load.acknowledged(),
      points: load.livePoints(),
    });
    expect(report.checked).toEqual({ acknowledged: summary.ok, players: 60 });
    expect(isClean(report), JSON.stringify(report, null, 1)).toBe(true);
    expect(Object.keys(report.byNode).sort()).toEqual(['n1', 'n2']);

    // The projected profiles reach the same sums (the read model lags the log a little).
    const userIds = load.players.map((player) => player.userId);
    await eventually(
      async () => {
        const profiles = await scanLog({ databaseUrl: fleet.databaseUrl, schema: fleet.schema, points: await profilePoints(second!.url, userIds) });
        return profiles.points.length === 0 ? true : undefined;
      },
      10_000,
      'profiles with the points of the log',
    );
  }, 60_000);

  it('finds a forked stream, a command applied twice, a lost acknowledgement and points that do not add up', async () => {
    const sql = postgres(fleet.databaseUrl, { max: 1, onnotice: () => undefined, connection: { search_path: fleet.schema } });
    const [a, b] = load!.players;
    try {
      const [last] = await sql<{ version: number; metadata: Record<string, unknown> }[]>`
        select version, metadata from events where stream_id = ${`user/${a!.userId}`} order by version desc limit 1`;
      const forged = (version: number, id: string, metadata: Record<string, unknown>) => sql`
        insert into events (stream_id, stream_type, version, event_id, type, data, metadata)
        values (${`user/${a!.userId}`}, 'user', ${version}, ${id}, 'points.earned', ${sql.json({ amount: 5, reason: 'forged', sourceId: id })}, ${sql.json(metadata as never)})`;
      // The command of the last event again, two versions on (a gap), as a stale writer would.
      await forged(last!.version + 2, 'forged-1', last!.metadata);
      const report = await scanLog({
        databaseUrl: fleet.databaseUrl,
        schema: fleet.schema,
        acknowledged: [{ id: `${b!.userId}-never`, userId: b!.userId, version: 1 }],
        points: new Map([[b!.userId, -1]]),
      });
      expect(isClean(report)).toBe(false);
      expect(report.versionProblems).toEqual([expect.objectContaining({ streamId: `user/${a!.userId}`, last: last!.version + 2 })]);
      expect(report.appliedTwice).toEqual([expect.objectContaining({ streamId: `user/${a!.userId}`, commandId: last!.metadata.commandId, runs: 2 })]);
      expect(report.lost).toEqual([expect.objectContaining({ id: `${b!.userId}-never`, found: `${b!.userId}-register` })]);
      expect(report.points).toEqual([expect.objectContaining({ userId: b!.userId, view: -1 })]);
    } finally {
      await sql.end();
    }
  });
});
