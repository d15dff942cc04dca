import { openStore } from '../../store/index.js';
import { readModelSuite } from './suite.js';

readModelSuite('PGlite (embedded)', {
  open: () => openStore({ dataDir: 'memory', poolSize: 1 }),
});
