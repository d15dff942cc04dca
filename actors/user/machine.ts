import { setup } from 'xstate';
import type { UserEvent } from './events.js';
import { initialUserState, type UserState } from './state.js';

/**
 * The player's lifecycle: `unregistered` until `user.registered`, then `active`. Flat and without
 * timers; its context is the actor's state (the runtime resolves it so).
 */
export const userMachine = setup({
  types: { context: {} as UserState, events: {} as UserEvent },
}).createMachine({
  id: 'user',
  context: initialUserState,
  initial: 'unregistered',
  states: {
    unregistered: { on: { 'user.registered': 'active' } },
    active: {},
  },
});

export type UserLifecycleValue = 'unregistered' | 'active';
