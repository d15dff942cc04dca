import { sessionSuite } from './session-suite.js';

sessionSuite('pglite');
