import { openStore } from '../../../store/index.js';
import { runtimeSuite } from './runtime-suite.js';

runtimeSuite('PGlite', () => openStore({ dataDir: 'memory', poolSize: 1 }));
