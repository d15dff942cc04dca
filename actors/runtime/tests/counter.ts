import { setup } from 'xstate';
import { accept, reject, type ActorType, type Command, type DomainEvent } from '../types.js';

/**
 * A small actor type that exercises the runtime: a guarded lifecycle (open → closed), a limit
 * (domain rejections), a durable timer (close at a time), an actor-to-actor command (forward),
 * and, for supervision tests, a crash plan: command ids whose decide throws a given number of times.
 */
export interface CounterState {
  count: number;
  limit: number;
  closeAt: number | null;
}

export type CounterCommand =
  | Command<'counter.add', { n: number }>
  | Command<'counter.close-at', { at: number }>
  | Command<'counter.forward', { to: string; n: number }>
  | Command<'counter.close', Record<string, never>>
  | Command<'counter.receive', { n: number; from: string }>;

export type CounterEvent =
  | DomainEvent<'counter.added', { n: number }>
  | DomainEvent<'counter.close.scheduled', { at: number }>
  | DomainEvent<'counter.forwarded', { to: string; n: number }>
  | DomainEvent<'counter.closed', Record<string, never>>
  | DomainEvent<'counter.received', { n: number; from: string }>;

export const counterMachine = setup({
  types: { context: {} as CounterState, events: {} as CounterEvent },
  guards: {
    withinLimit: ({ context, event }) =>
      event.type !== 'counter.added' || context.count + event.data.n <= context.limit,
  },
}).createMachine({
  id: 'counter',
  context: { count: 0, limit: 1_000, closeAt: null },
  initial: 'open',
  states: {
    open: {
      on: {
        'counter.added': { guard: 'withinLimit' },
        'counter.received': {},
        'counter.closed': { target: 'closed' },
      },
    },
    closed: { type: 'final' },
  },
});

export function counterType(crashPlan: Map<string, number> = new Map()): ActorType<CounterState, CounterCommand, CounterEvent> {
  return {
    name: 'counter',
    initialState: { count: 0, limit: 1_000, closeAt: null },
    machine: counterMachine,
    clientCommands: ['counter.add', 'counter.close-at', 'counter.forward'],
    systemCommands: ['counter.close', 'counter.receive'],
    snapshotEvery: 5,
    decide(state, command, lifecycle) {
      const crashes = crashPlan.get(command.id) ?? 0;
      if (crashes > 0) {
        crashPlan.set(command.id, crashes - 1);
        throw new Error(`planned crash of ${command.id}`);
      }
      switch (command.type) {
        case 'counter.add': {
          const event: CounterEvent = { type: 'counter.added', data: { n: command.payload.n } };
          if (!(command.payload.n > 0)) return reject('COUNTER_AMOUNT_INVALID', 'add a positive amount');
          if (lifecycle.value === 'closed') return reject('COUNTER_CLOSED', 'the counter is closed');
          if (!lifecycle.can(event)) return reject('COUNTER_LIMIT', `the limit is ${state.limit}`);
          return accept([event]);
        }
        case 'counter.close-at':
          return accept([{ type: 'counter.close.scheduled', data: { at: command.payload.at } }], [
            { kind: 'schedule', key: 'close', at: command.payload.at, command: { type: 'counter.close', payload: {} } },
          ]);
        case 'counter.close':
          return lifecycle.value === 'closed' ? accept([]) : accept([{ type: 'counter.closed', data: {} }]);
        case 'counter.forward':
          return accept([{ type: 'counter.forwarded', data: command.payload }], [
            { kind: 'send', to: command.payload.to, command: { type: 'counter.receive', payload: { n: command.payload.n, from: command.id } } },
          ]);
        case 'counter.receive':
          return accept([{ type: 'counter.received', data: command.payload }]);
      }
    },
    evolve(state, event) {
      switch (event.type) {
        case 'counter.added':
        case 'counter.received':
          return { ...state, count: state.count + event.data.n };
        case 'counter.close.scheduled':
          return { ...state, closeAt: event.data.at };
        case 'counter.forwarded':
        case 'counter.closed':
          return state;
      }
    },
  };
}
