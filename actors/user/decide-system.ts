import { reject, type Rejection } from '../runtime/types.js';
import type { AchievementGrant, ChallengeTrack, ChallengeUntrack, PointsAward } from './commands.js';
import type { Draft } from './draft.js';
import { UserErrorCode as Code } from './errors.js';
import { ownPointsReasons } from './events.js';
import { challengeKinds } from '../domain/contracts.js';
import { has } from '../domain/records.js';
import { shareChallengeWin } from './decide-posts.js';
import { earn, unlock } from './rewards.js';
import { achievementIds, userRules, type AchievementId } from './rules.js';
import { isFiniteNumber, isId, isText } from '../domain/validate.js';

// Commands other actors send to the player: each is idempotent, since delivery is at least once.

/** Points from another actor (a challenge's reward), credited once per `sourceId`. */
export function awardPoints(draft: Draft, { payload }: PointsAward): Rejection | void {
  const { amount, reason, sourceId } = payload;
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > userRules.awards.maxPoints) {
    return reject(Code.POINTS_AWARD_INVALID, `amount must be a whole number from 1 to ${userRules.awards.maxPoints}`);
  }
  if (!isText(reason, 64) || ownPointsReasons.has(reason)) return reject(Code.POINTS_AWARD_INVALID, `reason must be a name other than ${[...ownPointsReasons].join(', ')}`);
  if (!isText(sourceId, 256)) return reject(Code.POINTS_AWARD_INVALID, 'sourceId must be a non-empty string');
  if (has(draft.state.awardSources, sourceId)) return;
  earn(draft, amount, reason, sourceId);
}

/** An achievement only another actor can detect (`challenge-winner`); unlocked once. */
export function grantAchievement(draft: Draft, { payload }: AchievementGrant): Rejection | void {
  const id = payload.achievementId as AchievementId;
  if (!achievementIds.includes(id)) return reject(Code.ACHIEVEMENT_UNKNOWN, `no achievement ${String(payload.achievementId)}`);
  if (!('grantedByChallenge' in userRules.achievements[id])) return reject(Code.ACHIEVEMENT_NOT_GRANTABLE, `${id} is unlocked by the player's own play`);
  const { sourceId, challengeTitle } = payload;
  if (!isText(sourceId, 256) || (challengeTitle !== undefined && !isText(challengeTitle, 80))) {
    return reject(Code.ACHIEVEMENT_GRANT_INVALID, 'achievement.grant needs a sourceId, and a challengeTitle of at most 80 characters if any');
  }
  unlock(draft, id);
  shareChallengeWin(draft, sourceId, challengeTitle);
}

export function trackChallenge(draft: Draft, { payload }: ChallengeTrack): Rejection | void {
  const { challengeId, kind, startsAt, endsAt } = payload;
  if (!isId(challengeId) || !challengeKinds.includes(kind) || !isFiniteNumber(startsAt) || !isFiniteNumber(endsAt) || endsAt <= startsAt) {
    return reject(Code.CHALLENGE_TRACK_INVALID, 'challenge.track needs challengeId, a known kind and startsAt < endsAt');
  }
  if (has(draft.state.challenges, challengeId)) return;
  draft.emit({ type: 'user.challenge.tracked', data: { challengeId, kind, startsAt, endsAt } });
}

export function untrackChallenge(draft: Draft, { payload }: ChallengeUntrack): Rejection | void {
  if (!isId(payload.challengeId)) return reject(Code.CHALLENGE_TRACK_INVALID, 'challenge.untrack needs challengeId');
  if (!has(draft.state.challenges, payload.challengeId)) return;
  draft.emit({ type: 'user.challenge.untracked', data: { challengeId: payload.challengeId } });
}
