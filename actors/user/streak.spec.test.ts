import { describe, expect, it } from 'vitest';
import { spec } from '../runtime/spec.js';
import type { UserEvent } from './events.js';
import { userActorType as user } from './index.js';
import { achievementPoints, at, mealPayload, mine, registered, shared, streakAt, unlocked } from './tests/fixtures.js';

const jan2 = { now: at('2026-01-02T12:00:00Z'), id: 'c2' };
const lunchOnJan2 = mine('meal.log', mealPayload({ eatenAt: at('2026-01-02T12:00:00Z') }), jan2);
const player = (...history: UserEvent[]) => [registered(), unlocked('first-meal'), achievementPoints('first-meal'), ...history];
const meal = expect.objectContaining({ type: 'nutrition.meal.logged' });
const mealPoints = { type: 'points.earned', data: { amount: 10, reason: 'meal', sourceId: 'c2:meal' } };

describe('user: streak', () => {
  it('extends the streak with a meal on the next local day', () => {
    spec(user).given(player(streakAt(1, '2026-01-01'))).when(lunchOnJan2)
      .then([meal, mealPoints, { type: 'user.streak.extended', data: { days: 2, day: '2026-01-02' } }]);
  });

  it('leaves the streak alone for a second meal on the same day', () => {
    spec(user).given(player(streakAt(2, '2026-01-02'))).when(lunchOnJan2).then([meal, mealPoints]);
  });

  it('is not back-filled by a meal dated before its last day', () => {
    spec(user).given(player(streakAt(2, '2026-01-02'))).when(mine('meal.log', mealPayload({ eatenAt: at('2026-01-01T20:00:00Z') }), jan2))
      .then([meal, mealPoints]);
  });

  it('breaks after a day without a meal, and a new streak starts at 1', () => {
    const when = spec(user).given(player(streakAt(5, '2025-12-31'))).when(lunchOnJan2);
    when.then([
      meal,
      mealPoints,
      { type: 'user.streak.broken', data: { days: 5 } },
      { type: 'user.streak.extended', data: { days: 1, day: '2026-01-02' } },
    ]);
    expect(when.stateAfter().streak).toEqual({ days: 1, lastDay: '2026-01-02' });
  });

  it('reaches the 3-day milestone: +30', () => {
    spec(user).given(player(streakAt(2, '2026-01-01'))).when(lunchOnJan2).then([
      meal,
      mealPoints,
      { type: 'user.streak.extended', data: { days: 3, day: '2026-01-02' } },
      { type: 'user.streak.milestone', data: { days: 3 } },
      { type: 'points.earned', data: { amount: 30, reason: 'streak-milestone', sourceId: 'c2:streak-3' } },
    ]);
  });

  it('reaches the 7-day milestone: +70 and week-streak (+50)', () => {
    spec(user).given(player(streakAt(6, '2026-01-01'))).when(lunchOnJan2).then([
      meal,
      mealPoints,
      { type: 'user.streak.extended', data: { days: 7, day: '2026-01-02' } },
      { type: 'user.streak.milestone', data: { days: 7 } },
      { type: 'points.earned', data: { amount: 70, reason: 'streak-milestone', sourceId: 'c2:streak-7' } },
      { type: 'achievement.unlocked', data: { achievementId: 'week-streak', rarity: 'rare', points: 50 } },
      { type: 'points.earned', data: { amount: 50, reason: 'achievement', sourceId: 'achievement:week-streak' } },
      { type: 'user.level.up', data: { level: 2 } },
      shared({ achievementId: 'week-streak' }, lunchOnJan2.meta.now),
    ]);
  });

  it('gives the 7-day milestone to a later streak too, but week-streak only once', () => {
    spec(user).given(player(unlocked('week-streak'), streakAt(6, '2026-01-01'))).when(lunchOnJan2).then([
      meal,
      mealPoints,
      { type: 'user.streak.extended', data: { days: 7, day: '2026-01-02' } },
      { type: 'user.streak.milestone', data: { days: 7 } },
      { type: 'points.earned', data: { amount: 70, reason: 'streak-milestone', sourceId: 'c2:streak-7' } },
    ]);
  });

  it('reaches the 30-day milestone: +300', () => {
    spec(user).given(player(unlocked('week-streak'), streakAt(29, '2026-01-01'))).when(lunchOnJan2).then([
      meal,
      mealPoints,
      { type: 'user.streak.extended', data: { days: 30, day: '2026-01-02' } },
      { type: 'user.streak.milestone', data: { days: 30 } },
      { type: 'points.earned', data: { amount: 300, reason: 'streak-milestone', sourceId: 'c2:streak-30' } },
      { type: 'user.level.up', data: { level: 2 } },
      { type: 'user.level.up', data: { level: 3 } },
    ]);
  });

  it('reaches the 100-day milestone: +1000', () => {
    const when = spec(user).given(player(unlocked('week-streak'), streakAt(99, '2026-01-01'))).when(lunchOnJan2);
    expect(when.decision.rejected ? [] : when.decision.events).toContainEqual({ type: 'user.streak.milestone', data: { days: 100 } });
    expect(when.decision.rejected ? [] : when.decision.events).toContainEqual({
      type: 'points.earned',
      data: { amount: 1000, reason: 'streak-milestone', sourceId: 'c2:streak-100' },
    });
    expect(when.stateAfter()).toMatchObject({ points: 1020, level: 5 });
  });

  it('has no milestone between the milestones', () => {
    spec(user).given(player(unlocked('week-streak'), streakAt(7, '2026-01-01'))).when(lunchOnJan2)
      .then([meal, mealPoints, { type: 'user.streak.extended', data: { days: 8, day: '2026-01-02' } }]);
  });
});
