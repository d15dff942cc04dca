import type { Command } from '../runtime/types.js';
import type { ProgressRecordPayload } from '../domain/contracts.js';
import type { ChallengeKind } from './rules.js';

type C<Type extends string, Payload> = Command<Type, Payload>;

// Commands players send; `meta.userId` (the authenticated player) says who.
/**
 * `challengeId` is this actor's own id (the `<id>` of `challenge/<id>`), which decide cannot see
 * otherwise; the edge must check that it matches the address.
 */
export type ChallengeCreate = C<
  'challenge.create',
  { challengeId: string; title: string; kind: ChallengeKind; target?: number; startsAt: number; endsAt: number; maxParticipants: number }
>;
export type ChallengeJoin = C<'challenge.join', Record<string, never>>;
export type ChallengeLeave = C<'challenge.leave', Record<string, never>>;
export type ChallengeCancel = C<'challenge.cancel', Record<string, never>>;

// Durable timers (this actor's own) and player actors.
export type ChallengeOpen = C<'challenge.open', Record<string, never>>;
export type ChallengeStart = C<'challenge.start', Record<string, never>>;
export type ChallengeEnd = C<'challenge.end', Record<string, never>>;
/** Idempotent by `sourceEventId`; counted only if `at` is in [startsAt, endsAt). */
export type ProgressRecord = C<'challenge.progress.record', ProgressRecordPayload>;

export type ChallengeClientCommand = ChallengeCreate | ChallengeJoin | ChallengeLeave | ChallengeCancel;
export type ChallengeSystemCommand = ChallengeOpen | ChallengeStart | ChallengeEnd | ProgressRecord;
export type ChallengeCommand = ChallengeClientCommand | ChallengeSystemCommand;
export type ChallengeCommandType = ChallengeCommand['type'];

export const challengeClientCommands = [
  'challenge.create',
  'challenge.join',
  'challenge.leave',
  'challenge.cancel',
] as const satisfies readonly ChallengeClientCommand['type'][];

export const challengeSystemCommands = [
  'challenge.open',
  'challenge.start',
  'challenge.end',
  'challenge.progress.record',
] as const satisfies readonly ChallengeSystemCommand['type'][];

/** The durable timers' keys (one each per challenge actor). */
export const TimerKey = { open: 'open', start: 'start', end: 'end' } as const;
