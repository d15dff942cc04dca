import { setTimeout as delay } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { readLog, settled } from '../../store/projections/tests/settled.js';
import { foldLeaderboard, foldNutritionDays } from './expected.js';
import { challenge, player, totals } from './game-writer.js';
import type { GameHarness as Harness } from './suite.js';

const day = '2026-02-02';

export function readModelCases(h: Harness): void {
  it('ranks the leaderboard 1-2-2-4 under ties, listing equal points by who reached them first', async () => {
    const projections = h.projections();
    await projections.start();
    const { writer } = h;
    await writer.user('ana', player.registered('ana', 'Ana'), player.points(100), player.levelUp(2), player.points(20));
    await writer.user('cy', player.registered('cy', 'Cy'));
    await writer.user('bob', player.registered('bob', 'Bob'));
    await writer.user('dee', player.registered('dee', 'Dee'), player.points(10));
    await writer.user('eve', player.registered('eve', 'Eve'));
    await writer.user('cy', player.points(20));
    await delay(5); // distinct commit times, so "who reached 20 first" is cy, then bob (not by id)
    await writer.user('bob', player.points(15), player.points(5), player.profileUpdated({ displayName: 'Bobby' }));
    await settled(projections, h.opened.sql);

    const { leaderboard } = h.queries;
    expect(await leaderboard.top(10)).toEqual([
      { rank: 1, userId: 'ana', displayName: 'Ana', points: 120, level: 2 },
      { rank: 2, userId: 'cy', displayName: 'Cy', points: 20, level: 1 },
      { rank: 2, userId: 'bob', displayName: 'Bobby', points: 20, level: 1 },
      { rank: 4, userId: 'dee', displayName: 'Dee', points: 10, level: 1 },
      { rank: 5, userId: 'eve', displayName: 'Eve', points: 0, level: 1 },
    ]);
    expect((await leaderboard.top(2)).map((e) => e.userId)).toEqual(['ana', 'cy']);
    const around = await leaderboard.around('bob', 1);
    expect(around).toEqual({
      player: { rank: 2, userId: 'bob', displayName: 'Bobby', points: 20, level: 1 },
      above: [{ rank: 2, userId: 'cy', displayName: 'Cy', points: 20, level: 1 }],
      below: [{ rank: 4, userId: 'dee', displayName: 'Dee', points: 10, level: 1 }],
      players: 5,
    });
    expect((await leaderboard.around('ana', 2))?.above).toEqual([]);
    expect((await leaderboard.around('eve', 2))?.above.map((e) => [e.userId, e.rank])).toEqual([['bob', 2], ['dee', 4]]);
    expect(await leaderboard.around('nobody')).toBeUndefined();

    await writer.user('dee', player.points(10));
    await settled(projections, h.opened.sql);
    expect((await leaderboard.top(10)).map((e) => `${e.rank}:${e.userId}`)).toEqual(['1:ana', '2:cy', '2:bob', '2:dee', '5:eve']);
    expect(await leaderboard.top(10)).toEqual(foldLeaderboard(await readLog(h.opened.store)));
  });

  it('keeps the player profile: name, avatar, level, points, streak as of now, achievements and today', async () => {
    const projections = h.projections();
    await projections.start();
    await h.writer.user(
      'pia',
      player.registered('pia', 'Pia', 'Europe/Paris'),
      player.profileUpdated({ avatar: 'https://cdn.example/pia.png' }),
      player.meal('m1', '2026-03-10', totals(600, 30, 70, 20)),
      player.points(10),
      player.achievement('first-meal', 'common', 10),
      player.points(10, 'achievement'),
      player.streakExtended(3, '2026-03-10'),
      player.streakMilestone(3),
      player.points(30, 'streak-milestone'),
      player.water(500, '2026-03-10', 500),
    );
    await h.writer.user('pia', player.points(50), player.levelUp(2));
    await settled(projections, h.opened.sql);

    const noon = Date.parse('2026-03-10T12:00:00Z');
    const profile = await h.queries.profiles.get('pia', noon);
    expect(profile).toMatchObject({
      userId: 'pia',
      displayName: 'Pia',
      avatar: 'https://cdn.example/pia.png',
      timezone: 'Europe/Paris',
      level: 2,
      points: 100,
      streak: { days: 3, lastDay: '2026-03-10' },
      achievements: [{ achievementId: 'first-meal', rarity: 'common', points: 10 }],
      today: { day: '2026-03-10', calories: 600, proteinG: 30, carbsG: 70, fatG: 20, waterMl: 500, meals: 1, goalMet: false },
    });
    const tomorrow = await h.queries.profiles.get('pia', noon + 86_400_000);
    expect(tomorrow?.streak.days).toBe(3); // yesterday's streak is still alive until the day ends
    expect(tomorrow?.today).toMatchObject({ day: '2026-03-11', calories: 0, meals: 0 });
    expect((await h.queries.profiles.get('pia', noon + 2 * 86_400_000))?.streak.days).toBe(0);
    expect(await h.queries.profiles.get('nobody', noon)).toBeUndefined();
  });

  it("picks today's totals in the player's timezone, across the UTC day boundary", async () => {
    const projections = h.projections();
    await projections.start();
    // Auckland is UTC+13 in January: 12:00Z on the 14th is 01:00 on the 15th there.
    await h.writer.user(
      'kai',
      player.registered('kai', 'Kai', 'Pacific/Auckland'),
      player.meal('late', '2026-01-14', totals(800, 40), Date.parse('2026-01-14T09:00:00Z')),
      player.meal('early', '2026-01-15', totals(350, 15), Date.parse('2026-01-14T12:00:00Z')),
    );
    // Los Angeles is UTC−8: 05:00Z on the 15th is still the 14th there.
    await h.writer.user('lou', player.registered('lou', 'Lou', 'America/Los_Angeles'), player.meal('dinner', '2026-01-14', totals(900), Date.parse('2026-01-15T05:00:00Z')));
    await settled(projections, h.opened.sql);

    const { profiles } = h.queries;
    expect((await profiles.get('kai', Date.parse('2026-01-14T12:30:00Z')))?.today).toMatchObject({ day: '2026-01-15', calories: 350, meals: 1 });
    expect((await profiles.get('kai', Date.parse('2026-01-14T10:30:00Z')))?.today).toMatchObject({ day: '2026-01-14', calories: 800, meals: 1 });
    expect((await profiles.get('lou', Date.parse('2026-01-15T06:00:00Z')))?.today).toMatchObject({ day: '2026-01-14', calories: 900 });
    expect((await profiles.get('lou', Date.parse('2026-01-15T08:30:00Z')))?.today).toMatchObject({ day: '2026-01-15', calories: 0 });

    await h.writer.user('kai', player.profileUpdated({ timezone: 'UTC' }));
    await settled(projections, h.opened.sql);
    expect((await profiles.get('kai', Date.parse('2026-01-14T12:30:00Z')))?.today).toMatchObject({ day: '2026-01-14', calories: 800 });
  });

  it('sums each local day and subtracts deleted meals, in the same batch or a later one', async () => {
    const projections = h.projections();
    await projections.start();
    const lunch = totals(700, 40, 80, 25);
    const dinner = totals(650.25, 35, 60, 22.5);
    await h.writer.user('nia', player.registered('nia', 'Nia'), player.meal('b', day, totals(400.5, 20.25, 50, 10)), player.meal('l', day, lunch), player.water(750, day, 750));
    await settled(projections, h.opened.sql);
    await h.writer.user(
      'nia',
      player.mealDeleted('l', day, lunch),
      player.meal('d', day, dinner),
      player.mealDeleted('d', day, dinner),
      player.meal('s', day, totals(150, 5, 20, 5)),
      player.water(1250, day, 2000),
      player.goalMet(day),
    );
    await h.writer.user('nia', player.meal('x', '2026-02-03', totals(300, 10, 10, 10)));
    await settled(projections, h.opened.sql);

    const { nutrition } = h.queries;
    expect(await nutrition.day('nia', day)).toEqual({ userId: 'nia', day, calories: 550.5, proteinG: 25.25, carbsG: 70, fatG: 15, waterMl: 2000, meals: 2, goalMet: true });
    expect(await nutrition.day('nia', '2026-02-05')).toEqual({ userId: 'nia', day: '2026-02-05', calories: 0, proteinG: 0, carbsG: 0, fatG: 0, waterMl: 0, meals: 0, goalMet: false });
    const days = await nutrition.days('nia', '2026-02-01', '2026-02-28');
    expect(days.map((d) => [d.day, d.calories, d.meals])).toEqual([[day, 550.5, 2], ['2026-02-03', 300, 1]]);
    expect(days).toEqual(foldNutritionDays(await readLog(h.opened.store)));
  });

  it("shows friends' notable events newest first, by page, and follows friendships", async () => {
    const projections = h.projections();
    await projections.start();
    const { writer } = h;
    const t0 = Date.parse('2026-05-01T00:00:00Z');
    await writer.user('me', player.registered('me', 'Me'), player.friendAdded('amy'), player.friendAdded('ben'));
    await writer.user('amy', player.registered('amy', 'Amy'), player.friendAdded('me'));
    await writer.user('ben', player.registered('ben', 'Ben'), player.friendAdded('me'));
    await writer.user('zed', player.registered('zed', 'Zed'), player.meal('z1', day, totals(500)));
    await writer.user('amy', player.meal('a1', day, totals(520)), player.points(10));
    await writer.user('ben', player.levelUp(2));
    await writer.user('amy', player.meal('a2', day, totals(300)));
    await writer.challenge('c1', challenge.created({ challengeId: 'c1', title: 'Veggie week', startsAt: t0 }), challenge.opened(), challenge.joined('ben', t0 - 1000));
    await writer.user('amy', player.achievement('first-meal', 'common', 10), player.streakMilestone(3));
    await writer.user('amy', player.mealDeleted('a2', day, totals(300)));
    await writer.challenge('c1', challenge.started(), challenge.progress('ben', 1, 1, t0 + 1000), challenge.finished([]), challenge.reward('ben', 1, 300));
    await writer.user('ben', player.profileUpdated({ displayName: 'Benjamin', avatar: 'ben.png' }));
    await settled(projections, h.opened.sql);

    const { feed } = h.queries;
    const page1 = await feed.feed('me', { limit: 4 });
    expect(page1.items.map((i) => [i.userId, i.kind, i.data])).toEqual([
      ['ben', 'challenge.won', { challengeId: 'c1', title: 'Veggie week', points: 300 }],
      ['amy', 'streak.milestone', { days: 3 }],
      ['amy', 'achievement.unlocked', { achievementId: 'first-meal', rarity: 'common' }],
      ['ben', 'challenge.joined', { challengeId: 'c1', title: 'Veggie week' }],
    ]);
    expect(page1.items[0]).toMatchObject({ displayName: 'Benjamin', avatar: 'ben.png' });
    const page2 = await feed.feed('me', { limit: 4, before: page1.next! });
    expect(page2.items.map((i) => [i.userId, i.kind])).toEqual([['ben', 'level.up'], ['amy', 'meal.logged']]);
    expect(page2.items[1]?.data).toEqual({ mealId: 'a1', mealType: 'lunch', calories: 520 });
    expect(page2.next).toBeNull();
    await expect(feed.feed('me', { before: 'not-a-cursor' })).rejects.toMatchObject({ code: 'QUERY_INVALID' });
    expect((await feed.feed('zed')).items).toEqual([]);

    await writer.user('me', player.friendRemoved('ben'));
    await settled(projections, h.opened.sql);
    expect(await feed.friends('me')).toEqual(['amy']);
    expect((await feed.feed('me')).items.map((i) => i.kind)).toEqual(['streak.milestone', 'achievement.unlocked', 'meal.logged']);
  });

  it('lists open and running challenges with their participants, and a live standing', async () => {
    const projections = h.projections();
    await projections.start();
    const { writer } = h;
    const t0 = Date.parse('2026-04-01T00:00:00Z');
    const d = 86_400_000;
    await writer.challenge('sched', challenge.created({ challengeId: 'sched', startsAt: t0 + 10 * d }));
    await writer.challenge('open', challenge.created({ challengeId: 'open', startsAt: t0 + 2 * d }), challenge.opened(), challenge.joined('u1', t0), challenge.joined('u2', t0 + 1));
    await writer.challenge(
      'run',
      challenge.created({ challengeId: 'run', title: 'Hydration', kind: 'water-ml', startsAt: t0 + d, maxParticipants: 3 }),
      challenge.opened(),
      challenge.joined('a', t0),
      challenge.joined('b', t0 + 5),
      challenge.joined('c', t0 + 6),
      challenge.started(),
    );
    await writer.challenge('run', challenge.progress('a', 500, 500, t0 + d + 10), challenge.progress('c', 700, 700, t0 + d + 20), challenge.progress('b', 700, 700, t0 + d + 30));
    await writer.challenge('gone', challenge.created({ challengeId: 'gone', startsAt: t0 }), challenge.opened(), challenge.cancelled('creator'));
    await writer.challenge('done', challenge.created({ challengeId: 'done', startsAt: t0 - 9 * d }), challenge.opened(), challenge.started(), challenge.finished([]));
    await settled(projections, h.opened.sql);

    const { challenges } = h.queries;
    expect(await challenges.standings('run')).toEqual([
      { rank: 1, userId: 'c', score: 700, reachedAt: t0 + d + 20 },
      { rank: 2, userId: 'b', score: 700, reachedAt: t0 + d + 30 },
      { rank: 3, userId: 'a', score: 500, reachedAt: t0 + d + 10 },
    ]);
    await writer.challenge('run', challenge.left('a'));
    await settled(projections, h.opened.sql);

    const listed = await challenges.list();
    expect(listed.items.map((c) => [c.challengeId, c.state, c.participants])).toEqual([['run', 'running', 2], ['open', 'open', 2]]);
    expect(listed.next).toBeNull();
    expect(await challenges.get('run')).toEqual({
      challengeId: 'run', creatorId: 'creator', title: 'Hydration', kind: 'water-ml', target: null,
      opensAt: t0, startsAt: t0 + d, endsAt: t0 + 8 * d, participants: 2, maxParticipants: 3, state: 'running',
    });
    const first = await challenges.list({ limit: 1 });
    expect(first.items.map((c) => c.challengeId)).toEqual(['run']);
    expect((await challenges.list({ limit: 1, after: first.next! })).items.map((c) => c.challengeId)).toEqual(['open']);
    expect((await challenges.list({ states: ['scheduled', 'cancelled', 'finished'] })).items.map((c) => c.challengeId)).toEqual(['done', 'gone', 'sched']);
    expect((await challenges.standings('run')).map((s) => s.userId)).toEqual(['c', 'b']);
    expect(await challenges.get('nope')).toBeUndefined();
  });
}
