import { setup } from 'xstate';
import type { ChallengeEvent } from './events.js';
import { initialChallengeState, type ChallengeState } from './state.js';

/**
 * A challenge's lifecycle: uncreated → scheduled → open → running → finished | cancelled.
 * Flat and without delays (start and end are durable timers that reach decide as commands); its
 * context is the actor's state, so guards see it as it was before the event. Events a state
 * allows without leaving it target that same state, so that `can` reports them.
 */
export const challengeMachine = setup({
  types: { context: {} as ChallengeState, events: {} as ChallengeEvent },
  guards: {
    hasRoom: ({ context }) => context.participantCount < (context.definition?.maxParticipants ?? 0),
  },
}).createMachine({
  id: 'challenge',
  context: initialChallengeState,
  initial: 'uncreated',
  states: {
    uncreated: {
      on: { 'challenge.created': 'scheduled' },
    },
    scheduled: {
      on: {
        'challenge.opened': 'open',
        // A start timer that fires first (both due after an outage) starts it anyway.
        'challenge.started': 'running',
        'challenge.cancelled': 'cancelled',
      },
    },
    open: {
      on: {
        'challenge.started': 'running',
        'challenge.cancelled': 'cancelled',
        'challenge.participant.joined': { target: 'open', guard: 'hasRoom' },
        'challenge.participant.left': 'open',
        // Progress made after startsAt may arrive before the start timer fires.
        'challenge.progress.recorded': 'open',
      },
    },
    running: {
      on: {
        'challenge.participant.joined': { target: 'running', guard: 'hasRoom' },
        'challenge.participant.left': 'running',
        'challenge.progress.recorded': 'running',
        'challenge.finished': 'finished',
      },
    },
    finished: {
      on: { 'challenge.reward.granted': 'finished' },
    },
    cancelled: {},
  },
});

export type ChallengeLifecycleValue = 'uncreated' | 'scheduled' | 'open' | 'running' | 'finished' | 'cancelled';
