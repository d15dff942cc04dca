import { describe, it } from 'vitest';
import { command, spec } from '../spec.js';
import { counterType, type CounterCommand, type CounterEvent } from './counter.js';

const counter = spec(counterType());
const added = (n: number): CounterEvent => ({ type: 'counter.added', data: { n } });

describe('counter (the runtime test actor)', () => {
  it('adds a positive amount', () => {
    counter.given([added(2)]).when(command<CounterCommand>('counter.add', { n: 3 })).then([added(3)]);
  });

  it('refuses a non-positive amount', () => {
    counter.given().when(command<CounterCommand>('counter.add', { n: 0 })).thenRejected('COUNTER_AMOUNT_INVALID');
  });

  it('refuses to pass its limit, through the lifecycle guard', () => {
    counter.given([added(999)]).when(command<CounterCommand>('counter.add', { n: 2 })).thenRejected('COUNTER_LIMIT');
    counter.given([added(999)]).when(command<CounterCommand>('counter.add', { n: 1 })).then([added(1)]);
  });

  it('schedules its closing as a durable timer', () => {
    counter
      .given()
      .when(command<CounterCommand>('counter.close-at', { at: 5_000 }))
      .then([{ type: 'counter.close.scheduled', data: { at: 5_000 } }], [
        { kind: 'schedule', key: 'close', at: 5_000, command: { type: 'counter.close', payload: {} } },
      ]);
  });

  it('closes once: a timer firing twice changes nothing the second time', () => {
    const closed: CounterEvent = { type: 'counter.closed', data: {} };
    counter.given().when(command<CounterCommand>('counter.close', {}, { origin: 'timer' })).then([closed]);
    counter.given([closed]).when(command<CounterCommand>('counter.close', {}, { origin: 'timer' })).then([]);
  });

  it('refuses additions once closed', () => {
    counter.given([{ type: 'counter.closed', data: {} }]).when(command<CounterCommand>('counter.add', { n: 1 })).thenRejected('COUNTER_CLOSED');
  });

  it('forwards an amount to another counter as an actor-to-actor command', () => {
    counter
      .given()
      .when(command<CounterCommand>('counter.forward', { to: 'counter/b', n: 4 }, { id: 'f1' }))
      .then([{ type: 'counter.forwarded', data: { to: 'counter/b', n: 4 } }], [
        { kind: 'send', to: 'counter/b', command: { type: 'counter.receive', payload: { n: 4, from: 'f1' } } },
      ]);
  });
});
