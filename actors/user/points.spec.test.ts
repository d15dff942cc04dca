import { describe, expect, it } from 'vitest';
import { spec } from '../runtime/spec.js';
import { UserErrorCode as Code } from './errors.js';
import { userActorType as user } from './index.js';
import { levelFor, levelThreshold } from './rules.js';
import { fromActor, pointsEarned, pointsHistory, registered, shared, unlocked } from './tests/fixtures.js';

const award = (amount: number, sourceId = 'challenge:c7:rank:1', reason = 'challenge-reward') =>
  fromActor('points.award', { amount, reason, sourceId });
const earned = (amount: number, sourceId = 'challenge:c7:rank:1', reason = 'challenge-reward') =>
  ({ type: 'points.earned', data: { amount, reason, sourceId } }) as const;
const levelUp = (level: number) => ({ type: 'user.level.up', data: { level } }) as const;

describe('user: levels', () => {
  it('reaches level n at 50·n·(n−1) points', () => {
    expect([2, 3, 4, 20].map(levelThreshold)).toEqual([100, 300, 600, 19_000]);
    expect([0, 99, 100, 299, 300, 599, 600, 18_999, 19_000].map(levelFor)).toEqual([1, 1, 2, 2, 3, 3, 4, 19, 20]);
  });

  it('emits one level up per level crossed, in order', () => {
    spec(user).given([registered()]).when(award(600)).then([earned(600), levelUp(2), levelUp(3), levelUp(4)]);
  });

  it('emits no level up below the next threshold', () => {
    spec(user).given([registered(), ...pointsHistory(120)]).when(award(179)).then([earned(179)]);
  });

  it('unlocks legend at level 20 (+500)', () => {
    spec(user).given([registered(), ...pointsHistory(18_900)]).when(award(100)).then([
      earned(100),
      levelUp(20),
      { type: 'achievement.unlocked', data: { achievementId: 'legend', rarity: 'legendary', points: 500 } },
      earned(500, 'achievement:legend', 'achievement'),
      shared({ level: 20 }),
      shared({ achievementId: 'legend' }),
    ]);
  });

  it("levels up again when legend's own points cross the next threshold", () => {
    spec(user).given([registered(), ...pointsHistory(18_999)]).when(award(2000)).then([
      earned(2000),
      levelUp(20),
      { type: 'achievement.unlocked', data: { achievementId: 'legend', rarity: 'legendary', points: 500 } },
      earned(500, 'achievement:legend', 'achievement'),
      levelUp(21),
      shared({ level: 20 }),
      shared({ achievementId: 'legend' }),
      shared({ level: 21 }),
    ]);
  });

  it('unlocks legend only once', () => {
    spec(user).given([registered(), ...pointsHistory(21_500), unlocked('legend')]).when(award(5000)).then([earned(5000), levelUp(22), levelUp(23), shared({ level: 22 }), shared({ level: 23 })]);
  });
});

describe('user: points from other actors', () => {
  it('credits an award once per sourceId', () => {
    spec(user).given([registered(), earned(300)]).when(award(300)).then([]);
    spec(user).given([registered(), earned(300)]).when(award(150, 'challenge:c8:rank:2')).then([earned(150, 'challenge:c8:rank:2'), levelUp(2), levelUp(3)]);
  });

  it('does not mistake its own points for an award with the same source id', () => {
    spec(user).given([registered(), pointsEarned(10, 'meal', 'x1')]).when(award(10, 'x1')).then([earned(10, 'x1')]);
  });

  it('rejects an amount that is not a whole number from 1 to 100,000', () => {
    for (const amount of [0, -75, 1.5, Number.NaN, 100_001]) spec(user).given([registered()]).when(award(amount)).thenRejected(Code.POINTS_AWARD_INVALID);
  });

  it("rejects a missing source id or a reason reserved for the player's own points", () => {
    spec(user).given([registered()]).when(award(10, '')).thenRejected(Code.POINTS_AWARD_INVALID);
    spec(user).given([registered()]).when(award(10, 's1', 'meal')).thenRejected(Code.POINTS_AWARD_INVALID);
  });
});

describe('user: achievements granted by a challenge', () => {
  const grant = (achievementId: string) => fromActor('achievement.grant', { achievementId, sourceId: 'challenge:c7:winner' });
  const winShared = expect.objectContaining({ type: 'social.post.created', data: expect.objectContaining({ kind: 'challenge-won', sourceId: 'challenge:c7:winner' }) });

  it('unlocks challenge-winner (+100), and shares the win', () => {
    spec(user).given([registered()]).when(grant('challenge-winner')).then([
      { type: 'achievement.unlocked', data: { achievementId: 'challenge-winner', rarity: 'rare', points: 100 } },
      earned(100, 'achievement:challenge-winner', 'achievement'),
      levelUp(2),
      winShared,
    ]);
  });

  it('unlocks challenge-winner only once, however often it is granted (each win is shared)', () => {
    spec(user).given([registered(), unlocked('challenge-winner')]).when(grant('challenge-winner')).then([winShared]);
  });

  it("refuses to grant an achievement the player's own play unlocks, or an unknown one", () => {
    spec(user).given([registered()]).when(grant('legend')).thenRejected(Code.ACHIEVEMENT_NOT_GRANTABLE);
    spec(user).given([registered()]).when(grant('pizza-master')).thenRejected(Code.ACHIEVEMENT_UNKNOWN);
    spec(user).given([registered()]).when(grant('constructor')).thenRejected(Code.ACHIEVEMENT_UNKNOWN);
  });

  it('keeps the unlocked achievements in order', () => {
    const state = spec(user).given([registered(), unlocked('first-meal'), unlocked('hydrated')]).state;
    expect(state.achievements).toEqual(['first-meal', 'hydrated']);
  });
});
