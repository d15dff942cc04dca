import { describe } from 'vitest';
import { openStore } from '../../../store/index.js';
import { dropSchema, needPostgres, postgresUrl, uniqueSchema } from '../../../test/support/services.js';
import { fencingSuite } from './fencing-suite.js';

const available = await needPostgres();

describe.skipIf(!available)('fenced background work on PostgreSQL', () => {
  // Two nodes: two pools on one schema.
  fencingSuite('PostgreSQL', async () => {
    const schema = uniqueSchema('fencing');
    const a = await openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 6, schema });
    const b = await openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 6, schema });
    return {
      a,
      b,
      async close() {
        await Promise.all([a.close(), b.close()]);
        await dropSchema(schema);
      },
    };
  });
});
