import { reject, type Rejection } from '../runtime/types.js';
import { dayNumber, isNextDay, localDay } from './calendar.js';
import type { MealDelete, MealLog, WaterLog } from './commands.js';
import type { Draft } from './draft.js';
import { UserErrorCode as Code } from './errors.js';
import { PointsReason, type Food, type LocalDay, type MealType, type Totals } from './events.js';
import { get, has } from '../domain/records.js';
import { earn, unlock } from './rewards.js';
import { userRules } from './rules.js';
import { isFiniteNumber, isId, isRecord, isText, round2 } from '../domain/validate.js';

const mealTypes: readonly MealType[] = ['breakfast', 'lunch', 'dinner', 'snack'];
const nutrientFields = ['quantity', 'calories', 'proteinG', 'carbsG', 'fatG'] as const;

export function logMeal(draft: Draft, { payload }: MealLog): Rejection | void {
  const rules = userRules.meals;
  if (!isId(payload.mealId)) return reject(Code.MEAL_ID_INVALID, 'mealId must be an id of 1 to 128 letters, digits or ._:@-');
  if (!mealTypes.includes(payload.mealType)) return reject(Code.MEAL_TYPE_INVALID, `mealType must be one of ${mealTypes.join(', ')}`);
  if (!isWithin(payload.eatenAt, draft.now, rules)) return reject(Code.MEAL_TIME_INVALID, timeMessage('eatenAt', rules));
  if (!Array.isArray(payload.foods) || payload.foods.length === 0) return reject(Code.MEAL_HAS_NO_FOODS, 'a meal needs at least one food');
  if (payload.foods.length > rules.maxFoods) return reject(Code.MEAL_TOO_MANY_FOODS, `a meal has at most ${rules.maxFoods} foods`);
  const foodRejection = validateFoods(payload.foods);
  if (foodRejection) return foodRejection;
  if (has(draft.state.meals, payload.mealId)) return reject(Code.MEAL_ALREADY_LOGGED, `meal ${payload.mealId} is already logged`);

  const { mealId, mealType, eatenAt } = payload;
  const day = localDay(eatenAt, draft.state.timezone);
  const foods = payload.foods.map(({ name, quantity, unit, calories, proteinG, carbsG, fatG }) => ({
    name, quantity, unit, calories, proteinG, carbsG, fatG,
  }));
  const rewarded = (get(draft.state.days, day)?.rewardedMeals ?? 0) < rules.rewardedPerDay;
  draft.emit({ type: 'nutrition.meal.logged', data: { mealId, mealType, eatenAt, day, foods, totals: totalsOf(foods), rewarded } });
  if (rewarded) earn(draft, rules.points, PointsReason.meal, draft.sourceId(PointsReason.meal));
  unlock(draft, 'first-meal');
  advanceStreak(draft, day);
  checkGoalMet(draft, day);
}

export function deleteMeal(draft: Draft, { payload }: MealDelete): Rejection | void {
  const meal = isId(payload.mealId) ? get(draft.state.meals, payload.mealId) : undefined;
  if (!meal) return reject(Code.MEAL_UNKNOWN, `no meal ${String(payload.mealId)} in the last ${userRules.history.retainDays} days`);
  // Points, streak and rewarded-meal count stay: they were earned when the meal was logged.
  draft.emit({ type: 'nutrition.meal.deleted', data: { mealId: payload.mealId, day: meal.day, totals: meal.totals } });
  checkGoalMet(draft, meal.day);
}

export function logWater(draft: Draft, { payload }: WaterLog): Rejection | void {
  const rules = userRules.water;
  if (!isFiniteNumber(payload.ml) || payload.ml <= 0 || payload.ml > rules.maxMlPerLog) {
    return reject(Code.WATER_AMOUNT_INVALID, `ml must be more than 0 and at most ${rules.maxMlPerLog}`);
  }
  if (!isWithin(payload.drankAt, draft.now, rules)) return reject(Code.WATER_TIME_INVALID, timeMessage('drankAt', rules));

  const { ml, drankAt } = payload;
  const day = localDay(drankAt, draft.state.timezone);
  const before = get(draft.state.days, day);
  const dayTotalMl = (before?.waterMl ?? 0) + ml;
  const goalMl = draft.state.goal?.waterMl;
  const goalReached = goalMl !== undefined && !before?.waterGoalReached && dayTotalMl >= goalMl;
  draft.emit({ type: 'nutrition.water.logged', data: { ml, drankAt, day, dayTotalMl, goalReached } });
  if (goalReached) earn(draft, rules.goalPoints, PointsReason.waterGoal, draft.sourceId(PointsReason.waterGoal));
  if (dayTotalMl >= userRules.achievements.hydrated.dailyWaterMl) unlock(draft, 'hydrated');
}

