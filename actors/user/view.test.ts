import { describe, expect, it } from 'vitest';
import { userActorType, type UserState } from './index.js';
import { userView } from './view.js';

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
