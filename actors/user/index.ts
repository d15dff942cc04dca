import type { ActorType } from '../runtime/types.js';
import { userClientCommands, userSystemCommands, type UserCommand } from './commands.js';
import { decide } from './decide.js';
import type { UserEvent } from './events.js';
import { evolve } from './evolve.js';
import { userView } from './view.js';
import { userMachine } from './machine.js';
import { initialUserState, type UserState } from './state.js';

/**
 * The player actor type (`user/<id>`): registration, nutrition logging, points, levels, streaks,
 * achievements, friends, and the progress its events make in the challenges it joined.
 *
 * @example
 * runtime.register(userActorType);
 * send({ to: 'user/u42', type: 'meal.log', payload: { mealId: 'm1', mealType: 'lunch', eatenAt, foods } });
 */
export const userActorType: ActorType<UserState, UserCommand, UserEvent> = {
  name: 'user',
  initialState: initialUserState,
  machine: userMachine,
  decide,
  evolve,
  clientCommands: userClientCommands,
  systemCommands: userSystemCommands,
  stateVersion: 1,
  view: (id, folded, now) => userView(id, folded.state, now),
};

export type * from './commands.js';
export type * from './events.js';
export type { DayLog, MealRecord, Streak, TrackedChallenge, UserState } from './state.js';
export type { AchievementId, Rarity } from './rules.js';
export { userClientCommands, userSystemCommands } from './commands.js';
export { PointsReason } from './events.js';
export { UserErrorCode } from './errors.js';
export { localDay } from './calendar.js';
export { levelFor, levelThreshold, userRules } from './rules.js';
export { userView, type UserView } from './view.js';
export { userPersonalData } from './personal-data.js';
