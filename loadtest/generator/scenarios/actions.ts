import { FOODS, GOAL, MEAL_TYPES, TIMEZONES, WATER_ML } from '../../k6/lib/data.js';
import type { Player } from '../player.js';

/**
 * What a player does, as commands with realistic payloads (GAME.md, docs/API.md). The k6
 * scripts build the same commands in loadtest/k6/lib/frames.js, from the same tables
 * (loadtest/k6/lib/data.js).
 */
export type Random = () => number;

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)]!;

/** A rule that refuses a repeat of what a previous run (with the same players) already did. */
export const repeatRules = {
  register: ['USER_ALREADY_REGISTERED'],
  join: ['CHALLENGE_ALREADY_JOINED'],
} as const;

export function register(player: Player, index: number, random: Random) {
  return player.command(
    'user.register',
    { displayName: `Load player ${index}`, timezone: pick(TIMEZONES, random) },
    { tolerated: repeatRules.register },
  );
}

export function setGoals(player: Player, random: Random) {
  const calories = GOAL.minCalories + Math.round(random() * GOAL.steps) * GOAL.step;
  return player.command('goal.set', {
    calories,
    proteinG: Math.round(calories / GOAL.proteinPer),
    carbsG: Math.round(calories / GOAL.carbsPer),
    fatG: Math.round(calories / GOAL.fatPer),
    waterMl: GOAL.waterMl,
  });
}

let meals = 0;
export function logMeal(player: Player, random: Random) {
  const count = 1 + Math.floor(random() * 3);
  return player.command('meal.log', {
    mealId: `${player.settings.idPrefix}.m${++meals}`,
    mealType: pick(MEAL_TYPES, random),
    eatenAt: Date.now(),
    foods: Array.from({ length: count }, () => ({ ...pick(FOODS, random) })),
  });
}

export function logWater(player: Player, random: Random) {
  return player.command('water.log', { ml: WATER_ML.min + Math.round(random() * WATER_ML.steps) * WATER_ML.step, drankAt: Date.now() });
}

export function joinChallenge(player: Player, challengeId: string) {
  return player.command('challenge.join', {}, { to: `challenge/${challengeId}`, tolerated: repeatRules.join });
}
