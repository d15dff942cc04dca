import { describe } from 'vitest';
import { needPostgres } from '../../../test/support/services.js';
import { sessionSuite } from './session-suite.js';

const available = await needPostgres();

describe.skipIf(!available)('PostgreSQL', () => {
  sessionSuite('postgres');
});
