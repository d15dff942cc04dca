import { expect, it } from 'vitest';
import { eventually } from '../../test/support/services.js';
import { compareCursor, LOG_START, type Projection, type Projections } from '../../store/index.js';
import { raiseDatabaseFault } from '../../store/projections/tests/counter.js';
import { readLog, settled } from '../../store/projections/tests/settled.js';
import { gameProjections, leaderboardProjection } from '../index.js';
import { foldLeaderboard, foldNutritionDays } from './expected.js';
import { challenge, player, totals } from './game-writer.js';
import type { GameHarness as Harness } from './suite.js';

const day = '2026-06-01';
const failedWith = (projections: Projections, name: string, attempts = 1) =>
  eventually(async () => {
    const status = (await projections.status()).find((s) => s.name === name)!;
    return status.state === 'failed' && status.error!.attempts >= attempts ? status : undefined;
  }, 20_000, `${name} failing`);

async function seedPlayers(h: Harness, players: number, rounds: number): Promise<void> {
  for (let p = 0; p < players; p++) await h.writer.user(`p${p}`, player.registered(`p${p}`, `Player ${p}`, p % 2 ? 'Asia/Tokyo' : 'America/Chicago'));
  for (let r = 0; r < rounds; r++) {
    for (let p = 0; p < players; p++) await h.writer.user(`p${p}`, player.meal(`m${r}-${p}`, day, totals(100 + p + r, 5, 10, 2)), player.points(5 * ((p * r) % 4)));
  }
}

