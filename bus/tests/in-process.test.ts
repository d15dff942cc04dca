import { InProcessBus } from '../in-process.js';
import { busContract } from './contract.js';

// One node: both ends are the same bus.
busContract('in-process', {
  async connect() {
    const bus = new InProcessBus();
    return { a: bus, b: bus, close: () => bus.close() };
  },
});
