import type { RankingEntry } from './events.js';
import type { ChallengeState, Participant } from './state.js';

/** Higher score first; on a tie, who reached that score first, then who joined first, then by id. */
export function compareParticipants(a: Participant, b: Participant): number {
  return b.score - a.score || a.reachedAt - b.reachedAt || a.joinedAt - b.joinedAt || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}

/**
 * The live ranking of a challenge's participants.
 *
 * @example
 * rankingOf(state)[0] // { rank: 1, userId: 'u7', score: 12, reachedAt: 1767268800000 }
 */
export function rankingOf(state: ChallengeState): RankingEntry[] {
  return Object.values(state.participants)
    .sort(compareParticipants)
    .map(({ userId, score, reachedAt }, i) => ({ rank: i + 1, userId, score, reachedAt }));
}
