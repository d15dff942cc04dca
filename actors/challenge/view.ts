import type { Folded } from '../runtime/fold.js';
import { rankingOf } from './ranking.js';
import type { ChallengeState } from './state.js';

/**
 * What watchers of `challenge/<id>` see in a `snap`: a public view of the actor's state, without its
 * bookkeeping (processed-event ids). The `evt`s that follow are the actor's own events; a client applies them to
 * this view as it sees fit.
 */

/** The challenge's view: definition, lifecycle, participants and the ranking (final once finished). */
export function challengeView(challengeId: string, folded: Folded<ChallengeState>) {
  const { state } = folded;
  return {
    challengeId,
    // `state`, as the HTTP API (GET /v1/challenges/:id) names the lifecycle.
    state: folded.lifecycle ?? 'uncreated',
    definition: state.definition,
    participantCount: state.participantCount,
    ranking: state.finalRanking ?? rankingOf(state),
    rewards: state.rewards,
    cancelledBy: state.cancelledBy,
  };
}

export type ChallengeView = ReturnType<typeof challengeView>;
