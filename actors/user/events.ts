import type { DomainEvent } from '../runtime/types.js';
import type { ChallengeKind, PostKind } from '../domain/contracts.js';
import type { AchievementId, Rarity } from './rules.js';

/** A local calendar day in the player's timezone, `YYYY-MM-DD`. */
export type LocalDay = string;

export type MealType = 'breakfast' | 'lunch' | 'dinner' | 'snack';

export interface Food {
  name: string;
  quantity: number;
  unit: string;
  calories: number;
  proteinG: number;
  carbsG: number;
  fatG: number;
}

export interface Totals {
  calories: number;
  proteinG: number;
  carbsG: number;
  fatG: number;
}

export interface NutritionGoal extends Totals {
  waterMl: number;
}

/** Why points were earned when the player's own actor decided it; awards from other actors carry their own reason. */
export const PointsReason = {
  meal: 'meal',
  waterGoal: 'water-goal',
  goalMet: 'goal-met',
  streakMilestone: 'streak-milestone',
  achievement: 'achievement',
} as const;
export type PointsReason = (typeof PointsReason)[keyof typeof PointsReason];
export const ownPointsReasons: ReadonlySet<string> = new Set(Object.values(PointsReason));

type E<Type extends string, Data> = DomainEvent<Type, Data>;

export type UserRegistered = E<'user.registered', { userId: string; displayName: string; timezone: string }>;
/** Carries only the fields that changed. */
export type UserProfileUpdated = E<'user.profile.updated', { displayName?: string; avatar?: string; timezone?: string }>;
export type NutritionGoalSet = E<'nutrition.goal.set', NutritionGoal>;
/** `rewarded`: the meal was one of the day's first `rewardedPerDay` and earned points. */
export type NutritionMealLogged = E<
  'nutrition.meal.logged',
  { mealId: string; mealType: MealType; eatenAt: number; day: LocalDay; foods: Food[]; totals: Totals; rewarded: boolean }
>;
/** `totals` are the deleted meal's, so a day summary can subtract them. */
export type NutritionMealDeleted = E<'nutrition.meal.deleted', { mealId: string; day: LocalDay; totals: Totals }>;
/** `goalReached`: this log brought the day's water to the water goal (first time that day). */
export type NutritionWaterLogged = E<
  'nutrition.water.logged',
  { ml: number; drankAt: number; day: LocalDay; dayTotalMl: number; goalReached: boolean }
>;
/** `daysInARow`: the run of consecutive days with the goal met that this day belongs to. */
export type NutritionGoalMet = E<'nutrition.goal.met', { day: LocalDay; calories: number; proteinG: number; daysInARow: number }>;
export type PointsEarned = E<'points.earned', { amount: number; reason: string; sourceId: string }>;
export type UserLevelUp = E<'user.level.up', { level: number }>;
export type UserStreakExtended = E<'user.streak.extended', { days: number; day: LocalDay }>;
/** `days`: the length of the streak that ended. */
export type UserStreakBroken = E<'user.streak.broken', { days: number }>;
export type UserStreakMilestone = E<'user.streak.milestone', { days: number }>;
export type AchievementUnlocked = E<'achievement.unlocked', { achievementId: AchievementId; rarity: Rarity; points: number }>;
export type SocialFriendRequestSent = E<'social.friend.request.sent', { userId: string }>;
export type SocialFriendRequestReceived = E<'social.friend.request.received', { userId: string }>;
/** Not in GAME.md's list: a pending request was declined, by this player (`incoming`) or by the other (`outgoing`). */
export type SocialFriendRequestDeclined = E<'social.friend.request.declined', { userId: string; direction: 'incoming' | 'outgoing' }>;
export type SocialFriendAdded = E<'social.friend.added', { userId: string }>;
export type SocialFriendRemoved = E<'social.friend.removed', { userId: string }>;
/**
 * The player posted (`post.create`), or a moment of their game was shared for them (`kind` other
 * than `text`; the sharing rules say which). The post itself lives in `post/<postId>`. `at`: epoch ms. `sourceId`:
 * the reward a shared challenge win came with, so it is shared once.
 */
export type SocialPostCreated = E<
  'social.post.created',
  { postId: string; kind: PostKind; text: string; data: Record<string, string | number>; at: number; sourceId?: string }
>;
/**
 * Not in GAME.md's list: the account is deleted for good (`by`: the player themself or an
 * operator). It carries no personal data; after it the player's key is destroyed, their state is
 * the initial one and every later command is rejected (`PLAYER_DELETED`).
 */
export type UserAccountDeleted = E<'user.account.deleted', { userId: string; by: 'player' | 'operator'; at: number }>;
/** Not in GAME.md's list: the player joined a challenge; their events now advance it. */
export type ChallengeTracked = E<
  'user.challenge.tracked',
  { challengeId: string; kind: ChallengeKind; startsAt: number; endsAt: number }
>;
export type ChallengeUntracked = E<'user.challenge.untracked', { challengeId: string }>;

export type UserEvent =
  | UserRegistered
  | UserProfileUpdated
  | NutritionGoalSet
  | NutritionMealLogged
  | NutritionMealDeleted
  | NutritionWaterLogged
  | NutritionGoalMet
  | PointsEarned
  | UserLevelUp
  | UserStreakExtended
  | UserStreakBroken
  | UserStreakMilestone
  | AchievementUnlocked
  | SocialFriendRequestSent
  | SocialFriendRequestReceived
  | SocialFriendRequestDeclined
  | SocialFriendAdded
  | SocialFriendRemoved
  | SocialPostCreated
  | UserAccountDeleted
  | ChallengeTracked
  | ChallengeUntracked;

export type UserEventType = UserEvent['type'];
