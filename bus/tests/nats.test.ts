import { natsUrl, needNats } from '../../test/support/services.js';
import { NatsBus } from '../nats.js';
import { busContract } from './contract.js';

// Two connections to the shared nats-server, as two nodes; unique subject prefixes keep parallel runs apart.
if (await needNats()) {
  busContract('NATS', {
    async connect() {
      const [a, b] = await Promise.all([1, 2].map((n) => NatsBus.connect({ url: natsUrl, name: `bus-contract-${n}`, connectAttempts: 1 })));
      return { a: a!, b: b!, close: async () => void (await Promise.all([a!.close(), b!.close()])) };
    },
  });
}