/** The projection machinery through restarts and rebuilds, on the game's own read models. */
export function rebuildCases(h: Harness): void {
  it('resumes from its checkpoint after a restart without counting anything twice, even with two nodes at once', async () => {
    await seedPlayers(h, 6, 5);
    let batches = 0;
    const crashing: Projection = {
      ...leaderboardProjection,
      async apply(tx, events, tables) {
        // The database going away: the batch is retried, not searched for a bad event.
        if (++batches > 3) await raiseDatabaseFault(tx, 'node lost', '57P01');
        await leaderboardProjection.apply(tx, events, tables);
      },
    };
    const first = h.projections([crashing], { settings: { batchSize: 5 } });
    await first.start();
    await failedWith(first, 'leaderboard');
    await first.stop();
    const log = await readLog(h.opened.store);
    const midway = await h.opened.store.loadCheckpoint('projection.leaderboard.g1');
    expect(compareCursor(midway, LOG_START)).toBeGreaterThan(0);
    expect(compareCursor(midway, log[log.length - 1]!)).toBeLessThan(0);
    // The read model is exactly the fold of the log up to its checkpoint.
    const applied = log.filter((event) => compareCursor(event, midway) <= 0);
    expect(await h.queries.leaderboard.top(100)).toEqual(foldLeaderboard(applied));

    const nodeA = h.projections([leaderboardProjection], { settings: { batchSize: 5 } });
    const nodeB = h.projections([leaderboardProjection], { settings: { batchSize: 5 } });
    await Promise.all([nodeA.start(), nodeB.start()]);
    await settled(nodeA, h.opened.sql);
    await settled(nodeB, h.opened.sql);
    expect(await h.queries.leaderboard.top(100)).toEqual(foldLeaderboard(log));
  });


  it('rebuilds every read model from the start while events keep coming and queries keep being answered', async () => {
    await seedPlayers(h, 8, 3);
    await h.writer.user('p0', player.friendAdded('p1'), player.friendAdded('p2'));
    await h.writer.challenge('c1', challenge.created({ challengeId: 'c1', startsAt: Date.parse(`${day}T00:00:00Z`) }), challenge.opened(), challenge.joined('p1', 1));
    // The new generation's batches fail until released (as if waiting for a lock, a fault of the
    // database that parks nothing): the rebuild is observable, and retried.
    let holdRebuild = true;
    const held = gameProjections.map((projection): Projection => ({
      ...projection,
      async apply(tx, events, tables) {
        if (holdRebuild && Object.values(tables).some((table) => table.endsWith('__g2'))) await raiseDatabaseFault(tx, 'rebuild held', '55P03');
        await projection.apply(tx, events, tables);
      },
    }));
    const projections = h.projections(held, { settings: { batchSize: 50 } });
    await projections.start();
    await settled(projections, h.opened.sql);

    let writing = true;
    let querying = true;
    let answered = 0;
    const failures: unknown[] = [];
    const writer = (async () => {
      for (let i = 0; writing && i < 2_000; i++) {
        const userId = `p${i % 8}`;
        await h.writer.user(userId, player.meal(`live${i}`, day, totals(50 + i, 3, 4, 1)), player.points(10));
        if (i % 5 === 0) await h.writer.user(userId, player.mealDeleted(`live${i}`, day, totals(50 + i, 3, 4, 1)));
      }
    })();
    const reader = (async () => {
      while (querying && failures.length < 10) {
        const q = h.queries;
        await Promise.all([q.leaderboard.top(20), q.leaderboard.around('p3', 2), q.profiles.get('p1'), q.nutrition.day('p2', day), q.feed.feed('p0'), q.challenges.list()]).then(
          () => void (answered += 1),
          (error: unknown) => void failures.push(error),
        );
      }
    })();
    try {
      const handles = await Promise.all(projections.names().map((name) => projections.rebuild(name)));
      expect(await projections.rebuild('leaderboard')).toBe(handles[0]);
      const during = await eventually(async () => {
        const statuses = await projections.status();
        return statuses.every((s) => s.rebuild?.error?.message.includes('rebuild held')) ? statuses : undefined;
      }, 20_000, 'rebuilds held');
      expect(during.map((s) => [s.state, s.generation, s.rebuild?.generation, s.rebuild?.phase])).toEqual(during.map(() => ['rebuilding', 1, 2, 'filling']));
      expect(during.every((s) => s.rebuild!.progress >= 0 && s.rebuild!.progress < 1 && s.rebuild!.lag.events > 0)).toBe(true);
      // Meanwhile the served generation keeps following the log.
      const leaderboardAt = during[0]!.checkpoint;
      await eventually(async () => (compareCursor((await projections.status())[0]!.checkpoint, leaderboardAt) > 0 ? true : undefined), 20_000, 'live updates');

      holdRebuild = false;
      const reports = await Promise.all(handles.map((handle) => handle.done));
      expect(reports.map((r) => [r.generation, r.previousGeneration])).toEqual(reports.map(() => [2, 1]));
      const afterSwap = answered;
      await eventually(async () => (answered > afterSwap + 2 ? true : undefined), 20_000, 'queries answered after the swap');
    } finally {
      writing = false;
      querying = false;
      await writer;
      await reader;
    }
    expect(failures).toEqual([]);
    expect(answered).toBeGreaterThan(3);

    const statuses = await settled(projections, h.opened.sql);
    expect(statuses.map((s) => s.generation)).toEqual(statuses.map(() => 2));
    const log = await readLog(h.opened.store);
    expect(await h.queries.leaderboard.top(1000)).toEqual(foldLeaderboard(log));
    const days = (await Promise.all(Array.from({ length: 8 }, (_, p) => h.queries.nutrition.days(`p${p}`, '2000-01-01', '2100-01-01')))).flat();
    expect(days).toEqual(foldNutritionDays(log));
    const tables = await h.opened.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = current_schema() and table_name like 'rm\\_%\\_\\_g%' order by 1`;
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.filter((t) => !t.table_name.endsWith('__g2'))).toEqual([]);

    // A restart serves the rebuilt generation.
    await projections.stop();
    const restarted = h.projections();
    await restarted.start();
    expect((await settled(restarted, h.opened.sql)).map((s) => [s.generation, s.rebuild])).toEqual(statuses.map(() => [2, undefined]));
  });

  it("follows the generation another node swapped in, even for a read model whose events are rare", async () => {
    await seedPlayers(h, 3, 1);
    const nodeA = h.projections(gameProjections, { generationPollMs: 50 });
    const nodeB = h.projections(gameProjections, { generationPollMs: 50 });
    await Promise.all([nodeA.start(), nodeB.start()]);
    await settled(nodeA, h.opened.sql);
    await settled(nodeB, h.opened.sql);
    await (await nodeA.rebuild('challenge_directory')).done;
    await nodeA.stop();
    const statuses = await settled(nodeB, h.opened.sql);
    expect(statuses.map((s) => [s.name, s.generation])).toEqual(nodeB.names().map((name) => [name, name === 'challenge_directory' ? 2 : 1]));
    await h.writer.challenge('c9', challenge.created({ challengeId: 'c9', startsAt: Date.parse(`${day}T00:00:00Z`) }), challenge.opened());
    await settled(nodeB, h.opened.sql);
    expect((await h.queries.challenges.list()).items.map((c) => c.challengeId)).toEqual(['c9']);
  });

  it('rebuilds a read model whose version changed at start, serving the old tables meanwhile', async () => {
    await seedPlayers(h, 4, 2);
    const v1 = h.projections([leaderboardProjection]);
    await v1.start();
    await settled(v1, h.opened.sql);
    const before = await h.queries.leaderboard.top(10);
    await v1.stop();

    const v2 = h.projections([{ ...leaderboardProjection, version: 2 }]);
    await v2.start();
    expect(await h.queries.leaderboard.top(10)).toEqual(before);
    const [status] = await settled(v2, h.opened.sql);
    expect(status).toMatchObject({ generation: 2, version: 2, servedVersion: 2 });
    expect(await h.queries.leaderboard.top(10)).toEqual(foldLeaderboard(await readLog(h.opened.store)));
  });

  it('parks the player whose display name the database cannot store, and every read model goes on', async () => {
    // No display name (a buggy writer, an old schema): the log keeps any JSON, the read models' tables need the name.
    await h.writer.user('mallory', player.registered('mallory', null as unknown as string));
    const projections = h.projections(gameProjections);
    await projections.start();
    await h.writer.user('ada', player.registered('ada', 'Ada'), player.points(40));
    await eventually(async () => ((await h.queries.leaderboard.top(10)).some((e) => e.userId === 'ada') ? true : undefined), 20_000, 'ada on the leaderboard');
    const statuses = await settled(projections, h.opened.sql);
    const parked = statuses.filter((s) => s.parked.count > 0);
    expect(parked.map((s) => s.name)).toContain('leaderboard');
    for (const status of parked) expect(status.parked.events.map((p) => [p.streamId, p.event.type])).toEqual([['user/mallory', 'user.registered']]);
    expect(await h.queries.profiles.get('ada')).toMatchObject({ displayName: 'Ada', points: 40 });
  });
}
