import { challengeRules, type ChallengeErrorCode } from '../../actors/challenge/index.js';
import type { ClientCommandType } from '../../protocol/commands.js';
import { userRules, type UserErrorCode } from '../../actors/user/index.js';
import { postRules, type PostErrorCode } from '../../actors/post/index.js';
import type { LikeErrorCode } from '../../actors/like/index.js';

/**
 * Who meets a rejection: `client` — a client's command can get it; `schema` — the command's schema
 * refuses such a payload first with `COMMAND_INVALID` (or the edge with another code), so a client
 * sees that instead; `system` — only commands between actors (never a client's) can get it.
 */
export type Reach = 'client' | 'schema' | 'system';

export interface RejectionDoc {
  /** The commands that can be refused with the code (`any` for every command). */
  commands: readonly string[];
  when: string;
  reach: Reach;
}

const hours = (ms: number) => `${ms / 3_600_000} h`;
const minutes = (ms: number) => `${ms / 60_000} min`;
const days = (ms: number) => `${ms / 86_400_000} days`;
const seconds = (ms: number) => `${ms / 1000} s`;
const { meals, water, profile, friends, history, posts } = userRules;
const { window, participants } = challengeRules;
const friendCommands = ['friend.request', 'friend.accept', 'friend.decline', 'friend.remove'];

