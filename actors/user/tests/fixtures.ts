// Builders for the player's specs: events as given history, commands as the player sends them.
import { command as buildCommand } from '../../runtime/spec.js';
import type { CommandMeta } from '../../runtime/types.js';
import type { UserCommand } from '../commands.js';
import { derivedPostId } from '../../domain/contracts.js';
import type { Food, LocalDay, MealType, NutritionGoal, UserEvent } from '../events.js';
import { levelFor, type AchievementId, userRules } from '../rules.js';

export const me = 'u1';
export const friend = 'u2';
/** The specs' default clock: 2026-01-01T12:00:00Z. */
export const noon = Date.parse('2026-01-01T12:00:00Z');
export const at = (iso: string): number => Date.parse(iso);

type Cmd<T extends UserCommand['type']> = Extract<UserCommand, { type: T }>;

/** A command from the player themselves (`meta.userId` is theirs). */
export function mine<T extends UserCommand['type']>(type: T, payload: Cmd<T>['payload'], meta: Partial<CommandMeta> & { id?: string } = {}): UserCommand {
  return buildCommand<UserCommand>(type, payload, { userId: me, ...meta });
}

/** A command from another actor. */
export function fromActor<T extends UserCommand['type']>(type: T, payload: Cmd<T>['payload'], meta: Partial<CommandMeta> & { id?: string } = {}): UserCommand {
  return buildCommand<UserCommand>(type, payload, { origin: 'actor', ...meta });
}

export const registered = (timezone = 'UTC', userId = me): UserEvent => ({
  type: 'user.registered',
  data: { userId, displayName: 'Ada', timezone },
});

export const defaultGoal: NutritionGoal = { calories: 2000, proteinG: 100, carbsG: 250, fatG: 70, waterMl: 2000 };
export const goalSet = (goal: Partial<NutritionGoal> = {}): UserEvent => ({ type: 'nutrition.goal.set', data: { ...defaultGoal, ...goal } });

export const food = (overrides: Partial<Food> = {}): Food => ({
  name: 'rice',
  quantity: 100,
  unit: 'g',
  calories: 130,
  proteinG: 3,
  carbsG: 28,
  fatG: 0.5,
  ...overrides,
});

export const mealPayload = (overrides: { mealId?: string; mealType?: MealType; eatenAt?: number; foods?: Food[] } = {}) => ({
  mealId: 'm1',
  mealType: 'lunch' as MealType,
  eatenAt: noon,
  foods: [food()],
  ...overrides,
});

/** A logged meal as history: one food with these calories and protein. */
export function mealLogged(mealId: string, day: LocalDay, eatenAt: number, opts: { calories?: number; proteinG?: number; rewarded?: boolean } = {}): UserEvent {
  const f = food({ calories: opts.calories ?? 130, proteinG: opts.proteinG ?? 3 });
  return {
    type: 'nutrition.meal.logged',
    data: {
      mealId,
      mealType: 'lunch',
      eatenAt,
      day,
      foods: [f],
      totals: { calories: f.calories, proteinG: f.proteinG, carbsG: f.carbsG, fatG: f.fatG },
      rewarded: opts.rewarded ?? true,
    },
  };
}

export const pointsEarned = (amount: number, reason = 'meal', sourceId = `src-${amount}`): UserEvent => ({
  type: 'points.earned',
  data: { amount, reason, sourceId },
});

/** Points as history, with the level ups they gave, so the state is consistent. */
export function pointsHistory(total: number): UserEvent[] {
  const levels = Array.from({ length: levelFor(total) - 1 }, (_, i): UserEvent => ({ type: 'user.level.up', data: { level: i + 2 } }));
  return [pointsEarned(total, 'meal', 'history'), ...levels];
}

export const unlocked = (achievementId: AchievementId): UserEvent => {
  const { rarity, points } = userRules.achievements[achievementId];
  return { type: 'achievement.unlocked', data: { achievementId, rarity, points } };
};

export const achievementPoints = (achievementId: AchievementId): UserEvent =>
  pointsEarned(userRules.achievements[achievementId].points, 'achievement', `achievement:${achievementId}`);

export const streakAt = (days: number, day: LocalDay): UserEvent => ({ type: 'user.streak.extended', data: { days, day } });

export const goalMetOn = (day: LocalDay, daysInARow = 1): UserEvent => ({
  type: 'nutrition.goal.met',
  data: { day, calories: 2000, proteinG: 100, daysInARow },
});

export const tracked = (challengeId: string, kind: 'meals-logged' | 'water-ml' | 'goal-days' | 'points', startsAt = at('2026-01-01T00:00:00Z'), endsAt = at('2026-01-08T00:00:00Z')): UserEvent => ({
  type: 'user.challenge.tracked',
  data: { challengeId, kind, startsAt, endsAt },
});

/** A moment the sharing rules post for the player: a level (`level:<n>`) or an achievement (`achievement:<id>`). */
export function shared(moment: { level: number } | { achievementId: AchievementId }, now = noon): UserEvent {
  if ('level' in moment) {
    const { level } = moment;
    return { type: 'social.post.created', data: { postId: derivedPostId(`${me}\u0000level:${level}`), kind: 'level', text: `Reached level ${level}`, data: { level }, at: now } };
  }
  const { achievementId } = moment;
  const { rarity } = userRules.achievements[achievementId];
  return {
    type: 'social.post.created',
    data: { postId: derivedPostId(`${me}\u0000achievement:${achievementId}`), kind: 'achievement', text: `Unlocked ${achievementId} (${rarity})`, data: { achievementId, rarity }, at: now },
  };
}
