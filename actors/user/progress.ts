import type { ChallengeKind } from '../domain/contracts.js';
import type { Effect } from '../runtime/types.js';
import type { ProgressRecordPayload, UserCommand } from './commands.js';
import type { UserEvent } from './events.js';
import type { UserState } from './state.js';

/** How much one of the player's events advances a challenge of each kind. */
export const progressOf: { readonly [K in ChallengeKind]: (event: UserEvent) => number } = {
  // Rewarded meals only (at most 4 a day): logging and deleting meals cannot farm a challenge.
  'meals-logged': (event) => (event.type === 'nutrition.meal.logged' && event.data.rewarded ? 1 : 0),
  'water-ml': (event) => (event.type === 'nutrition.water.logged' ? event.data.ml : 0),
  'goal-days': (event) => (event.type === 'nutrition.goal.met' ? 1 : 0),
  points: (event) => (event.type === 'points.earned' ? event.data.amount : 0),
};


/**
 * One `challenge.progress.record` per (tracked challenge, event that advances it), sent while the
 * challenge's window is open. `sourceEventId` is `<userId>:<command id>:<event index>`, stable
 * across redeliveries, so the challenge counts each event once.
 */
export function progressEffects(state: UserState, events: readonly UserEvent[], command: UserCommand): Effect[] {
  const effects: Effect[] = [];
  const now = command.meta.now;
  const userId = state.userId;
  if (userId === null) return effects;
  for (const [challengeId, challenge] of Object.entries(state.challenges)) {
    if (now < challenge.startsAt || now >= challenge.endsAt) continue;
    events.forEach((event, index) => {
      const delta = progressOf[challenge.kind](event);
      if (delta <= 0) return;
      const payload: ProgressRecordPayload = { userId, delta, sourceEventId: `${userId}:${command.id}:${index}`, at: now };
      effects.push({ kind: 'send', to: `challenge/${challengeId}`, command: { type: 'challenge.progress.record', payload } });
    });
  }
  return effects;
}
