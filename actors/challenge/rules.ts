import { challengeKinds, type ChallengeKind } from '../domain/contracts.js';

/**
 * Every tunable number of a challenge (GAME.md, "Challenge"), in one table a designer can change.
 *
 * @example
 * challengeRules.rewards.points // [300, 150, 75]: first, second, third
 */
export const challengeRules = {
  kinds: challengeKinds,
  titleMaxLength: 80,
  participants: {
    /** Bounds for `maxParticipants`. */
    min: 2,
    max: 1000,
  },
  window: {
    minDurationMs: 60 * 1000,
    maxDurationMs: 90 * 24 * 60 * 60 * 1000,
    /** How far ahead a challenge may start. */
    maxLeadMs: 365 * 24 * 60 * 60 * 1000,
    /** How far in the past `startsAt` may be at creation (client clock skew). */
    startToleranceMs: 5 * 60 * 1000,
    /** A challenge is joinable (open) from this long before it starts. */
    opensBeforeStartMs: 7 * 24 * 60 * 60 * 1000,
    /**
     * The end timer fires this long after `endsAt`, so progress made before `endsAt` but still in
     * flight between actors is counted; progress made at or after `endsAt` never is.
     */
    settleMs: 5 * 1000,
  },
  rewards: {
    /** Points by rank: first, second, third. */
    points: [300, 150, 75],
    /** Granted to the first, through the player's `achievement.grant`. */
    winnerAchievement: 'challenge-winner',
    /** Rewards need at least this many participants at the end, and a score above 0. */
    minParticipants: 2,
    reason: 'challenge-reward',
  },
} as const;

export type { ChallengeKind };
