import type { ChallengeKind } from '../domain/contracts.js';
import type { LocalDay, NutritionGoal, Totals } from './events.js';
import type { AchievementId } from './rules.js';

/** A local day's running totals. */
export interface DayLog extends Totals {
  waterMl: number;
  /** Meals logged that day, less the deleted ones. */
  meals: number;
  /** Meals that earned points; never decreases, so deleting and re-logging earns nothing. */
  rewardedMeals: number;
  goalMet: boolean;
  waterGoalReached: boolean;
}

export interface MealRecord {
  day: LocalDay;
  totals: Totals;
}

/** Consecutive days ending on `lastDay`; `days` is 0 once broken. */
export interface Streak {
  days: number;
  lastDay: LocalDay | null;
}

export interface TrackedChallenge {
  kind: ChallengeKind;
  startsAt: number;
  endsAt: number;
}

/** The player's actor state: what decide needs, and what `user/<id>` watchers see. */
export interface UserState {
  /** Set on registration from the authenticated player (the actor's own id). */
  userId: string | null;
  displayName: string;
  avatar: string | null;
  timezone: string;
  goal: NutritionGoal | null;
  points: number;
  level: number;
  streak: Streak;
  /** The last `retainDays` local days. */
  days: Record<LocalDay, DayLog>;
  /** Meals of the retained days, by meal id. */
  meals: Record<string, MealRecord>;
  achievements: AchievementId[];
  friends: Record<string, true>;
  /** Requests this player sent that are not yet answered. */
  requestsSent: Record<string, true>;
  /** Requests this player received and has not answered. */
  requestsReceived: Record<string, true>;
  challenges: Record<string, TrackedChallenge>;
  /** `sourceId`s of `points.award`s taken and challenge wins shared, so a retried one never counts twice. */
  awardSources: Record<string, true>;
  /** When the player's own posts of the last `posts.windowMs` were written (at most `posts.maxPerWindow`). */
  recentPosts: number[];
}

export const initialUserState: UserState = {
  userId: null,
  displayName: '',
  avatar: null,
  timezone: 'UTC',
  goal: null,
  points: 0,
  level: 1,
  streak: { days: 0, lastDay: null },
  days: {},
  meals: {},
  achievements: [],
  friends: {},
  requestsSent: {},
  requestsReceived: {},
  challenges: {},
  awardSources: {},
  recentPosts: [],
};

export const emptyDay: DayLog = {
  calories: 0,
  proteinG: 0,
  carbsG: 0,
  fatG: 0,
  waterMl: 0,
  meals: 0,
  rewardedMeals: 0,
  goalMet: false,
  waterGoalReached: false,
};
