import type { ActorType } from '../runtime/types.js';
import { challengeClientCommands, challengeSystemCommands, type ChallengeCommand } from './commands.js';
import { decide } from './decide.js';
import type { ChallengeEvent } from './events.js';
import { evolve } from './evolve.js';
import { challengeView } from './view.js';
import { challengeMachine } from './machine.js';
import { initialChallengeState, type ChallengeState } from './state.js';

/**
 * The challenge actor type (`challenge/<id>`): a time-boxed competition with a live ranking,
 * durable open/start/end timers and rewards for the top three.
 *
 * @example
 * runtime.register(challengeActorType);
 * send({ to: 'challenge/c7', type: 'challenge.join', payload: {} }); // as the authenticated player
 */
export const challengeActorType: ActorType<ChallengeState, ChallengeCommand, ChallengeEvent> = {
  name: 'challenge',
  initialState: initialChallengeState,
  machine: challengeMachine,
  decide,
  evolve,
  clientCommands: challengeClientCommands,
  systemCommands: challengeSystemCommands,
  stateVersion: 1,
  view: (id, folded) => challengeView(id, folded),
};

export type * from './commands.js';
export type * from './events.js';
export type { ChallengeState, Participant } from './state.js';
export type { ChallengeKind } from './rules.js';
export { challengeClientCommands, challengeSystemCommands, TimerKey } from './commands.js';
export { ChallengeErrorCode } from './errors.js';
export { challengeRules } from './rules.js';
export { rankingOf } from './ranking.js';
export { challengeView, type ChallengeView } from './view.js';
