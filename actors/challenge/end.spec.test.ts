import { describe, expect, it } from 'vitest';
import { spec } from '../runtime/spec.js';
import type { Effect } from '../runtime/types.js';
import { challengeActorType as challenge } from './index.js';
import { cancelled, created, hour, joined, noon, openChallenge, recorded, runningChallenge, startsAt, timer, untrack } from './tests/fixtures.js';

const t = (hours: number) => startsAt + hours * hour;
const award = (userId: string, amount: number, rank: number): Effect => ({
  kind: 'send',
  to: `user/${userId}`,
  command: { type: 'points.award', payload: { amount, reason: 'challenge-reward', sourceId: `challenge:c7:rank:${rank}` } },
});
const winner = (userId: string): Effect => ({
  kind: 'send',
  to: `user/${userId}`,
  command: { type: 'achievement.grant', payload: { achievementId: 'challenge-winner', sourceId: 'challenge:c7:winner', challengeTitle: 'Water week' } },
});
const entry = (rank: number, userId: string, score: number, reachedAt: number) => ({ rank, userId, score, reachedAt });

// Four players in a challenge for up to four: u5 ends last, u3 and u4 tie on 300 (u4 first).
const race = [
  ...runningChallenge({ maxParticipants: 4 }),
  joined('u2'), joined('u3'), joined('u4'), joined('u5'),
  recorded('u2', 900, 900, 'a', t(1)),
  recorded('u3', 300, 300, 'b', t(4)),
  recorded('u4', 300, 300, 'c', t(2)),
  recorded('u5', 100, 100, 'd', t(3)),
];
const finalRanking = [entry(1, 'u2', 900, t(1)), entry(2, 'u4', 300, t(2)), entry(3, 'u3', 300, t(4)), entry(4, 'u5', 100, t(3))];

describe('challenge: the end', () => {
  it('finishes with the ranking and rewards the top three (300, 150, 75) and the winner', () => {
    spec(challenge).given(race).when(timer('challenge.end')).then(
      [
        { type: 'challenge.finished', data: { ranking: finalRanking } },
        { type: 'challenge.reward.granted', data: { userId: 'u2', rank: 1, points: 300, achievementId: 'challenge-winner' } },
        { type: 'challenge.reward.granted', data: { userId: 'u4', rank: 2, points: 150 } },
        { type: 'challenge.reward.granted', data: { userId: 'u3', rank: 3, points: 75 } },
      ],
      [
        untrack('u2'), untrack('u3'), untrack('u4'), untrack('u5'),
        award('u2', 300, 1), winner('u2'),
        award('u4', 150, 2),
        award('u3', 75, 3),
      ],
    );
  });

  it('is finished afterwards, keeping the final ranking', () => {
    const when = spec(challenge).given(race).when(timer('challenge.end'));
    expect(when.stateAfter().finalRanking).toEqual(finalRanking);
    expect(spec(challenge).given([...race, { type: 'challenge.finished', data: { ranking: finalRanking } }]).lifecycle).toBe('finished');
  });

  it('rewards nobody twice: the end timer firing again changes nothing', () => {
    spec(challenge).given([...race, { type: 'challenge.finished', data: { ranking: finalRanking } }]).when(timer('challenge.end')).then([], []);
  });

  it('rewards only participants who scored', () => {
    const history = [...runningChallenge(), joined('u2'), joined('u3'), recorded('u2', 10, 10, 'a', t(1))];
    spec(challenge).given(history).when(timer('challenge.end')).then([
      { type: 'challenge.finished', data: { ranking: [entry(1, 'u2', 10, t(1)), entry(2, 'u3', 0, noon)] } },
      { type: 'challenge.reward.granted', data: { userId: 'u2', rank: 1, points: 300, achievementId: 'challenge-winner' } },
    ]);
  });

  it('rewards nobody in a challenge with a single participant', () => {
    const history = [...runningChallenge(), joined('u2'), recorded('u2', 10, 10, 'a', t(1))];
    spec(challenge).given(history).when(timer('challenge.end')).then(
      [{ type: 'challenge.finished', data: { ranking: [entry(1, 'u2', 10, t(1))] } }],
      [untrack('u2')],
    );
  });

  it('starts on the way when the end timer fires before the start timer', () => {
    spec(challenge).given(openChallenge()).when(timer('challenge.end')).then([
      { type: 'challenge.started', data: {} },
      { type: 'challenge.finished', data: { ranking: [] } },
    ]);
    spec(challenge).given([created()]).when(timer('challenge.end')).then([
      { type: 'challenge.started', data: {} },
      { type: 'challenge.finished', data: { ranking: [] } },
    ]);
  });

  it('ignores the end timer after a cancellation', () => {
    spec(challenge).given([...openChallenge(), cancelled]).when(timer('challenge.end')).then([]);
  });
});