/** Every rejection code of the player's actor (`UserErrorCode`): when the rules refuse a command with it. */
export const userRejections: Record<UserErrorCode, RejectionDoc> = {
  USER_PAYLOAD_INVALID: { commands: ['any'], reach: 'schema', when: 'the payload is not a JSON object' },
  USER_COMMAND_UNKNOWN: { commands: ['any'], reach: 'schema', when: 'the player actor does not take this command type (the edge answers `COMMAND_UNKNOWN`)' },
  USER_ALREADY_REGISTERED: { commands: ['user.register'], reach: 'client', when: 'the player is registered already' },
  USER_NOT_REGISTERED: { commands: ['any'], reach: 'client', when: 'any command but `user.register` before the player registered' },
  USER_ID_MISSING: { commands: ['user.register'], reach: 'system', when: 'the command carries no authenticated player (the server always sets one)' },
  USER_FORBIDDEN: { commands: ['any'], reach: 'schema', when: "a player commands another player's actor (the edge answers `AUTH_FORBIDDEN`)" },
  USER_DISPLAY_NAME_INVALID: {
    commands: ['user.register', 'profile.update'],
    reach: 'client',
    when: `displayName is only white space (longer than ${profile.displayNameMaxLength} characters: the schema)`,
  },
  USER_TIMEZONE_INVALID: { commands: ['user.register', 'profile.update'], reach: 'client', when: 'timezone is not an IANA timezone the server knows (any letter case is taken and stored canonical: `europe/paris` → `Europe/Paris`)' },
  USER_AVATAR_INVALID: { commands: ['profile.update'], reach: 'client', when: `avatar is empty or only white space (longer than ${profile.avatarMaxLength}: the schema)` },
  PROFILE_UPDATE_EMPTY: { commands: ['profile.update'], reach: 'client', when: 'none of displayName, avatar, timezone is given' },
  GOAL_INVALID: { commands: ['goal.set'], reach: 'client', when: 'calories or waterMl is 0 (both must be above 0; a negative number: the schema)' },
  MEAL_ID_INVALID: { commands: ['meal.log'], reach: 'schema', when: 'mealId is not an id' },
  MEAL_TYPE_INVALID: { commands: ['meal.log'], reach: 'schema', when: 'mealType is not breakfast, lunch, dinner or snack' },
  MEAL_TIME_INVALID: {
    commands: ['meal.log'],
    reach: 'client',
    when: `eatenAt is more than ${hours(meals.backdateLimitMs)} before the server's clock, or more than ${minutes(meals.futureToleranceMs)} after it`,
  },
  MEAL_HAS_NO_FOODS: { commands: ['meal.log'], reach: 'client', when: 'foods is empty' },
  MEAL_TOO_MANY_FOODS: { commands: ['meal.log'], reach: 'schema', when: `more than ${meals.maxFoods} foods` },
  MEAL_FOOD_INVALID: { commands: ['meal.log'], reach: 'client', when: "a food's name or unit is only white space (a missing field or a nutrient that is not a number: the schema)" },
  MEAL_QUANTITY_NEGATIVE: { commands: ['meal.log'], reach: 'schema', when: "a food's quantity, calories, proteinG, carbsG or fatG is negative" },
  MEAL_ALREADY_LOGGED: {
    commands: ['meal.log'],
    reach: 'client',
    when: `a meal with this mealId is logged on one of the last ${history.retainDays} local days and not deleted (a deleted meal's id may be logged again)`,
  },
  MEAL_UNKNOWN: {
    commands: ['meal.delete'],
    reach: 'client',
    when: `no meal with this mealId on the last ${history.retainDays} local days (never logged, deleted already, or older)`,
  },
  WATER_AMOUNT_INVALID: { commands: ['water.log'], reach: 'client', when: `ml is 0 (it must be above 0; above ${water.maxMlPerLog}: the schema)` },
  WATER_TIME_INVALID: {
    commands: ['water.log'],
    reach: 'client',
    when: `drankAt is more than ${hours(water.backdateLimitMs)} before the server's clock, or more than ${minutes(water.futureToleranceMs)} after it`,
  },
  FRIEND_ID_INVALID: { commands: [...friendCommands, 'friend.deleted'], reach: 'schema', when: 'userId is not an id' },
  FRIEND_SELF: { commands: friendCommands, reach: 'client', when: "userId is the player's own" },
  FRIEND_LIMIT: {
    commands: ['friend.request', 'friend.accept'],
    reach: 'client',
    when: `friends plus requests sent and not yet answered number ${friends.max} already`,
  },
  FRIEND_ALREADY: { commands: ['friend.request'], reach: 'client', when: 'userId is a friend already' },
  FRIEND_REQUEST_PENDING: { commands: ['friend.request'], reach: 'client', when: 'a request to userId is pending already' },
  FRIEND_REQUEST_UNKNOWN: { commands: ['friend.accept', 'friend.decline'], reach: 'client', when: 'no pending request from userId' },
  FRIEND_UNKNOWN: { commands: ['friend.remove'], reach: 'client', when: 'userId is not a friend' },
  POINTS_AWARD_INVALID: { commands: ['points.award'], reach: 'system', when: "an award that is not a whole number from 1 to the maximum, or uses one of the player's own reasons" },
  ACHIEVEMENT_UNKNOWN: { commands: ['achievement.grant'], reach: 'system', when: 'no such achievement' },
  ACHIEVEMENT_NOT_GRANTABLE: { commands: ['achievement.grant'], reach: 'system', when: "the achievement is unlocked by the player's own play, not granted" },
  CHALLENGE_TRACK_INVALID: { commands: ['challenge.track', 'challenge.untrack'], reach: 'system', when: 'a malformed tracking command' },
  POST_ID_INVALID: { commands: ['post.create'], reach: 'schema', when: 'postId is not 1 to 40 of `A-Z a-z 0-9 . _ : -` starting with a letter or digit' },
  POST_TEXT_INVALID: { commands: ['post.create'], reach: 'client', when: `text is only white space (longer than ${posts.textMaxLength} characters: the schema)` },
  POST_RATE_LIMITED: { commands: ['post.create'], reach: 'client', when: `the player wrote ${posts.maxPerWindow} posts in the last ${hours(posts.windowMs)} (shared moments do not count)` },
  PLAYER_DELETED: { commands: ['any'], reach: 'client', when: 'any command, `user.register` included, to a player whose account was deleted' },
  ACHIEVEMENT_GRANT_INVALID: { commands: ['achievement.grant'], reach: 'system', when: 'a grant without sourceId, or with a challengeTitle over 80 characters' },
};

