import { describe } from 'vitest';
import { openStore } from '../../../store/index.js';
import { fencingSuite } from './fencing-suite.js';

describe('fenced background work on PGlite', () => {
  // One embedded database, one connection: both nodes share it.
  fencingSuite('PGlite', async () => {
    const opened = await openStore({ dataDir: 'memory', poolSize: 1 });
    return { a: opened, b: opened, close: () => opened.close() };
  });
});
