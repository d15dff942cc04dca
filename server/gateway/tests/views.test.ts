import { describe, expect, it } from 'vitest';
import { challengeActorType, type ChallengeState } from '../../../actors/challenge/index.js';
import type { Folded } from '../../../actors/runtime/index.js';
import { userActorType, type UserState } from '../../../actors/user/index.js';
import { challengeView, userView } from '../views.js';

const day = { calories: 900, proteinG: 40, carbsG: 100, fatG: 30, waterMl: 750, meals: 2, rewardedMeals: 2, goalMet: false, waterGoalReached: false };

describe('the user/ view', () => {
  const state: UserState = {
    ...userActorType.initialState,
    userId: 'ada',
    displayName: 'Ada',
    timezone: 'Asia/Tokyo',
    points: 130,
    level: 2,
    streak: { days: 4, lastDay: '2026-03-02' },
    days: { '2026-03-02': day, '2026-03-01': { ...day, calories: 1 } },
    meals: { m1: { day: '2026-03-02', totals: day } },
    achievements: ['first-meal'],
    friends: { bob: true, cy: true },
    requestsReceived: { dan: true },
    challenges: { c7: { kind: 'water-ml', startsAt: 1, endsAt: 2 } },
    awardSources: { secret: true },
  };

  it("shows today's totals on the player's own calendar, and no bookkeeping", () => {
    // 2026-03-01T20:00Z is already 2026-03-02 in Tokyo.
    const view = userView('ada', state, Date.parse('2026-03-01T20:00:00Z'));
    expect(view).toMatchObject({
      userId: 'ada',
      registered: true,
      points: 130,
      level: 2,
      nextLevelAt: 300,
      streak: { days: 4, lastDay: '2026-03-02' },
      today: { day: '2026-03-02', calories: 900, waterMl: 750, meals: 2 },
      achievements: ['first-meal'],
      friends: 2,
      friendRequestsReceived: ['dan'],
      challenges: [{ challengeId: 'c7', kind: 'water-ml', startsAt: 1, endsAt: 2 }],
    });
    expect(JSON.stringify(view)).not.toMatch(/awardSources|secret|"meals":\{/);
  });

  it('shows a streak whose last day is before yesterday as over, and an empty today', () => {
    const view = userView('ada', state, Date.parse('2026-03-04T03:00:00Z'));
    expect(view.streak).toEqual({ days: 0, lastDay: '2026-03-02' });
    expect(view.today).toMatchObject({ day: '2026-03-04', calories: 0, meals: 0 });
    expect(userView('ada', state, Date.parse('2026-03-03T03:00:00Z')).streak.days).toBe(4);
  });
});

describe('the challenge/ view', () => {
  it('shows the live ranking while it runs, the final one once finished', () => {
    const state: ChallengeState = {
      ...challengeActorType.initialState,
      participants: {
        ada: { userId: 'ada', joinedAt: 1, score: 3, reachedAt: 5 },
        bob: { userId: 'bob', joinedAt: 2, score: 7, reachedAt: 6 },
      },
      participantCount: 2,
      processed: { 'x:1:0': true },
    };
    const running: Folded<ChallengeState> = { state, lifecycle: 'running', version: 9 };
    const view = challengeView('c7', running);
    expect(view).toMatchObject({ challengeId: 'c7', lifecycle: 'running', participantCount: 2 });
    expect(view.ranking.map((entry) => [entry.rank, entry.userId])).toEqual([
      [1, 'bob'],
      [2, 'ada'],
    ]);
    expect(JSON.stringify(view)).not.toContain('x:1:0');
    const finalRanking = [{ rank: 1, userId: 'ada', score: 3, reachedAt: 5 }];
    expect(challengeView('c7', { ...running, lifecycle: 'finished', state: { ...state, finalRanking } }).ranking).toEqual(finalRanking);
  });
});
