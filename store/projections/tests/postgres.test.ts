import { afterAll, describe } from 'vitest';
import { dropSchema, needPostgres, postgresUrl, uniqueSchema } from '../../../test/support/services.js';
import { openStore } from '../../open.js';
import { projectionsSuite } from './suite.js';

const available = await needPostgres();
const schemas: string[] = [];

describe.skipIf(!available)('PostgreSQL', () => {
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  // A schema per test: every test starts from an empty log.
  projectionsSuite('PostgreSQL', {
    open() {
      const schema = uniqueSchema('proj');
      schemas.push(schema);
      return openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 8, schema });
    },
  });
});
