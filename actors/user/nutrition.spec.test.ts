import { describe, expect, it } from 'vitest';
import { spec } from '../runtime/spec.js';
import { UserErrorCode as Code } from './errors.js';
import type { UserEvent } from './events.js';
import { userActorType as user } from './index.js';
import {
  achievementPoints, at, food, goalMetOn, goalSet, mealLogged, mealPayload, mine, noon, registered, shared, streakAt, unlocked,
} from './tests/fixtures.js';

const day = '2026-01-01';
/** A player who has logged before today: first-meal unlocked, a one-day streak today. */
const regular = (timezone = 'UTC'): UserEvent[] => [registered(timezone), unlocked('first-meal'), achievementPoints('first-meal'), streakAt(1, day)];
const fourMealsOn = (d: string, eatenAt: number) => [1, 2, 3, 4].map((n) => mealLogged(`early-${n}`, d, eatenAt));

describe('user: logging a meal', () => {
  it('records the meal with its totals and local day, earns 10 points, first-meal and a one-day streak', () => {
    spec(user).given([registered()]).when(mine('meal.log', mealPayload(), { id: 'c1' })).then([
      {
        type: 'nutrition.meal.logged',
        data: { mealId: 'm1', mealType: 'lunch', eatenAt: noon, day, foods: [food()], totals: { calories: 130, proteinG: 3, carbsG: 28, fatG: 0.5 }, rewarded: true },
      },
      { type: 'points.earned', data: { amount: 10, reason: 'meal', sourceId: 'c1:meal' } },
      { type: 'achievement.unlocked', data: { achievementId: 'first-meal', rarity: 'common', points: 10 } },
      { type: 'points.earned', data: { amount: 10, reason: 'achievement', sourceId: 'achievement:first-meal' } },
      { type: 'user.streak.extended', data: { days: 1, day } },
    ]);
  });

  it('sums the foods of a meal into its totals', () => {
    const foods = [food({ calories: 100.1, proteinG: 10.2 }), food({ calories: 200.2, proteinG: 0.1, carbsG: 1, fatG: 2 })];
    const decision = spec(user).given(regular()).when(mine('meal.log', mealPayload({ foods }))).decision;
    expect(decision.rejected ? undefined : decision.events[0]?.data).toMatchObject({ totals: { calories: 300.3, proteinG: 10.3, carbsG: 29, fatG: 2.5 } });
  });

  it('adds the meal to the day totals', () => {
    const state = spec(user).given([...regular(), mealLogged('m0', day, noon, { calories: 500, proteinG: 20 })])
      .when(mine('meal.log', mealPayload())).stateAfter();
    expect(state.days[day]).toMatchObject({ calories: 630, proteinG: 23, meals: 2, rewardedMeals: 2 });
  });

  it('rewards at most 4 meals a day', () => {
    spec(user).given([...regular(), ...fourMealsOn(day, noon)]).when(mine('meal.log', mealPayload({ mealId: 'fifth' })))
      .then([{ type: 'nutrition.meal.logged', data: expect.objectContaining({ mealId: 'fifth', rewarded: false }) }]);
  });

  it('unlocks first-meal only once', () => {
    const decision = spec(user).given(regular()).when(mine('meal.log', mealPayload())).decision;
    expect(decision.rejected ? [] : decision.events.map((e) => e.type)).not.toContain('achievement.unlocked');
  });

  it('rejects a meal with no foods', () => {
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ foods: [] }))).thenRejected(Code.MEAL_HAS_NO_FOODS);
  });

  it('rejects a negative quantity or nutrient', () => {
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ foods: [food({ quantity: -1 })] }))).thenRejected(Code.MEAL_QUANTITY_NEGATIVE);
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ foods: [food(), food({ calories: -200 })] }))).thenRejected(Code.MEAL_QUANTITY_NEGATIVE);
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ foods: [food({ fatG: -0.1 })] }))).thenRejected(Code.MEAL_QUANTITY_NEGATIVE);
  });

  it('rejects a food without a name or unit, or with a nutrient that is not a number', () => {
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ foods: [food({ name: '' })] }))).thenRejected(Code.MEAL_FOOD_INVALID);
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ foods: [food({ calories: '12' as never })] }))).thenRejected(Code.MEAL_FOOD_INVALID);
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ foods: [null as never] }))).thenRejected(Code.MEAL_FOOD_INVALID);
  });

  it('rejects more than 50 foods', () => {
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ foods: Array.from({ length: 51 }, () => food()) }))).thenRejected(Code.MEAL_TOO_MANY_FOODS);
  });

  it('rejects an unknown meal type, a bad meal id and a meal id already logged', () => {
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ mealType: 'brunch' as never }))).thenRejected(Code.MEAL_TYPE_INVALID);
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ mealId: 'has space' }))).thenRejected(Code.MEAL_ID_INVALID);
    spec(user).given([...regular(), mealLogged('m1', day, noon)]).when(mine('meal.log', mealPayload({ mealId: 'm1' }))).thenRejected(Code.MEAL_ALREADY_LOGGED);
  });

  it('rejects a meal dated in the future or more than 48 hours ago', () => {
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ eatenAt: noon + 10 * 60_000 }))).thenRejected(Code.MEAL_TIME_INVALID);
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ eatenAt: noon - 49 * 3_600_000 }))).thenRejected(Code.MEAL_TIME_INVALID);
    spec(user).given(regular()).when(mine('meal.log', mealPayload({ eatenAt: '2026-01-01' as never }))).thenRejected(Code.MEAL_TIME_INVALID);
  });
});

