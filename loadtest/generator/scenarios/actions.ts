import type { Player } from '../player.js';

/**
 * What a player does, as commands with realistic payloads (GAME.md, docs/API.md). The k6
 * scripts build the same commands in loadtest/k6/lib/frames.js.
 */
export type Random = () => number;

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length)]!;

const timezones = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'UTC', 'Australia/Sydney', 'America/Sao_Paulo'] as const;

const foods = [
  { name: 'oats', quantity: 80, unit: 'g', calories: 300, proteinG: 11, carbsG: 54, fatG: 6 },
  { name: 'greek yogurt', quantity: 170, unit: 'g', calories: 100, proteinG: 17, carbsG: 6, fatG: 1 },
  { name: 'banana', quantity: 1, unit: 'piece', calories: 105, proteinG: 1, carbsG: 27, fatG: 0 },
  { name: 'chicken breast', quantity: 150, unit: 'g', calories: 248, proteinG: 46, carbsG: 0, fatG: 5 },
  { name: 'brown rice', quantity: 180, unit: 'g', calories: 216, proteinG: 5, carbsG: 45, fatG: 2 },
  { name: 'lentil soup', quantity: 400, unit: 'g', calories: 450, proteinG: 28, carbsG: 60, fatG: 9 },
  { name: 'salmon', quantity: 120, unit: 'g', calories: 250, proteinG: 25, carbsG: 0, fatG: 16 },
  { name: 'mixed salad', quantity: 200, unit: 'g', calories: 90, proteinG: 3, carbsG: 12, fatG: 4 },
  { name: 'almonds', quantity: 30, unit: 'g', calories: 170, proteinG: 6, carbsG: 6, fatG: 15 },
] as const;

const mealTypes = ['breakfast', 'lunch', 'dinner', 'snack'] as const;

/** A rule that refuses a repeat of what a previous run (with the same players) already did. */
export const repeatRules = {
  register: ['USER_ALREADY_REGISTERED'],
  join: ['CHALLENGE_ALREADY_JOINED'],
} as const;

export function register(player: Player, index: number, random: Random) {
  return player.command(
    'user.register',
    { displayName: `Load player ${index}`, timezone: pick(timezones, random) },
    { tolerated: repeatRules.register },
  );
}

export function setGoals(player: Player, random: Random) {
  const calories = 1_800 + Math.round(random() * 8) * 100;
  return player.command('goal.set', {
    calories,
    proteinG: Math.round(calories / 20),
    carbsG: Math.round(calories / 8),
    fatG: Math.round(calories / 30),
    waterMl: 2_000,
  });
}

let meals = 0;
export function logMeal(player: Player, random: Random) {
  const count = 1 + Math.floor(random() * 3);
  return player.command('meal.log', {
    mealId: `${player.settings.idPrefix}.m${++meals}`,
    mealType: pick(mealTypes, random),
    eatenAt: Date.now(),
    foods: Array.from({ length: count }, () => ({ ...pick(foods, random) })),
  });
}

export function logWater(player: Player, random: Random) {
  return player.command('water.log', { ml: 150 + Math.round(random() * 35) * 10, drankAt: Date.now() });
}

export function joinChallenge(player: Player, challengeId: string) {
  return player.command('challenge.join', {}, { to: `challenge/${challengeId}`, tolerated: repeatRules.join });
}
