import { afterAll, describe } from 'vitest';
import { dropSchema, needPostgres, postgresUrl, uniqueSchema } from '../../test/support/services.js';
import { openStore } from '../../store/index.js';
import { readModelSuite } from './suite.js';

const available = await needPostgres();
const schemas: string[] = [];

describe.skipIf(!available)('PostgreSQL', () => {
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  // A schema per test: every test starts from an empty log.
  readModelSuite('PostgreSQL', {
    open() {
      const schema = uniqueSchema('game');
      schemas.push(schema);
      return openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 8, schema });
    },
  });
});
