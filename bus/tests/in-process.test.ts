import { describe, expect, it } from 'vitest';
import { eventSubject } from '../bus.js';
import { InProcessBus } from '../in-process.js';

describe('in-process bus', () => {
  it('delivers to exact and wildcard subscribers in publish order, and stops after unsubscribe', () => {
    const bus = new InProcessBus();
    const exact: unknown[] = [];
    const all: string[] = [];
    const sub = bus.subscribe('g.evt.user.u1', (_s, m) => exact.push(m));
    bus.subscribe('g.evt.>', (s) => all.push(s));
    bus.publish('g.evt.user.u1', 1);
    bus.publish('g.evt.challenge.c1', 2);
    bus.publish('g.evt.user.u1', 3);
    sub.unsubscribe();
    bus.publish('g.evt.user.u1', 4);
    expect(exact).toEqual([1, 3]);
    expect(all).toEqual(['g.evt.user.u1', 'g.evt.challenge.c1', 'g.evt.user.u1', 'g.evt.user.u1']);
  });

  it('keeps delivering to the others when one handler throws', () => {
    const errors: string[] = [];
    const bus = new InProcessBus((subject) => errors.push(subject));
    const got: unknown[] = [];
    bus.subscribe('a.b', () => {
      throw new Error('boom');
    });
    bus.subscribe('a.b', (_s, m) => got.push(m));
    bus.publish('a.b', 'x');
    expect(got).toEqual(['x']);
    expect(errors).toEqual(['a.b']);
  });

  it('names event subjects after the stream, with dots in ids made safe', () => {
    expect(eventSubject('user/u42')).toBe('g.evt.user.u42');
    expect(eventSubject('challenge/spring.cup')).toBe('g.evt.challenge.spring_cup');
  });
});