function isWithin(at: unknown, now: number, rules: { backdateLimitMs: number; futureToleranceMs: number }): at is number {
  return isFiniteNumber(at) && at >= now - rules.backdateLimitMs && at <= now + rules.futureToleranceMs;
}

function timeMessage(field: string, rules: { backdateLimitMs: number }): string {
  return `${field} must be epoch ms, at most ${rules.backdateLimitMs / 3_600_000} h ago and not in the future`;
}

function validateFoods(foods: readonly unknown[]): Rejection | undefined {
  for (const [i, food] of foods.entries()) {
    if (!isRecord(food) || !isText(food.name, 200) || !isText(food.unit, 40)) {
      return reject(Code.MEAL_FOOD_INVALID, `food ${i} needs a name and a unit`);
    }
    for (const field of nutrientFields) {
      const value = food[field];
      if (!isFiniteNumber(value)) return reject(Code.MEAL_FOOD_INVALID, `food ${i}: ${field} must be a number`);
      if (value < 0) return reject(Code.MEAL_QUANTITY_NEGATIVE, `food ${i}: ${field} must not be negative`);
    }
  }
  return undefined;
}

function totalsOf(foods: readonly Food[]): Totals {
  const sum = (field: keyof Totals) => round2(foods.reduce((total, food) => total + food[field], 0));
  return { calories: sum('calories'), proteinG: sum('proteinG'), carbsG: sum('carbsG'), fatG: sum('fatG') };
}

/**
 * A meal on a day after the streak's last day extends it (the next day) or breaks it and starts a
 * new one (a gap). A meal on or before the last day changes nothing: streaks are not back-filled.
 */
function advanceStreak(draft: Draft, day: LocalDay): void {
  const { days, lastDay } = draft.state.streak;
  if (lastDay !== null && day <= lastDay) return;
  const continues = days > 0 && isNextDay(lastDay, day);
  if (days > 0 && !continues) draft.emit({ type: 'user.streak.broken', data: { days } });
  const length = continues ? days + 1 : 1;
  draft.emit({ type: 'user.streak.extended', data: { days: length, day } });
  const milestone = userRules.streak.milestones.find((m) => m.days === length);
  if (milestone) {
    draft.emit({ type: 'user.streak.milestone', data: { days: length } });
    earn(draft, milestone.points, PointsReason.streakMilestone, draft.sourceId(`streak-${length}`));
  }
  if (length >= userRules.achievements['week-streak'].streakDays) unlock(draft, 'week-streak');
}

/** Once a day: calories within the tolerance of the goal and protein at or above it, after any change. */
function checkGoalMet(draft: Draft, day: LocalDay): void {
  const goal = draft.state.goal;
  const log = get(draft.state.days, day);
  if (!goal || !log || log.goalMet) return;
  const caloriesOk = Math.abs(log.calories - goal.calories) * 100 <= goal.calories * userRules.goal.calorieTolerancePercent;
  if (!caloriesOk || log.proteinG < goal.proteinG) return;
  const daysInARow = 1 + metDaysFrom(draft, day, -1) + metDaysFrom(draft, day, +1);
  draft.emit({ type: 'nutrition.goal.met', data: { day, calories: log.calories, proteinG: log.proteinG, daysInARow } });
  earn(draft, userRules.goal.metPoints, PointsReason.goalMet, draft.sourceId(PointsReason.goalMet));
  if (daysInARow >= userRules.achievements['balanced-week'].goalDaysInARow) unlock(draft, 'balanced-week');
}

/** Consecutive retained days with the goal met, walking from `day` (excluded) in `step` direction. */
function metDaysFrom(draft: Draft, day: LocalDay, step: 1 | -1): number {
  const metDays = new Set(Object.entries(draft.state.days).filter(([, log]) => log.goalMet).map(([known]) => dayNumber(known)));
  let count = 0;
  for (let n = dayNumber(day) + step; metDays.has(n); n += step) count++;
  return count;
}
