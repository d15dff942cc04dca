import { accept, reject, type Decision, type Lifecycle } from '../runtime/types.js';
import type { ChallengeJoin, ChallengeLeave, ProgressRecord } from './commands.js';
import { ChallengeErrorCode as Code } from './errors.js';
import type { ChallengeDefinition, ChallengeEvent } from './events.js';
import { get, has } from '../domain/records.js';
import type { ChallengeState } from './state.js';
import { isFiniteNumber, isId, isPositive, isText } from '../domain/validate.js';

type Result = Decision<ChallengeEvent>;

/** While open or running (until `endsAt`) and not full; the player's actor is told to track it. */
export function joinChallenge(state: ChallengeState, definition: ChallengeDefinition, command: ChallengeJoin, lifecycle: Lifecycle<ChallengeEvent>): Result {
  const userId = command.meta.userId;
  if (!isId(userId)) return reject(Code.CHALLENGE_PLAYER_REQUIRED, 'challenge.join needs the authenticated player');
  if (has(state.participants, userId)) return reject(Code.CHALLENGE_ALREADY_JOINED, `${userId} already takes part`);
  const now = command.meta.now;
  const notJoinable = () => reject(Code.CHALLENGE_NOT_JOINABLE, `a ${lifecycle.value} challenge cannot be joined`);
  if (now >= definition.endsAt) return notJoinable();
  const joined: ChallengeEvent = { type: 'challenge.participant.joined', data: { userId, joinedAt: now } };
  if (!lifecycle.can(joined)) {
    const full = lifecycle.value === 'open' || lifecycle.value === 'running';
    return full ? reject(Code.CHALLENGE_FULL, `the challenge has its ${definition.maxParticipants} participants`) : notJoinable();
  }
  const { challengeId, kind, startsAt, endsAt } = definition;
  return accept([joined], [{ kind: 'send', to: `user/${userId}`, command: { type: 'challenge.track', payload: { challengeId, kind, startsAt, endsAt } } }]);
}

/** Not once finished (nor cancelled); the participant's score goes with them. */
export function leaveChallenge(state: ChallengeState, definition: ChallengeDefinition, command: ChallengeLeave, lifecycle: Lifecycle<ChallengeEvent>): Result {
  const userId = command.meta.userId;
  if (!isId(userId)) return reject(Code.CHALLENGE_PLAYER_REQUIRED, 'challenge.leave needs the authenticated player');
  if (!has(state.participants, userId)) return reject(Code.CHALLENGE_NOT_PARTICIPANT, `${userId} does not take part`);
  const left: ChallengeEvent = { type: 'challenge.participant.left', data: { userId } };
  if (!lifecycle.can(left)) return reject(Code.CHALLENGE_NOT_LEAVABLE, `a ${lifecycle.value} challenge cannot be left`);
  const { challengeId } = definition;
  return accept([left], [{ kind: 'send', to: `user/${userId}`, command: { type: 'challenge.untrack', payload: { challengeId } } }]);
}

/**
 * Counts a participant's progress once per `sourceEventId`, if the player's event happened (`at`,
 * else this command's time) inside [startsAt, endsAt). Anything else is a harmless repeat or
 * straggler: accepted with no events, never rejected. A target caps the score.
 */
export function recordProgress(state: ChallengeState, definition: ChallengeDefinition, command: ProgressRecord, lifecycle: Lifecycle<ChallengeEvent>): Result {
  const { userId, delta, sourceEventId } = command.payload;
  const at = command.payload.at ?? command.meta.now;
  if (!isId(userId) || !isPositive(delta) || !isText(sourceEventId, 256) || !isFiniteNumber(at)) {
    return reject(Code.CHALLENGE_PROGRESS_INVALID, 'progress needs userId, a positive delta, sourceEventId and at (epoch ms)');
  }
  const participant = get(state.participants, userId);
  if (!participant || has(state.processed, sourceEventId)) return accept([]);
  if (at < definition.startsAt || at >= definition.endsAt) return accept([]);
  const score = Math.min(participant.score + delta, definition.target ?? Infinity);
  if (score <= participant.score) return accept([]);
  const recorded: ChallengeEvent = {
    type: 'challenge.progress.recorded',
    data: { userId, delta: score - participant.score, sourceEventId, at, score },
  };
  return accept(lifecycle.can(recorded) ? [recorded] : []);
}
