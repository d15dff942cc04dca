import { describe, expect, it } from 'vitest';
import type { Folded } from '../runtime/index.js';
import { challengeActorType, type ChallengeState } from './index.js';
import { challengeView } from './view.js';

describe('the challenge/ view', () => {
  it('shows the live ranking while it runs, the final one once finished', () => {
    const state: ChallengeState = {
      ...challengeActorType.initialState,
      participants: {
        ada: { userId: 'ada', joinedAt: 1, score: 3, reachedAt: 5 },
        bob: { userId: 'bob', joinedAt: 2, score: 7, reachedAt: 6 },
      },
      participantCount: 2,
      processed: { 'x:1:0': true },
    };
    const running: Folded<ChallengeState> = { state, lifecycle: 'running', version: 9 };
    const view = challengeView('c7', running);
    expect(view).toMatchObject({ challengeId: 'c7', state: 'running', participantCount: 2 });
    expect(view.ranking.map((entry) => [entry.rank, entry.userId])).toEqual([
      [1, 'bob'],
      [2, 'ada'],
    ]);
    expect(JSON.stringify(view)).not.toContain('x:1:0');
    const finalRanking = [{ rank: 1, userId: 'ada', score: 3, reachedAt: 5 }];
    expect(challengeView('c7', { ...running, lifecycle: 'finished', state: { ...state, finalRanking } }).ranking).toEqual(finalRanking);
  });
});