describe("user: the player's local day", () => {
  // 23:30 on Jan 1 and 00:30 on Jan 2 in Los Angeles (UTC−8) are both Jan 2 in UTC.
  const lateOnJan1 = at('2026-01-02T07:30:00Z');
  const earlyOnJan2 = at('2026-01-02T08:30:00Z');
  const meanwhile = { now: at('2026-01-02T09:00:00Z') };
  const laPlayerWith4MealsOnJan1 = [...regular('America/Los_Angeles'), ...fourMealsOn(day, at('2026-01-01T20:00:00Z'))];

  it('puts a meal at 23:30 Los Angeles time on that local day (the 5th, so unrewarded)', () => {
    spec(user).given(laPlayerWith4MealsOnJan1).when(mine('meal.log', mealPayload({ eatenAt: lateOnJan1 }), meanwhile))
      .then([{ type: 'nutrition.meal.logged', data: expect.objectContaining({ day: '2026-01-01', rewarded: false }) }]);
  });

  it('puts a meal at 00:30 the next local day on a new day: rewarded, and the streak grows', () => {
    spec(user).given(laPlayerWith4MealsOnJan1).when(mine('meal.log', mealPayload({ eatenAt: earlyOnJan2 }), { ...meanwhile, id: 'c2' })).then([
      { type: 'nutrition.meal.logged', data: expect.objectContaining({ day: '2026-01-02', rewarded: true }) },
      { type: 'points.earned', data: { amount: 10, reason: 'meal', sourceId: 'c2:meal' } },
      { type: 'user.streak.extended', data: { days: 2, day: '2026-01-02' } },
    ]);
  });

  it('uses the timezone ahead of UTC too: 16:00 UTC is the next day in Tokyo', () => {
    spec(user).given(regular('Asia/Tokyo')).when(mine('meal.log', mealPayload({ eatenAt: at('2026-01-01T16:00:00Z') }), { now: at('2026-01-01T16:05:00Z') }))
      .then(expect.arrayContaining([{ type: 'nutrition.meal.logged', data: expect.objectContaining({ day: '2026-01-02' }) }]));
  });

  it('counts water on the local day as well', () => {
    spec(user).given([registered('America/Los_Angeles')]).when(mine('water.log', { ml: 250, drankAt: lateOnJan1 }, meanwhile))
      .then([{ type: 'nutrition.water.logged', data: { ml: 250, drankAt: lateOnJan1, day: '2026-01-01', dayTotalMl: 250, goalReached: false } }]);
  });
});

