import { accept, reject, type Decision, type Lifecycle, type Rejection } from '../runtime/types.js';
import { canonicalTimeZone } from './calendar.js';
import type { GoalSet, ProfileUpdate, UserCommand, UserRegister } from './commands.js';
import { Draft } from './draft.js';
import { UserErrorCode as Code } from './errors.js';
import type { NutritionGoal, UserEvent } from './events.js';
import { deleteMeal, logMeal, logWater } from './decide-nutrition.js';
import { deleteAccount, friendDeleted } from './decide-deletion.js';
import { acceptFriend, declineFriend, friendAccepted, friendDeclined, friendRemoved, friendRequested, removeFriend, requestFriend } from './decide-social.js';
import { createPost, shareMoments } from './decide-posts.js';
import { awardPoints, grantAchievement, trackChallenge, untrackChallenge } from './decide-system.js';
import { userRules } from './rules.js';
import type { UserState } from './state.js';
import { isId, isNonNegative, isPositive, isRecord, isText } from '../domain/validate.js';

/**
 * The player's decider: the events a command causes, or a rejection with a stable code
 * (`UserErrorCode`). Pure: time is `command.meta.now`, ids derive from `command.id`.
 *
 * @example
 * decide(state, { id: 'c1', type: 'water.log', payload: { ml: 250, drankAt: now }, meta: { now, origin: 'client' } }, lifecycle)
 * // → { events: [{ type: 'nutrition.water.logged', data: { ml: 250, … } }] }
 */
export function decide(state: UserState, command: UserCommand, lifecycle: Lifecycle<UserEvent>): Decision<UserEvent> {
  if (!isRecord(command.payload)) return reject(Code.USER_PAYLOAD_INVALID, `${command.type} needs an object payload`);
  if (lifecycle.value === 'deleted') return reject(Code.PLAYER_DELETED, `player ${state.userId} was deleted`);
  if (command.type === 'user.register') return register(state, command, lifecycle);
  if (lifecycle.value !== 'active') return reject(Code.USER_NOT_REGISTERED, 'the player is not registered');
  const { origin, userId } = command.meta;
  if (origin === 'client' && userId !== undefined && userId !== state.userId) {
    return reject(Code.USER_FORBIDDEN, 'a player may command only their own actor');
  }
  const draft = new Draft(state, command);
  const rejection = handle(draft, command);
  if (rejection) return rejection;
  if (command.type === 'user.delete') return accept(draft.events, draft.effects);
  // The moments the sharing rules post (a level, a rare achievement), whichever command made them.
  shareMoments(draft, [...draft.events]);
  return draft.finish();
}

function handle(draft: Draft, command: Exclude<UserCommand, UserRegister>): Rejection | void {
  switch (command.type) {
    case 'profile.update': return updateProfile(draft, command);
    case 'goal.set': return setGoal(draft, command);
    case 'meal.log': return logMeal(draft, command);
    case 'meal.delete': return deleteMeal(draft, command);
    case 'water.log': return logWater(draft, command);
    case 'friend.request': return requestFriend(draft, command);
    case 'friend.accept': return acceptFriend(draft, command);
    case 'friend.decline': return declineFriend(draft, command);
    case 'friend.remove': return removeFriend(draft, command);
    case 'post.create': return createPost(draft, command);
    case 'friend.requested': return friendRequested(draft, command);
    case 'friend.accepted': return friendAccepted(draft, command);
    case 'friend.declined': return friendDeclined(draft, command);
    case 'friend.removed': return friendRemoved(draft, command);
    case 'friend.deleted': return friendDeleted(draft, command);
    case 'user.delete': return deleteAccount(draft);
    case 'points.award': return awardPoints(draft, command);
    case 'achievement.grant': return grantAchievement(draft, command);
    case 'challenge.track': return trackChallenge(draft, command);
    case 'challenge.untrack': return untrackChallenge(draft, command);
    default: {
      const unknown: { type: string } = command;
      return reject(Code.USER_COMMAND_UNKNOWN, `the player's actor does not take ${unknown.type}`);
    }
  }
}

const displayNameRule = () => `displayName must be 1 to ${userRules.profile.displayNameMaxLength} characters`;

/** The player's id is the authenticated player's: a player may command only their own actor. */
function register(state: UserState, command: UserRegister, lifecycle: Lifecycle<UserEvent>): Decision<UserEvent> {
  if (lifecycle.value !== 'unregistered') return reject(Code.USER_ALREADY_REGISTERED, `player ${state.userId} is already registered`);
  const userId = command.meta.userId;
  const { displayName } = command.payload;
  const timezone = canonicalTimeZone(command.payload.timezone);
  if (!isId(userId)) return reject(Code.USER_ID_MISSING, 'user.register needs the authenticated player');
  if (!isText(displayName, userRules.profile.displayNameMaxLength)) return reject(Code.USER_DISPLAY_NAME_INVALID, displayNameRule());
  if (timezone === undefined) return reject(Code.USER_TIMEZONE_INVALID, 'timezone must be an IANA timezone such as Europe/Paris');
  const registered: UserEvent = { type: 'user.registered', data: { userId, displayName: displayName.trim(), timezone } };
  const draft = new Draft(state, command);
  draft.emit(registered);
  return draft.finish();
}

/** Emits only the fields that change; an update that changes nothing is accepted with no event. */
function updateProfile(draft: Draft, { payload }: ProfileUpdate): Rejection | void {
  const { displayName, avatar, timezone } = payload;
  if (displayName === undefined && avatar === undefined && timezone === undefined) {
    return reject(Code.PROFILE_UPDATE_EMPTY, 'profile.update needs displayName, avatar or timezone');
  }
  const changes: { displayName?: string; avatar?: string; timezone?: string } = {};
  if (displayName !== undefined) {
    if (!isText(displayName, userRules.profile.displayNameMaxLength)) return reject(Code.USER_DISPLAY_NAME_INVALID, displayNameRule());
    if (displayName.trim() !== draft.state.displayName) changes.displayName = displayName.trim();
  }
  if (avatar !== undefined) {
    if (!isText(avatar, userRules.profile.avatarMaxLength)) return reject(Code.USER_AVATAR_INVALID, `avatar must be 1 to ${userRules.profile.avatarMaxLength} characters`);
    if (avatar !== draft.state.avatar) changes.avatar = avatar;
  }
  if (timezone !== undefined) {
    const canonical = canonicalTimeZone(timezone);
    if (canonical === undefined) return reject(Code.USER_TIMEZONE_INVALID, 'timezone must be an IANA timezone such as Europe/Paris');
    if (canonical !== draft.state.timezone) changes.timezone = canonical;
  }
  if (Object.keys(changes).length > 0) draft.emit({ type: 'user.profile.updated', data: changes });
}

function setGoal(draft: Draft, { payload }: GoalSet): Rejection | void {
  const { calories, proteinG, carbsG, fatG, waterMl } = payload;
  if (!isPositive(calories) || !isPositive(waterMl)) return reject(Code.GOAL_INVALID, 'calories and waterMl must be positive numbers');
  if (![proteinG, carbsG, fatG].every(isNonNegative)) return reject(Code.GOAL_INVALID, 'proteinG, carbsG and fatG must be numbers of at least 0');
  const goal: NutritionGoal = { calories, proteinG, carbsG, fatG, waterMl };
  draft.emit({ type: 'nutrition.goal.set', data: goal });
}

