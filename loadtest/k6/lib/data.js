// What the load's players eat, drink and where they live: one table for the k6 scripts
// (lib/frames.js) and the Node generator (loadtest/generator/scenarios/actions.ts, through
// data.d.ts), so that both send the same payloads. Plain JavaScript that k6 imports as it is.

/** The time zones players register in (IANA names). */
export const TIMEZONES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'UTC', 'Australia/Sydney', 'America/Sao_Paulo'];

export const MEAL_TYPES = ['breakfast', 'lunch', 'dinner', 'snack'];

/** A meal is one to three of these, each as listed. */
export const FOODS = [
  { name: 'oats', quantity: 80, unit: 'g', calories: 300, proteinG: 11, carbsG: 54, fatG: 6 },
  { name: 'greek yogurt', quantity: 170, unit: 'g', calories: 100, proteinG: 17, carbsG: 6, fatG: 1 },
  { name: 'banana', quantity: 1, unit: 'piece', calories: 105, proteinG: 1, carbsG: 27, fatG: 0 },
  { name: 'chicken breast', quantity: 150, unit: 'g', calories: 248, proteinG: 46, carbsG: 0, fatG: 5 },
  { name: 'brown rice', quantity: 180, unit: 'g', calories: 216, proteinG: 5, carbsG: 45, fatG: 2 },
  { name: 'lentil soup', quantity: 400, unit: 'g', calories: 450, proteinG: 28, carbsG: 60, fatG: 9 },
  { name: 'salmon', quantity: 120, unit: 'g', calories: 250, proteinG: 25, carbsG: 0, fatG: 16 },
  { name: 'mixed salad', quantity: 200, unit: 'g', calories: 90, proteinG: 3, carbsG: 12, fatG: 4 },
  { name: 'almonds', quantity: 30, unit: 'g', calories: 170, proteinG: 6, carbsG: 6, fatG: 15 },
];

/** A glass of water: 150 to 500 ml, in steps of 10. */
export const WATER_ML = { min: 150, steps: 35, step: 10 };

/** A daily goal: 1,800 to 2,600 kcal in steps of 100; macros follow from it, water is fixed. */
export const GOAL = { minCalories: 1800, steps: 8, step: 100, proteinPer: 20, carbsPer: 8, fatPer: 30, waterMl: 2000 };
