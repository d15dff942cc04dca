import { describe, expect, it } from 'vitest';
import { spec } from '../runtime/spec.js';
import type { Effect } from '../runtime/types.js';
import { UserErrorCode as Code } from './errors.js';
import type { UserEvent } from './events.js';
import { userActorType as user } from './index.js';
import {
  achievementPoints, at, food, fromActor, goalSet, me, mealLogged, mealPayload, mine, noon, registered, streakAt, tracked, unlocked,
} from './tests/fixtures.js';

const week = { startsAt: at('2026-01-01T00:00:00Z'), endsAt: at('2026-01-08T00:00:00Z') };
const regular: UserEvent[] = [registered(), unlocked('first-meal'), achievementPoints('first-meal'), streakAt(1, '2026-01-01')];
const progress = (challengeId: string, delta: number, index: number, commandId = 'c1', now = noon): Effect => ({
  kind: 'send',
  to: `challenge/${challengeId}`,
  command: { type: 'challenge.progress.record', payload: { userId: me, delta, sourceEventId: `${me}:${commandId}:${index}`, at: now } },
});

describe('user: tracking challenges (from the challenge)', () => {
  it('tracks a challenge the player joined', () => {
    spec(user).given([registered()]).when(fromActor('challenge.track', { challengeId: 'c7', kind: 'water-ml', ...week }))
      .then([{ type: 'user.challenge.tracked', data: { challengeId: 'c7', kind: 'water-ml', ...week } }]);
  });

  it('ignores a redelivered track and an untrack of a challenge not tracked', () => {
    spec(user).given([registered(), tracked('c7', 'water-ml')]).when(fromActor('challenge.track', { challengeId: 'c7', kind: 'water-ml', ...week })).then([]);
    spec(user).given([registered()]).when(fromActor('challenge.untrack', { challengeId: 'c7' })).then([]);
  });

  it('untracks a challenge', () => {
    const when = spec(user).given([registered(), tracked('c7', 'water-ml')]).when(fromActor('challenge.untrack', { challengeId: 'c7' }));
    when.then([{ type: 'user.challenge.untracked', data: { challengeId: 'c7' } }]);
    expect(when.stateAfter().challenges).toEqual({});
  });

  it('rejects a track without a known kind or a window', () => {
    spec(user).given([registered()]).when(fromActor('challenge.track', { challengeId: 'c7', kind: 'steps' as never, ...week })).thenRejected(Code.CHALLENGE_TRACK_INVALID);
    spec(user).given([registered()]).when(fromActor('challenge.track', { challengeId: 'c7', kind: 'points', startsAt: week.endsAt, endsAt: week.startsAt }))
      .thenRejected(Code.CHALLENGE_TRACK_INVALID);
  });
});

describe('user: progress sent to tracked challenges', () => {
  it('sends +1 per rewarded meal to a meals-logged challenge', () => {
    spec(user).given([...regular, tracked('c7', 'meals-logged')]).when(mine('meal.log', mealPayload(), { id: 'c1' }))
      .then([expect.objectContaining({ type: 'nutrition.meal.logged' }), expect.objectContaining({ type: 'points.earned' })], [progress('c7', 1, 0)]);
  });

  it('sends nothing for a meal beyond the daily cap', () => {
    const capped = [1, 2, 3, 4].map((n) => mealLogged(`early-${n}`, '2026-01-01', noon));
    spec(user).given([...regular, ...capped, tracked('c7', 'meals-logged')]).when(mine('meal.log', mealPayload(), { id: 'c1' }))
      .then([expect.objectContaining({ type: 'nutrition.meal.logged' })], []);
  });

  it('sends the millilitres to a water-ml challenge', () => {
    spec(user).given([registered(), tracked('c7', 'water-ml')]).when(mine('water.log', { ml: 330, drankAt: noon }, { id: 'c1' }))
      .then([expect.objectContaining({ type: 'nutrition.water.logged' })], [progress('c7', 330, 0)]);
  });

  it('sends +1 per goal met to a goal-days challenge, naming the goal.met event', () => {
    const history = [...regular, goalSet(), mealLogged('m0', '2026-01-01', noon, { calories: 1000, proteinG: 50 }), tracked('c7', 'goal-days')];
    const decision = spec(user).given(history).when(mine('meal.log', mealPayload({ foods: [food({ calories: 1000, proteinG: 50 })] }), { id: 'c1' })).decision;
    expect(decision.rejected ? undefined : decision.events[2]?.type).toBe('nutrition.goal.met');
    expect(decision.rejected ? undefined : decision.effects).toEqual([progress('c7', 1, 2)]);
  });

  it('sends every points.earned to a points challenge', () => {
    spec(user).given([registered(), tracked('c7', 'points')]).when(mine('meal.log', mealPayload(), { id: 'c1' })).then(
      [
        expect.objectContaining({ type: 'nutrition.meal.logged' }),
        expect.objectContaining({ type: 'points.earned' }),
        expect.objectContaining({ type: 'achievement.unlocked' }),
        expect.objectContaining({ type: 'points.earned' }),
        expect.objectContaining({ type: 'user.streak.extended' }),
      ],
      [progress('c7', 10, 1), progress('c7', 10, 3)],
    );
  });

  it('sends to every tracked challenge the event advances', () => {
    spec(user).given([registered(), tracked('c7', 'water-ml'), tracked('c8', 'water-ml'), tracked('c9', 'meals-logged')])
      .when(mine('water.log', { ml: 500, drankAt: noon }, { id: 'c1' }))
      .then([expect.objectContaining({ type: 'nutrition.water.logged' })], [progress('c7', 500, 0), progress('c8', 500, 0)]);
  });

  it("sends nothing before the challenge's start or from its end on", () => {
    const later = tracked('c7', 'water-ml', at('2026-01-02T00:00:00Z'), at('2026-01-09T00:00:00Z'));
    const over = tracked('c8', 'water-ml', at('2025-12-25T00:00:00Z'), noon);
    spec(user).given([registered(), later, over]).when(mine('water.log', { ml: 500, drankAt: noon }))
      .then([expect.objectContaining({ type: 'nutrition.water.logged' })], []);
  });
});
