import { afterAll, describe } from 'vitest';
import { openStore } from '../../../store/index.js';
import { dropSchema, needPostgres, postgresUrl, uniqueSchema } from '../../../test/support/services.js';
import { runtimeSuite } from './runtime-suite.js';

const available = await needPostgres();
const schema = uniqueSchema('runtime');

describe.skipIf(!available)('PostgreSQL', () => {
  afterAll(() => dropSchema(schema));
  runtimeSuite('PostgreSQL', () => openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 6, schema }));
});
