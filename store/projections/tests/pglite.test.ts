import { openStore } from '../../open.js';
import { projectionsSuite } from './suite.js';

projectionsSuite('PGlite (embedded)', {
  open: () => openStore({ dataDir: 'memory', poolSize: 1 }),
});