describe('user: deleting a meal', () => {
  it('records the deletion with the day and totals to subtract, keeping points earned', () => {
    const given = spec(user).given([...regular(), mealLogged('m1', day, noon, { calories: 500, proteinG: 20 })]);
    const when = given.when(mine('meal.delete', { mealId: 'm1' }));
    when.then([{ type: 'nutrition.meal.deleted', data: { mealId: 'm1', day, totals: { calories: 500, proteinG: 20, carbsG: 28, fatG: 0.5 } } }]);
    expect(when.stateAfter().days[day]).toMatchObject({ calories: 0, proteinG: 0, meals: 0, rewardedMeals: 1 });
    expect(when.stateAfter().points).toBe(given.state.points);
  });

  it('rejects deleting an unknown meal', () => {
    spec(user).given(regular()).when(mine('meal.delete', { mealId: 'never-logged' })).thenRejected(Code.MEAL_UNKNOWN);
  });

  it('does not give back a rewarded slot: a meal logged after a deletion on a capped day earns nothing', () => {
    const history = [...regular(), ...fourMealsOn(day, noon), { type: 'nutrition.meal.deleted', data: { mealId: 'early-1', day, totals: { calories: 130, proteinG: 3, carbsG: 28, fatG: 0.5 } } } as UserEvent];
    spec(user).given(history).when(mine('meal.log', mealPayload({ mealId: 'again' })))
      .then([{ type: 'nutrition.meal.logged', data: expect.objectContaining({ rewarded: false }) }]);
  });

  it('forgets meals older than the retained days', () => {
    const state = spec(user).given([...regular(), mealLogged('old', '2025-11-20', at('2025-11-20T12:00:00Z')), mealLogged('m1', day, noon)]).state;
    expect(Object.keys(state.meals)).toEqual(['m1']);
    spec(user).given([...regular(), mealLogged('old', '2025-11-20', at('2025-11-20T12:00:00Z')), mealLogged('m1', day, noon)])
      .when(mine('meal.delete', { mealId: 'old' })).thenRejected(Code.MEAL_UNKNOWN);
  });
});

describe('user: nutrition goal met', () => {
  // Goal: 2000 kcal (±10 % is 1800 to 2200) and 100 g protein.
  const withBreakfast = (calories: number, proteinG: number) => [...regular(), goalSet(), mealLogged('m0', day, noon, { calories, proteinG })];
  const dinner = (calories: number, proteinG: number) => mine('meal.log', mealPayload({ foods: [food({ calories, proteinG })] }), { id: 'c9' });

  it('is met when the day reaches the low end of the band with enough protein: +20', () => {
    spec(user).given(withBreakfast(1000, 50)).when(dinner(800, 50)).then([
      { type: 'nutrition.meal.logged', data: expect.objectContaining({ rewarded: true }) },
      { type: 'points.earned', data: { amount: 10, reason: 'meal', sourceId: 'c9:meal' } },
      { type: 'nutrition.goal.met', data: { day, calories: 1800, proteinG: 100, daysInARow: 1 } },
      { type: 'points.earned', data: { amount: 20, reason: 'goal-met', sourceId: 'c9:goal-met' } },
    ]);
  });

  it('is met at the high end of the band (+10 %)', () => {
    const decision = spec(user).given(withBreakfast(1000, 50)).when(dinner(1200, 60)).decision;
    expect(decision.rejected ? [] : decision.events.map((e) => e.type)).toContain('nutrition.goal.met');
  });

  it('is not met above the band, nor with too little protein', () => {
    for (const [calories, proteinG] of [[1201, 60], [900, 49]] as const) {
      const decision = spec(user).given(withBreakfast(1000, 50)).when(dinner(calories, proteinG)).decision;
      expect(decision.rejected ? ['rejected'] : decision.events.map((e) => e.type)).not.toContain('nutrition.goal.met');
    }
  });

  it('is met at most once a day', () => {
    spec(user).given([...withBreakfast(1800, 100), goalMetOn(day)]).when(dinner(100, 0))
      .then([expect.objectContaining({ type: 'nutrition.meal.logged' }), expect.objectContaining({ type: 'points.earned' })]);
  });

  it('is never met without a goal', () => {
    spec(user).given([...regular(), mealLogged('m0', day, noon, { calories: 1000, proteinG: 50 })]).when(dinner(1000, 50))
      .then([expect.objectContaining({ type: 'nutrition.meal.logged' }), expect.objectContaining({ type: 'points.earned' })]);
  });

  it('can be met by deleting a meal that took the day over the band', () => {
    const history = [...withBreakfast(1900, 100), mealLogged('cake', day, noon, { calories: 500, proteinG: 0 })];
    spec(user).given(history).when(mine('meal.delete', { mealId: 'cake' }, { id: 'c5' })).then([
      expect.objectContaining({ type: 'nutrition.meal.deleted' }),
      { type: 'nutrition.goal.met', data: { day, calories: 1900, proteinG: 100, daysInARow: 1 } },
      { type: 'points.earned', data: { amount: 20, reason: 'goal-met', sourceId: 'c5:goal-met' } },
    ]);
  });
});

