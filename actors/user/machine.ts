import { setup } from 'xstate';
import type { UserEvent } from './events.js';
import { initialUserState, type UserState } from './state.js';

/**
 * The player's lifecycle: `unregistered` until `user.registered`, then `active`, and `deleted`
 * (final) once `user.account.deleted`. Flat and without
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
    active: { on: { 'user.account.deleted': 'deleted' } },
    deleted: { type: 'final' },
  },
});

export type UserLifecycleValue = 'unregistered' | 'active' | 'deleted';