/** Every rejection code of the challenge actor (`ChallengeErrorCode`). */
export const challengeRejections: Record<ChallengeErrorCode, RejectionDoc> = {
  CHALLENGE_PAYLOAD_INVALID: { commands: ['any'], reach: 'schema', when: 'the payload is not a JSON object' },
  CHALLENGE_COMMAND_UNKNOWN: { commands: ['any'], reach: 'schema', when: 'the challenge actor does not take this command type (the edge answers `COMMAND_UNKNOWN`)' },
  CHALLENGE_PLAYER_REQUIRED: { commands: ['any'], reach: 'system', when: 'the command carries no authenticated player (the server always sets one)' },
  CHALLENGE_ALREADY_EXISTS: { commands: ['challenge.create'], reach: 'client', when: 'a challenge with this id was created already (whatever its state)' },
  CHALLENGE_NOT_FOUND: { commands: ['challenge.join', 'challenge.leave', 'challenge.cancel'], reach: 'client', when: 'no challenge was created with this id' },
  CHALLENGE_ID_INVALID: { commands: ['challenge.create'], reach: 'schema', when: 'challengeId is not an id (the edge fills it in from `to`)' },
  CHALLENGE_TITLE_INVALID: {
    commands: ['challenge.create'],
    reach: 'client',
    when: `title is only white space (longer than ${challengeRules.titleMaxLength} characters: the schema)`,
  },
  CHALLENGE_KIND_INVALID: { commands: ['challenge.create'], reach: 'schema', when: `kind is not one of ${challengeRules.kinds.join(', ')}` },
  CHALLENGE_TARGET_INVALID: { commands: ['challenge.create'], reach: 'schema', when: 'target is given and not above 0' },
  CHALLENGE_WINDOW_INVALID: {
    commands: ['challenge.create'],
    reach: 'client',
    when:
      `startsAt is more than ${minutes(window.startToleranceMs)} before the server's clock or more than ${days(window.maxLeadMs)} after it, ` +
      `or endsAt − startsAt is under ${seconds(window.minDurationMs)} or over ${days(window.maxDurationMs)}`,
  },
  CHALLENGE_CAPACITY_INVALID: {
    commands: ['challenge.create'],
    reach: 'schema',
    when: `maxParticipants is not a whole number from ${participants.min} to ${participants.max}`,
  },
  CHALLENGE_NOT_JOINABLE: {
    commands: ['challenge.join'],
    reach: 'client',
    when: 'the challenge is scheduled (not open yet), finished or cancelled, or the server\'s clock is at or past endsAt',
  },
  CHALLENGE_FULL: { commands: ['challenge.join'], reach: 'client', when: 'the challenge is open or running and has maxParticipants participants' },
  CHALLENGE_ALREADY_JOINED: { commands: ['challenge.join'], reach: 'client', when: 'the player takes part already (checked before the state: also once finished)' },
  CHALLENGE_NOT_PARTICIPANT: { commands: ['challenge.leave'], reach: 'client', when: 'the player does not take part' },
  CHALLENGE_NOT_LEAVABLE: { commands: ['challenge.leave'], reach: 'client', when: 'the challenge is finished or cancelled' },
  CHALLENGE_NOT_CREATOR: { commands: ['challenge.cancel'], reach: 'client', when: 'the player is not the creator' },
  CHALLENGE_NOT_CANCELLABLE: {
    commands: ['challenge.cancel'],
    reach: 'client',
    when: "the server's clock is at or past startsAt, or the challenge is running, finished or cancelled already",
  },
  CHALLENGE_PROGRESS_INVALID: { commands: ['challenge.progress.record'], reach: 'system', when: 'a malformed progress record' },
};

const { comments } = postRules;
const postCommands = ['post.delete', 'comment.add', 'comment.delete'];

