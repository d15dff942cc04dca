import type { ChallengeDefinition, RankingEntry } from './events.js';

export interface Participant {
  userId: string;
  joinedAt: number;
  score: number;
  /** When the score reached its current value (the join time while it is 0). */
  reachedAt: number;
}

/** The challenge actor's state: what decide needs, and what `challenge/<id>` watchers see. */
export interface ChallengeState {
  /** Null until `challenge.created`. */
  definition: ChallengeDefinition | null;
  participants: Record<string, Participant>;
  participantCount: number;
  /** `sourceEventId`s already counted; emptied at the end, when no progress counts any more. */
  processed: Record<string, true>;
  /** The final ranking, once finished (the live one is `rankingOf(state)`). */
  finalRanking: RankingEntry[] | null;
  rewards: { userId: string; rank: number; points: number; achievementId?: string }[];
  cancelledBy: string | null;
}

export const initialChallengeState: ChallengeState = {
  definition: null,
  participants: {},
  participantCount: 0,
  processed: {},
  finalRanking: null,
  rewards: [],
  cancelledBy: null,
};
