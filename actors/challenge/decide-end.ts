import { accept, type Decision, type Effect, type Lifecycle } from '../runtime/types.js';
import type { ChallengeDefinition, ChallengeEvent } from './events.js';
import { rankingOf } from './ranking.js';
import { challengeRules } from './rules.js';
import type { ChallengeState } from './state.js';

/**
 * The end timer: `challenge.finished {ranking}`, then a `challenge.reward.granted` per reward.
 * Effects, in the order each player receives them: `challenge.untrack` to every participant, then
 * `points.award` to the top three (300, 150, 75) and `achievement.grant` (challenge-winner) to the
 * first. Their `sourceId`s derive from the challenge id and the rank, so a redelivery never pays
 * twice. Rewards need `minParticipants` at the end and a score above 0. Fired again: no events.
 */
export function endChallenge(state: ChallengeState, definition: ChallengeDefinition, lifecycle: Lifecycle<ChallengeEvent>): Decision<ChallengeEvent> {
  const events: ChallengeEvent[] = [];
  // The start timer has not fired yet (both were due after an outage): start on the way.
  if (lifecycle.value === 'scheduled' || lifecycle.value === 'open') events.push({ type: 'challenge.started', data: {} });
  else if (lifecycle.value !== 'running') return accept([]);

  const ranking = rankingOf(state);
  events.push({ type: 'challenge.finished', data: { ranking } });
  const effects: Effect[] = untrackAll(state, definition);
  const { rewards } = challengeRules;
  const rewarded = state.participantCount >= rewards.minParticipants ? ranking.filter((entry) => entry.score > 0).slice(0, rewards.points.length) : [];
  for (const { userId, rank } of rewarded) {
    const points = rewards.points[rank - 1]!;
    const sourceId = `challenge:${definition.challengeId}:rank:${rank}`;
    effects.push({ kind: 'send', to: `user/${userId}`, command: { type: 'points.award', payload: { amount: points, reason: rewards.reason, sourceId } } });
    if (rank === 1) {
      const achievementId = rewards.winnerAchievement;
      events.push({ type: 'challenge.reward.granted', data: { userId, rank, points, achievementId } });
      effects.push({
        kind: 'send',
        to: `user/${userId}`,
        command: { type: 'achievement.grant', payload: { achievementId, sourceId: `challenge:${definition.challengeId}:winner`, challengeTitle: definition.title } },
      });
    } else {
      events.push({ type: 'challenge.reward.granted', data: { userId, rank, points } });
    }
  }
  return accept(events, effects);
}

/** `challenge.untrack` to every participant, in ranking-independent id order. */
export function untrackAll(state: ChallengeState, definition: ChallengeDefinition): Effect[] {
  return Object.keys(state.participants)
    .sort()
    .map((userId) => ({ kind: 'send', to: `user/${userId}`, command: { type: 'challenge.untrack', payload: { challengeId: definition.challengeId } } }));
}