/** Every rejection code of the post actor (`PostErrorCode`). */
export const postRejections: Record<PostErrorCode, RejectionDoc> = {
  POST_PAYLOAD_INVALID: { commands: ['any'], reach: 'schema', when: 'the payload is not a JSON object' },
  POST_COMMAND_UNKNOWN: { commands: ['any'], reach: 'schema', when: 'the post actor does not take this command type (the edge answers `COMMAND_UNKNOWN`)' },
  POST_PLAYER_REQUIRED: { commands: postCommands, reach: 'system', when: 'the command carries no authenticated player (the server always sets one)' },
  POST_NOT_FOUND: { commands: postCommands, reach: 'client', when: 'no post was published at this id' },
  POST_DELETED: { commands: postCommands, reach: 'client', when: 'the post was deleted' },
  POST_NOT_AUTHOR: { commands: ['post.delete'], reach: 'client', when: 'the player is not the post\'s author' },
  POST_PUBLISH_INVALID: { commands: ['post.publish'], reach: 'system', when: 'a malformed publish from the author\'s actor' },
  POST_LIKE_INVALID: { commands: ['post.like.count'], reach: 'system', when: 'a malformed count from a like\'s actor' },
  POST_FORGET_INVALID: { commands: ['post.forget'], reach: 'system', when: 'a forget without the deleted player\'s id' },
  COMMENT_ID_INVALID: { commands: ['comment.add'], reach: 'schema', when: 'commentId is not an id' },
  COMMENT_TEXT_INVALID: { commands: ['comment.add'], reach: 'client', when: `text is only white space (longer than ${comments.textMaxLength} characters: the schema)` },
  COMMENT_ALREADY_EXISTS: { commands: ['comment.add'], reach: 'client', when: 'the post has a comment with this commentId' },
  COMMENT_LIMIT: { commands: ['comment.add'], reach: 'client', when: `the post has ${comments.maxPerPost} comments, or the player ${comments.maxPerPlayer} on it` },
  COMMENT_UNKNOWN: { commands: ['comment.delete'], reach: 'client', when: 'the post has no comment with this commentId' },
  COMMENT_NOT_AUTHOR: { commands: ['comment.delete'], reach: 'client', when: 'the player did not write the comment (the post\'s author neither)' },
};

/** Every rejection code of the like actor (`LikeErrorCode`). */
export const likeRejections: Record<LikeErrorCode, RejectionDoc> = {
  LIKE_PAYLOAD_INVALID: { commands: ['any'], reach: 'schema', when: 'the payload is not a JSON object' },
  LIKE_COMMAND_UNKNOWN: { commands: ['any'], reach: 'schema', when: 'the like actor does not take this command type (the edge answers `COMMAND_UNKNOWN`)' },
  LIKE_PLAYER_REQUIRED: { commands: ['post.like', 'post.unlike'], reach: 'system', when: 'the command carries no authenticated player (the server always sets one)' },
  LIKE_POST_INVALID: { commands: ['post.like', 'post.unlike'], reach: 'schema', when: 'postId is not a post id (the edge takes it from `to`)' },
  LIKE_FORBIDDEN: { commands: ['post.like', 'post.unlike'], reach: 'schema', when: "another player's like, or another post's (the edge answers `AUTH_FORBIDDEN` or `COMMAND_INVALID`)" },
};

const blank = 'not only white space';
const mealTime = `at most ${hours(meals.backdateLimitMs)} before the server's clock and ${minutes(meals.futureToleranceMs)} after it`;
const waterTime = `at most ${hours(water.backdateLimitMs)} before the server's clock and ${minutes(water.futureToleranceMs)} after it`;

/** The limits the rules (decide) add to a field's schema, by command and field path. */
export const fieldRules: Partial<Record<ClientCommandType, Record<string, string>>> = {
  'user.register': { displayName: blank, timezone: 'an IANA timezone, e.g. `Europe/Paris`' },
  'profile.update': { displayName: blank, avatar: `not empty, ${blank}`, timezone: 'an IANA timezone' },
  'goal.set': { calories: 'above 0', waterMl: 'above 0' },
  'meal.log': { eatenAt: mealTime, foods: 'at least 1 item', 'foods[].name': blank, 'foods[].unit': blank },
  'water.log': { ml: 'above 0', drankAt: waterTime },
  'post.create': { text: blank },
  'comment.add': { text: blank },
  'post.like': { postId: 'the post in `to`' },
  'post.unlike': { postId: 'the post in `to`' },
  'challenge.create': {
    challengeId: 'the id in `to`',
    title: blank,
    startsAt: `at most ${minutes(window.startToleranceMs)} before the server's clock, at most ${days(window.maxLeadMs)} after it`,
    endsAt: `${seconds(window.minDurationMs)} to ${days(window.maxDurationMs)} after startsAt`,
    target: 'caps each score',
  },
};
