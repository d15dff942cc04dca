import { accept, reject, type Decision, type Effect, type Lifecycle } from '../runtime/types.js';
import { TimerKey, type ChallengeCancel, type ChallengeCommand, type ChallengeCreate } from './commands.js';
import { joinChallenge, leaveChallenge, recordProgress } from './decide-participation.js';
import { endChallenge, untrackAll } from './decide-end.js';
import { ChallengeErrorCode as Code } from './errors.js';
import type { ChallengeDefinition, ChallengeEvent } from './events.js';
import { challengeRules } from './rules.js';
import type { ChallengeState } from './state.js';
import { isFiniteNumber, isId, isPositive, isRecord, isText } from '../domain/validate.js';

/**
 * The challenge's decider: the events a command causes, or a rejection with a stable code
 * (`ChallengeErrorCode`). Timer commands (`challenge.open|start|end`) may fire more than once:
 * a repeat is accepted with no events.
 *
 * @example
 * decide(state, { id: 'c1', type: 'challenge.join', payload: {}, meta: { now, origin: 'client', userId: 'u42' } }, lifecycle)
 * // → { events: [{ type: 'challenge.participant.joined', … }], effects: [{ kind: 'send', to: 'user/u42', … }] }
 */
export function decide(state: ChallengeState, command: ChallengeCommand, lifecycle: Lifecycle<ChallengeEvent>): Decision<ChallengeEvent> {
  if (!isRecord(command.payload)) return reject(Code.CHALLENGE_PAYLOAD_INVALID, `${command.type} needs an object payload`);
  if (command.type === 'challenge.create') return create(command, lifecycle);
  const definition = state.definition;
  if (lifecycle.value === 'uncreated' || definition === null) return reject(Code.CHALLENGE_NOT_FOUND, 'no such challenge');
  switch (command.type) {
    case 'challenge.join': return joinChallenge(state, definition, command, lifecycle);
    case 'challenge.leave': return leaveChallenge(state, definition, command, lifecycle);
    case 'challenge.cancel': return cancel(state, definition, command, lifecycle);
    case 'challenge.progress.record': return recordProgress(state, definition, command, lifecycle);
    case 'challenge.open': return timerEvent(lifecycle, { type: 'challenge.opened', data: {} });
    case 'challenge.start': return timerEvent(lifecycle, { type: 'challenge.started', data: {} });
    case 'challenge.end': return endChallenge(state, definition, lifecycle);
    default: {
      const unknown: { type: string } = command;
      return reject(Code.CHALLENGE_COMMAND_UNKNOWN, `the challenge actor does not take ${unknown.type}`);
    }
  }
}

/** A timer's event if the lifecycle takes it now; a repeat, or a timer after a cancel, changes nothing. */
function timerEvent(lifecycle: Lifecycle<ChallengeEvent>, event: ChallengeEvent): Decision<ChallengeEvent> {
  return accept(lifecycle.can(event) ? [event] : []);
}

function create(command: ChallengeCreate, lifecycle: Lifecycle<ChallengeEvent>): Decision<ChallengeEvent> {
  if (lifecycle.value !== 'uncreated') return reject(Code.CHALLENGE_ALREADY_EXISTS, 'this challenge was already created');
  const creatorId = command.meta.userId;
  if (!isId(creatorId)) return reject(Code.CHALLENGE_PLAYER_REQUIRED, 'challenge.create needs the authenticated player');
  const invalid = validateDefinition(command);
  if (invalid) return invalid;

  const { challengeId, title, kind, target, startsAt, endsAt, maxParticipants } = command.payload;
  const now = command.meta.now;
  const window = challengeRules.window;
  const opensNow = startsAt - window.opensBeforeStartMs <= now;
  const definition: ChallengeDefinition = {
    challengeId,
    creatorId,
    title: title.trim(),
    kind,
    target: target ?? null,
    startsAt,
    endsAt,
    maxParticipants,
    opensAt: opensNow ? now : startsAt - window.opensBeforeStartMs,
  };
  const events: ChallengeEvent[] = [{ type: 'challenge.created', data: definition }];
  const effects: Effect[] = [];
  if (opensNow) events.push({ type: 'challenge.opened', data: {} });
  else effects.push({ kind: 'schedule', key: TimerKey.open, at: definition.opensAt, command: { type: 'challenge.open', payload: {} } });
  effects.push(
    { kind: 'schedule', key: TimerKey.start, at: startsAt, command: { type: 'challenge.start', payload: {} } },
    { kind: 'schedule', key: TimerKey.end, at: endsAt + window.settleMs, command: { type: 'challenge.end', payload: {} } },
  );
  return accept(events, effects);
}

