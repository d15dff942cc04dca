import type { Command } from '../runtime/types.js';
import type { ChallengeKind } from '../domain/contracts.js';
import type { Food, MealType, NutritionGoal } from './events.js';

type C<Type extends string, Payload> = Command<Type, Payload>;

// Commands a player sends to their own actor.
export type UserRegister = C<'user.register', { displayName: string; timezone: string }>;
export type ProfileUpdate = C<'profile.update', { displayName?: string; avatar?: string; timezone?: string }>;
export type GoalSet = C<'goal.set', NutritionGoal>;
/** `eatenAt`: epoch milliseconds. */
export type MealLog = C<'meal.log', { mealId: string; mealType: MealType; eatenAt: number; foods: Food[] }>;
export type MealDelete = C<'meal.delete', { mealId: string }>;
/** `drankAt`: epoch milliseconds. */
export type WaterLog = C<'water.log', { ml: number; drankAt: number }>;
export type FriendRequest = C<'friend.request', { userId: string }>;
export type FriendAccept = C<'friend.accept', { userId: string }>;
export type FriendDecline = C<'friend.decline', { userId: string }>;
export type FriendRemove = C<'friend.remove', { userId: string }>;
/**
 * Deletes the player's account for good: their personal data is forgotten (docs/OPERATIONS.md
 * "Deleting a player"). From the player themself, or from an operator (`origin: 'operator'`).
 */
export type UserDelete = C<'user.delete', Record<string, never>>;
/** A post of the player's own words; `postId` is the new post's id (`post/<postId>`). */
export type PostCreate = C<'post.create', { postId: string; text: string }>;

// Commands from other actors. `userId` is always the other player.
/** Idempotent by `sourceId`. */
export type PointsAward = C<'points.award', { amount: number; reason: string; sourceId: string }>;
/** Unlocks an achievement that only another actor can detect (`challenge-winner`); idempotent. */
/** `challengeTitle`: the challenge won, for the post that shares the win. */
export type AchievementGrant = C<'achievement.grant', { achievementId: string; sourceId: string; challengeTitle?: string }>;
export type FriendRequested = C<'friend.requested', { userId: string }>;
export type FriendAccepted = C<'friend.accepted', { userId: string }>;
export type FriendDeclined = C<'friend.declined', { userId: string }>;
export type FriendRemoved = C<'friend.removed', { userId: string }>;
/** The other player's account was deleted: their friendship or pending request goes. */
export type FriendDeleted = C<'friend.deleted', { userId: string }>;
export type ChallengeTrack = C<'challenge.track', { challengeId: string; kind: ChallengeKind; startsAt: number; endsAt: number }>;
export type ChallengeUntrack = C<'challenge.untrack', { challengeId: string }>;

export type UserClientCommand =
  | UserRegister
  | ProfileUpdate
  | GoalSet
  | MealLog
  | MealDelete
  | WaterLog
  | FriendRequest
  | FriendAccept
  | FriendDecline
  | FriendRemove
  | PostCreate
  | UserDelete;

export type UserSystemCommand =
  | PointsAward
  | AchievementGrant
  | FriendRequested
  | FriendAccepted
  | FriendDeclined
  | FriendRemoved
  | FriendDeleted
  | ChallengeTrack
  | ChallengeUntrack;

export type UserCommand = UserClientCommand | UserSystemCommand;
export type UserCommandType = UserCommand['type'];

export const userClientCommands = [
  'user.register',
  'profile.update',
  'goal.set',
  'meal.log',
  'meal.delete',
  'water.log',
  'friend.request',
  'friend.accept',
  'friend.decline',
  'friend.remove',
  'post.create',
  'user.delete',
] as const satisfies readonly UserClientCommand['type'][];

export const userSystemCommands = [
  'points.award',
  'achievement.grant',
  'friend.requested',
  'friend.accepted',
  'friend.declined',
  'friend.removed',
  'friend.deleted',
  'challenge.track',
  'challenge.untrack',
] as const satisfies readonly UserSystemCommand['type'][];

export type { ProgressRecordPayload } from '../domain/contracts.js';