describe('user: balanced-week', () => {
  const jan = (d: number) => `2026-01-0${d}`;
  const on7th = { now: at('2026-01-07T18:00:00Z'), id: 'c7' };
  const player = [registered(), goalSet(), unlocked('first-meal'), achievementPoints('first-meal'), streakAt(1, jan(7))];

  it('unlocks when the goal is met 7 days in a row (+150)', () => {
    const history = [...player, ...[1, 2, 3, 4, 5, 6].map((d) => goalMetOn(jan(d))), mealLogged('m0', jan(7), at('2026-01-07T08:00:00Z'), { calories: 1000, proteinG: 50 })];
    spec(user).given(history).when(mine('meal.log', mealPayload({ eatenAt: at('2026-01-07T17:00:00Z'), foods: [food({ calories: 1000, proteinG: 50 })] }), on7th)).then([
      expect.objectContaining({ type: 'nutrition.meal.logged' }),
      { type: 'points.earned', data: { amount: 10, reason: 'meal', sourceId: 'c7:meal' } },
      { type: 'nutrition.goal.met', data: { day: jan(7), calories: 2000, proteinG: 100, daysInARow: 7 } },
      { type: 'points.earned', data: { amount: 20, reason: 'goal-met', sourceId: 'c7:goal-met' } },
      { type: 'achievement.unlocked', data: { achievementId: 'balanced-week', rarity: 'epic', points: 150 } },
      { type: 'points.earned', data: { amount: 150, reason: 'achievement', sourceId: 'achievement:balanced-week' } },
      { type: 'user.level.up', data: { level: 2 } },
      shared({ achievementId: 'balanced-week' }, on7th.now),
    ]);
  });

  it('counts a back-dated day that joins two runs', () => {
    const history = [...player, ...[1, 2, 3, 4, 5, 7].map((d) => goalMetOn(jan(d))), mealLogged('m0', jan(6), at('2026-01-06T08:00:00Z'), { calories: 1000, proteinG: 50 })];
    const decision = spec(user).given(history).when(mine('meal.log', mealPayload({ eatenAt: at('2026-01-06T20:00:00Z'), foods: [food({ calories: 1000, proteinG: 50 })] }), on7th)).decision;
    expect(decision.rejected ? undefined : decision.events).toContainEqual({ type: 'nutrition.goal.met', data: { day: jan(6), calories: 2000, proteinG: 100, daysInARow: 7 } });
    expect(decision.rejected ? undefined : decision.events).toContainEqual(expect.objectContaining({ type: 'achievement.unlocked', data: expect.objectContaining({ achievementId: 'balanced-week' }) }));
  });

  it('unlocks only once', () => {
    const history = [...player, unlocked('balanced-week'), ...[1, 2, 3, 4, 5, 6].map((d) => goalMetOn(jan(d))), mealLogged('m0', jan(7), at('2026-01-07T08:00:00Z'), { calories: 1000, proteinG: 50 })];
    const decision = spec(user).given(history).when(mine('meal.log', mealPayload({ eatenAt: at('2026-01-07T17:00:00Z'), foods: [food({ calories: 1000, proteinG: 50 })] }), on7th)).decision;
    expect(decision.rejected ? undefined : decision.events).toContainEqual(expect.objectContaining({ type: 'nutrition.goal.met', data: expect.objectContaining({ daysInARow: 7 }) }));
    expect(decision.rejected ? [] : decision.events.map((e) => e.type)).not.toContain('achievement.unlocked');
  });

  it('does not unlock when a day is missing from the week', () => {
    const history = [...player, ...[1, 2, 3, 5, 6].map((d) => goalMetOn(jan(d))), mealLogged('m0', jan(7), at('2026-01-07T08:00:00Z'), { calories: 1000, proteinG: 50 })];
    const decision = spec(user).given(history).when(mine('meal.log', mealPayload({ eatenAt: at('2026-01-07T17:00:00Z'), foods: [food({ calories: 1000, proteinG: 50 })] }), on7th)).decision;
    expect(decision.rejected ? undefined : decision.events).toContainEqual(expect.objectContaining({ type: 'nutrition.goal.met', data: expect.objectContaining({ daysInARow: 3 }) }));
    expect(decision.rejected ? [] : decision.events.map((e) => e.type)).not.toContain('achievement.unlocked');
  });
});

