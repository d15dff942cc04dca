// The consistency scan the cluster tests run after each fault (test/support/log-scan.ts): clean
// on a healthy log, and it finds each kind of damage when the log
// is forged to hold it.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isClean, profilePoints, scanLog } from '../../test/support/log-scan.js';
import { fleetServices, NodeFleet } from '../../test/support/nodes.js';
import { PlayerLoad } from '../../test/support/player-load.js';
import { eventually } from '../../test/support/services.js';

const available = await fleetServices();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)('the consistency scan of the cluster tests', () => {
  let fleet: NodeFleet;
  let load: PlayerLoad | undefined;

  beforeAll(async () => {
    fleet = await NodeFleet.start({ nodes: 1, name: 'harness' });
  });
  afterAll(async () => {
    await load?.stop({ drainMs: 0, settleMs: 0 });
    await fleet?.close();
  });

  it('scans a healthy log clean', async () => {
    load = await PlayerLoad.start({ urls: () => fleet.urls(), players: 10 });
    await sleep(4_000);
    await load.stop();
    const report = await scanLog({ databaseUrl: fleet.databaseUrl, schema: fleet.schema, acknowledged: load.acknowledged(), points: load.livePoints() });
    expect(report.checked.acknowledged).toBeGreaterThan(10 * 3);
    expect(isClean(report), JSON.stringify(report, null, 1)).toBe(true);
    // The projected profiles (the cluster-wide projectors) reach the same sums.
    const userIds = load.players.map((player) => player.userId);
    await eventually(
      async () => {
        const profiles = await scanLog({ databaseUrl: fleet.databaseUrl, schema: fleet.schema, points: await profilePoints(fleet.nodes[0]!.url, userIds) });
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
      // The command of the last event again, two versions on (a gap), under an epoch older than
      // the shard's latest, as a stale owner would write it.
      await forged(last!.version + 2, 'forged-1', { ...last!.metadata, epoch: Number(last!.metadata.epoch) - 1 });
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
      expect(report.epochRegressions).toEqual([expect.objectContaining({ streamId: `user/${a!.userId}`, epoch: Number(last!.metadata.epoch) - 1 })]);
      // Points a watch showed are checked up to the version it had reached: the forged 5 points
      // lie beyond it; taken as the whole log's sum, they do not add up.
      const seen = load!.livePoints().get(a!.userId)!;
      expect(seen.atVersion).toBe(last!.version);
      const upTo = await scanLog({ databaseUrl: fleet.databaseUrl, schema: fleet.schema, points: new Map([[a!.userId, seen]]) });
      expect(upTo.points).toEqual([]);
      const whole = await scanLog({ databaseUrl: fleet.databaseUrl, schema: fleet.schema, points: new Map([[a!.userId, seen.points]]) });
      expect(whole.points).toEqual([{ userId: a!.userId, view: seen.points, log: seen.points + 5 }]);
    } finally {
      await sql.end();
    }
  });
});
