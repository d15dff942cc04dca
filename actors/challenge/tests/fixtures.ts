// Builders for the challenge's specs.
import { command } from '../../runtime/spec.js';
import type { CommandMeta, Effect } from '../../runtime/types.js';
import type { ChallengeCommand } from '../commands.js';
import type { ChallengeDefinition, ChallengeEvent } from '../events.js';

export const creator = 'u1';
export const hour = 3_600_000;
export const day = 24 * hour;
/** The specs' default clock: 2026-01-01T12:00:00Z. */
export const noon = Date.parse('2026-01-01T12:00:00Z');
/** The default challenge starts a day after noon and lasts a week. */
export const startsAt = noon + day;
export const endsAt = startsAt + 7 * day;

type Cmd<T extends ChallengeCommand['type']> = Extract<ChallengeCommand, { type: T }>;
type Meta = Partial<CommandMeta> & { id?: string };

/** A command from a player (`meta.userId`). */
export function by<T extends ChallengeCommand['type']>(userId: string, type: T, payload: Cmd<T>['payload'], meta: Meta = {}): ChallengeCommand {
  return command<ChallengeCommand>(type, payload, { userId, ...meta });
}

/** A durable timer firing. */
export function timer(type: 'challenge.open' | 'challenge.start' | 'challenge.end', meta: Meta = {}): ChallengeCommand {
  return command<ChallengeCommand>(type, {}, { origin: 'timer', ...meta });
}

/** Progress from a player's actor. */
export function progress(userId: string, delta: number, sourceEventId: string, at: number, meta: Meta = {}): ChallengeCommand {
  return command<ChallengeCommand>('challenge.progress.record', { userId, delta, sourceEventId, at }, { origin: 'actor', now: at, ...meta });
}

export const createPayload = {
  challengeId: 'c7',
  title: 'Water week',
  kind: 'water-ml' as const,
  startsAt,
  endsAt,
  maxParticipants: 3,
};

export const definition: ChallengeDefinition = {
  challengeId: 'c7',
  creatorId: creator,
  title: 'Water week',
  kind: 'water-ml',
  target: null,
  startsAt,
  endsAt,
  maxParticipants: 3,
  opensAt: noon,
};

export const created = (overrides: Partial<ChallengeDefinition> = {}): ChallengeEvent => ({ type: 'challenge.created', data: { ...definition, ...overrides } });
export const opened: ChallengeEvent = { type: 'challenge.opened', data: {} };
export const started: ChallengeEvent = { type: 'challenge.started', data: {} };
export const joined = (userId: string, joinedAt = noon): ChallengeEvent => ({ type: 'challenge.participant.joined', data: { userId, joinedAt } });
export const left = (userId: string): ChallengeEvent => ({ type: 'challenge.participant.left', data: { userId } });
export const cancelled: ChallengeEvent = { type: 'challenge.cancelled', data: { by: creator } };
export const recorded = (userId: string, delta: number, score: number, sourceEventId: string, at: number): ChallengeEvent => ({
  type: 'challenge.progress.recorded',
  data: { userId, delta, sourceEventId, at, score },
});

export const openChallenge = (overrides: Partial<ChallengeDefinition> = {}): ChallengeEvent[] => [created(overrides), opened];
export const runningChallenge = (overrides: Partial<ChallengeDefinition> = {}): ChallengeEvent[] => [created(overrides), opened, started];

export const track = (userId: string): Effect => ({
  kind: 'send',
  to: `user/${userId}`,
  command: { type: 'challenge.track', payload: { challengeId: 'c7', kind: 'water-ml', startsAt, endsAt } },
});
export const untrack = (userId: string): Effect => ({ kind: 'send', to: `user/${userId}`, command: { type: 'challenge.untrack', payload: { challengeId: 'c7' } } });
