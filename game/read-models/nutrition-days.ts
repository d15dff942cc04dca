import type { Sql } from 'postgres';
import { selectRows, upsertRows, type Projection, type RecordedEvent, type TableNames, type Transaction } from '../../store/index.js';
import { gameEvents, round2, streamKey } from '../game-events.js';

/**
 * A player's nutrition per local calendar day (the day the player's actor assigned, in the
 * player's timezone at the time). A deleted meal's totals are subtracted from its day. `goalMet`
 * is the actor's `nutrition.goal.met` for that day: once met, the day stays met (its points were
 * awarded), even if a meal is deleted afterwards.
 */
export interface DailyNutrition {
  userId: string;
  day: string;
  calories: number;
  proteinG: number;
  carbsG: number;
  fatG: number;
  waterMl: number;
  meals: number;
  goalMet: boolean;
}

export interface NutritionQueries {
  /** The day's summary; zeros when nothing was logged that day. */
  day(userId: string, day: string): Promise<DailyNutrition>;
  /** Days from `fromDay` to `toDay` (inclusive, at most 366) that have something logged, oldest first. */
  days(userId: string, fromDay: string, toDay: string): Promise<DailyNutrition[]>;
}

/** The view the player profile also reads for today's totals. */
export const NUTRITION_DAYS = 'rm_nutrition_day';

const columns = {
  user_id: 'text',
  day: 'text',
  calories: 'numeric',
  protein_g: 'numeric',
  carbs_g: 'numeric',
  fat_g: 'numeric',
  water_ml: 'numeric',
  meals: 'integer',
  goal_met: 'boolean',
} as const;

interface DayRow {
  user_id: string;
  day: string;
  calories: number;
  protein_g: number;
  carbs_g: number;
  fat_g: number;
  water_ml: number;
  meals: number;
  goal_met: boolean;
}

export const nutritionDaysProjection: Projection<NutritionQueries> = {
  name: 'nutrition_days',
  version: 1,
  eventTypes: ['nutrition.meal.logged', 'nutrition.meal.deleted', 'nutrition.water.logged', 'nutrition.goal.met'],
  tables: [
    {
      name: NUTRITION_DAYS,
      ddl: (t) => `
        create table ${t} (
          user_id text not null, day text not null,
          calories numeric(14, 2) not null, protein_g numeric(14, 2) not null, carbs_g numeric(14, 2) not null,
          fat_g numeric(14, 2) not null, water_ml numeric(14, 2) not null,
          meals integer not null, goal_met boolean not null,
          primary key (user_id, day)
        )`,
    },
  ],
  apply: applyNutritionDays,
  queries: nutritionQueries,
};

async function applyNutritionDays(tx: Transaction, batch: readonly RecordedEvent[], tables: TableNames): Promise<void> {
  const events = gameEvents(batch);
  const key = (userId: string, day: string) => `${userId}\u0000${day}`;
  const keys = new Map<string, { user_id: string; day: string }>();
  for (const event of events) {
    if ('day' in event.data && typeof event.data.day === 'string') {
      const userId = streamKey(event.streamId);
      keys.set(key(userId, event.data.day), { user_id: userId, day: event.data.day });
    }
  }
  const stored = await selectRows<Record<keyof DayRow, unknown>>(tx, tables[NUTRITION_DAYS]!, { user_id: 'text', day: 'text' }, [...keys.values()]);
  const days = new Map(stored.map((row) => [key(String(row.user_id), String(row.day)), fromDb(row)]));
  const dayOf = (userId: string, day: string) => {
    let row = days.get(key(userId, day));
    if (!row) days.set(key(userId, day), (row = emptyDay(userId, day)));
    return row;
  };
  for (const event of events) {
    const userId = streamKey(event.streamId);
    switch (event.type) {
      case 'nutrition.meal.logged': {
        const row = dayOf(userId, event.data.day);
        addTotals(row, event.data.totals, 1);
        row.meals += 1;
        break;
      }
      case 'nutrition.meal.deleted': {
        const row = days.get(key(userId, event.data.day));
        if (!row) break; // a meal of a day this read model never saw (cannot happen in a whole log)
        addTotals(row, event.data.totals, -1);
        row.meals = Math.max(0, row.meals - 1);
        break;
      }
      case 'nutrition.water.logged': {
        const row = dayOf(userId, event.data.day);
        row.water_ml = round2(row.water_ml + event.data.ml);
        break;
      }
      case 'nutrition.goal.met':
        dayOf(userId, event.data.day).goal_met = true;
        break;
    }
  }
  await upsertRows(tx, tables[NUTRITION_DAYS]!, columns, ['user_id', 'day'], [...days.values()]);
}

function addTotals(row: DayRow, totals: { calories: number; proteinG: number; carbsG: number; fatG: number }, sign: 1 | -1): void {
  row.calories = round2(row.calories + sign * totals.calories);
  row.protein_g = round2(row.protein_g + sign * totals.proteinG);
  row.carbs_g = round2(row.carbs_g + sign * totals.carbsG);
  row.fat_g = round2(row.fat_g + sign * totals.fatG);
}

function emptyDay(userId: string, day: string): DayRow {
  return { user_id: userId, day, calories: 0, protein_g: 0, carbs_g: 0, fat_g: 0, water_ml: 0, meals: 0, goal_met: false };
}

/** postgres.js returns numeric as text: back to numbers. */
function fromDb(row: Record<keyof DayRow, unknown>): DayRow {
  return {
    user_id: String(row.user_id),
    day: String(row.day),
    calories: Number(row.calories),
    protein_g: Number(row.protein_g),
    carbs_g: Number(row.carbs_g),
    fat_g: Number(row.fat_g),
    water_ml: Number(row.water_ml),
    meals: Number(row.meals),
    goal_met: row.goal_met === true,
  };
}

function toDailyNutrition(row: DayRow): DailyNutrition {
  return {
    userId: row.user_id,
    day: row.day,
    calories: row.calories,
    proteinG: row.protein_g,
    carbsG: row.carbs_g,
    fatG: row.fat_g,
    waterMl: row.water_ml,
    meals: row.meals,
    goalMet: row.goal_met,
  };
}

/** Reads one day's row (zeros when absent) from the view; the profile uses it for today's totals. */
export async function readDay(sql: Sql, userId: string, day: string): Promise<DailyNutrition> {
  const [row] = await sql.unsafe<Record<keyof DayRow, unknown>[]>(`select * from ${NUTRITION_DAYS} where user_id = $1 and day = $2`, [userId, day], { prepare: true });
  return toDailyNutrition(row ? fromDb(row) : emptyDay(userId, day));
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

function nutritionQueries(sql: Sql): NutritionQueries {
  return {
    day: (userId, day) => readDay(sql, userId, day),

    async days(userId, fromDay, toDay) {
      if (!dayPattern.test(fromDay) || !dayPattern.test(toDay)) throw new RangeError('days are YYYY-MM-DD');
      const rows = await sql.unsafe<Record<keyof DayRow, unknown>[]>(
        `select * from ${NUTRITION_DAYS} where user_id = $1 and day >= $2 and day <= $3 order by day limit 366`,
        [userId, fromDay, toDay],
        { prepare: true },
      );
      return rows.map((row) => toDailyNutrition(fromDb(row)));
    },
  };
}