describe('user: water', () => {
  const player = [registered(), goalSet({ waterMl: 2000 })];
  const water = (ml: number, day_ = day) => ({ type: 'nutrition.water.logged', data: { ml, drankAt: noon, day: day_, dayTotalMl: ml, goalReached: false } }) as UserEvent;

  it('records the water with the day total', () => {
    spec(user).given(player).when(mine('water.log', { ml: 1500, drankAt: noon })).then([
      { type: 'nutrition.water.logged', data: { ml: 1500, drankAt: noon, day, dayTotalMl: 1500, goalReached: false } },
    ]);
  });

  it('earns 5 points when the day reaches the water goal, and hydrated at 2,000 ml', () => {
    spec(user).given([...player, water(1500)]).when(mine('water.log', { ml: 500, drankAt: noon }, { id: 'c3' })).then([
      { type: 'nutrition.water.logged', data: { ml: 500, drankAt: noon, day, dayTotalMl: 2000, goalReached: true } },
      { type: 'points.earned', data: { amount: 5, reason: 'water-goal', sourceId: 'c3:water-goal' } },
      { type: 'achievement.unlocked', data: { achievementId: 'hydrated', rarity: 'common', points: 10 } },
      { type: 'points.earned', data: { amount: 10, reason: 'achievement', sourceId: 'achievement:hydrated' } },
    ]);
  });

  it('rewards the water goal once a day and hydrated once ever', () => {
    const reached = { type: 'nutrition.water.logged', data: { ml: 2000, drankAt: noon, day, dayTotalMl: 2000, goalReached: true } } as UserEvent;
    spec(user).given([...player, reached, unlocked('hydrated')]).when(mine('water.log', { ml: 300, drankAt: noon })).then([
      { type: 'nutrition.water.logged', data: { ml: 300, drankAt: noon, day, dayTotalMl: 2300, goalReached: false } },
    ]);
  });

  it('rewards the water goal again on the next day', () => {
    const reached = { type: 'nutrition.water.logged', data: { ml: 2000, drankAt: noon, day, dayTotalMl: 2000, goalReached: true } } as UserEvent;
    const nextDay = at('2026-01-02T09:00:00Z');
    spec(user).given([...player, reached, unlocked('hydrated')]).when(mine('water.log', { ml: 2000, drankAt: nextDay }, { now: nextDay, id: 'c4' })).then([
      { type: 'nutrition.water.logged', data: { ml: 2000, drankAt: nextDay, day: '2026-01-02', dayTotalMl: 2000, goalReached: true } },
      { type: 'points.earned', data: { amount: 5, reason: 'water-goal', sourceId: 'c4:water-goal' } },
    ]);
  });

  it('earns no water-goal points without a goal, but hydrated still counts', () => {
    spec(user).given([registered()]).when(mine('water.log', { ml: 2000, drankAt: noon })).then([
      { type: 'nutrition.water.logged', data: { ml: 2000, drankAt: noon, day, dayTotalMl: 2000, goalReached: false } },
      expect.objectContaining({ type: 'achievement.unlocked', data: expect.objectContaining({ achievementId: 'hydrated' }) }),
      expect.objectContaining({ type: 'points.earned' }),
    ]);
  });

  it('rejects an amount that is not positive or above 5,000 ml', () => {
    for (const ml of [0, -250, 5001, Number.POSITIVE_INFINITY, '250' as never]) {
      spec(user).given(player).when(mine('water.log', { ml, drankAt: noon })).thenRejected(Code.WATER_AMOUNT_INVALID);
    }
  });

  it('rejects water dated in the future or more than 48 hours ago', () => {
    spec(user).given(player).when(mine('water.log', { ml: 250, drankAt: noon + 3_600_000 })).thenRejected(Code.WATER_TIME_INVALID);
    spec(user).given(player).when(mine('water.log', { ml: 250, drankAt: noon - 3 * 86_400_000 })).thenRejected(Code.WATER_TIME_INVALID);
  });
});