function validateDefinition({ payload, meta }: ChallengeCreate) {
  const { challengeId, title, kind, target, startsAt, endsAt, maxParticipants } = payload;
  const { window, participants } = challengeRules;
  if (!isId(challengeId)) return reject(Code.CHALLENGE_ID_INVALID, 'challengeId must be the id of this challenge (as in challenge/<id>)');
  if (!isText(title, challengeRules.titleMaxLength)) return reject(Code.CHALLENGE_TITLE_INVALID, `title must be 1 to ${challengeRules.titleMaxLength} characters`);
  if (!(challengeRules.kinds as readonly string[]).includes(kind)) {
    return reject(Code.CHALLENGE_KIND_INVALID, `kind must be one of ${challengeRules.kinds.join(', ')}`);
  }
  if (target !== undefined && target !== null && !isPositive(target)) return reject(Code.CHALLENGE_TARGET_INVALID, 'target, if given, must be a positive number');
  if (!isFiniteNumber(startsAt) || !isFiniteNumber(endsAt)) return reject(Code.CHALLENGE_WINDOW_INVALID, 'startsAt and endsAt must be epoch ms');
  const duration = endsAt - startsAt;
  if (startsAt < meta.now - window.startToleranceMs || startsAt > meta.now + window.maxLeadMs) {
    return reject(Code.CHALLENGE_WINDOW_INVALID, 'startsAt must be now or later, and within a year');
  }
  if (duration < window.minDurationMs || duration > window.maxDurationMs) {
    return reject(Code.CHALLENGE_WINDOW_INVALID, `a challenge lasts from ${window.minDurationMs} ms to ${window.maxDurationMs} ms`);
  }
  if (!Number.isInteger(maxParticipants) || maxParticipants < participants.min || maxParticipants > participants.max) {
    return reject(Code.CHALLENGE_CAPACITY_INVALID, `maxParticipants must be a whole number from ${participants.min} to ${participants.max}`);
  }
  return undefined;
}

/** Only the creator, and only before it runs; the timers are dropped and the participants let go. */
function cancel(state: ChallengeState, definition: ChallengeDefinition, command: ChallengeCancel, lifecycle: Lifecycle<ChallengeEvent>): Decision<ChallengeEvent> {
  const by = command.meta.userId;
  if (!isId(by)) return reject(Code.CHALLENGE_PLAYER_REQUIRED, 'challenge.cancel needs the authenticated player');
  if (by !== definition.creatorId) return reject(Code.CHALLENGE_NOT_CREATOR, 'only the creator may cancel a challenge');
  const cancelled: ChallengeEvent = { type: 'challenge.cancelled', data: { by } };
  // Past startsAt it runs, even if the start timer has not fired yet.
  if (!lifecycle.can(cancelled) || command.meta.now >= definition.startsAt) {
    return reject(Code.CHALLENGE_NOT_CANCELLABLE, `a ${lifecycle.value} challenge past its start cannot be cancelled`);
  }
  const effects: Effect[] = [
    { kind: 'cancel', key: TimerKey.open },
    { kind: 'cancel', key: TimerKey.start },
    { kind: 'cancel', key: TimerKey.end },
    ...untrackAll(state, definition),
  ];
  return accept([cancelled], effects);
}

