import type { DomainEvent } from '../runtime/types.js';
import type { ChallengeKind } from './rules.js';

type E<Type extends string, Data> = DomainEvent<Type, Data>;

/** One line of the live ranking: by score, then who reached it first. Ranks start at 1. */
export interface RankingEntry {
  rank: number;
  userId: string;
  score: number;
  /** When the participant reached this score (their join time while it is 0). */
  reachedAt: number;
}

export interface ChallengeDefinition {
  challengeId: string;
  creatorId: string;
  title: string;
  kind: ChallengeKind;
  /** Scores stop at the target: reaching it first wins a tie. */
  target: number | null;
  startsAt: number;
  endsAt: number;
  maxParticipants: number;
  /** When it becomes joinable: `opensBeforeStartMs` before the start, or at creation. */
  opensAt: number;
}

export type ChallengeCreated = E<'challenge.created', ChallengeDefinition>;
export type ChallengeOpened = E<'challenge.opened', Record<string, never>>;
export type ChallengeStarted = E<'challenge.started', Record<string, never>>;
export type ParticipantJoined = E<'challenge.participant.joined', { userId: string; joinedAt: number }>;
/** The participant's score goes with them; rejoining starts from 0. */
export type ParticipantLeft = E<'challenge.participant.left', { userId: string }>;
/** `delta` is what counted (a target may cap it); `score` is the participant's new score. */
export type ProgressRecorded = E<
  'challenge.progress.recorded',
  { userId: string; delta: number; sourceEventId: string; at: number; score: number }
>;
export type ChallengeFinished = E<'challenge.finished', { ranking: RankingEntry[] }>;
export type ChallengeCancelled = E<'challenge.cancelled', { by: string }>;
/** `achievementId` is set for the winner. */
export type RewardGranted = E<
  'challenge.reward.granted',
  { userId: string; rank: number; points: number; achievementId?: string }
>;

export type ChallengeEvent =
  | ChallengeCreated
  | ChallengeOpened
  | ChallengeStarted
  | ParticipantJoined
  | ParticipantLeft
  | ProgressRecorded
  | ChallengeFinished
  | ChallengeCancelled
  | RewardGranted;

export type ChallengeEventType = ChallengeEvent['type'];
