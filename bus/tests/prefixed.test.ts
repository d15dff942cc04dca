import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors.js';
import { natsUrl, needNats } from '../../test/support/services.js';
import { InProcessBus } from '../in-process.js';
import { NatsBus } from '../nats.js';
import { PrefixedBus } from '../prefixed.js';
import { busContract, collect, settle, uniquePrefix } from './contract.js';

// A deployment's share of a bus behaves as a whole bus…
busContract('in-process, prefixed', {
  async connect() {
    const bus = new PrefixedBus(new InProcessBus(), uniquePrefix());
    return { a: bus, b: bus, close: () => bus.close() };
  },
});

const nats = await needNats();
if (nats) {
  busContract('NATS, prefixed', {
    async connect() {
      const prefix = uniquePrefix();
      const [a, b] = await Promise.all([1, 2].map((n) => NatsBus.connect({ url: natsUrl, name: `bus-prefixed-${n}`, connectAttempts: 1 })));
      return { a: new PrefixedBus(a!, prefix), b: new PrefixedBus(b!, prefix), close: async () => void (await Promise.all([a!.close(), b!.close()])) };
    },
  });
}

// …and two deployments on one NATS never hear each other, though their code uses the same subjects.
describe.skipIf(!nats)('two deployments on one NATS', () => {
  it('deliver each its own messages only, under their prefix on the wire', async () => {
    const raw = await Promise.all([1, 2, 3].map((n) => NatsBus.connect({ url: natsUrl, name: `bus-deployments-${n}`, connectAttempts: 1 })));
    try {
      const [prod, staging] = [uniquePrefix(), uniquePrefix()];
      const a = new PrefixedBus(raw[0]!, prod);
      const b = new PrefixedBus(raw[1]!, staging);
      const heardByA = collect(a, 'g.evt.user.*');
      const heardByB = collect(b, 'g.evt.user.*');
      const onTheWire = collect(raw[2]!, `${prod}.g.evt.>`);
      await Promise.all(raw.map((bus) => bus.flush()));
      a.publish('g.evt.user.u1', { from: 'prod' });
      b.publish('g.evt.user.u1', { from: 'staging' });
      await settle(raw[0]!, [raw[0]!, raw[2]!]);
      await settle(raw[1]!, [raw[1]!]);
      expect(heardByA).toEqual([{ subject: 'g.evt.user.u1', message: { from: 'prod' } }]);
      expect(heardByB).toEqual([{ subject: 'g.evt.user.u1', message: { from: 'staging' } }]);
      expect(onTheWire).toEqual([{ subject: `${prod}.g.evt.user.u1`, message: { from: 'prod' } }]);
    } finally {
      await Promise.all(raw.map((bus) => bus.close()));
    }
  });

  it('refuses a prefix that is not a plain subject', () => {
    for (const prefix of ['', 'a..b', 'a.*', 'a b']) {
      expect(() => new PrefixedBus(new InProcessBus(), prefix)).toThrow(expect.objectContaining({ code: ErrorCode.BUS_SUBJECT_INVALID }));
    }
  });
});
