import postgres from 'postgres';
import { afterAll } from 'vitest';
import { describe } from 'vitest';
import { dropSchema, needPostgres, postgresUrl, uniqueSchema } from '../../test/support/services.js';
import { openStore } from '../open.js';
import { eventStoreContract } from './contract.js';

const available = await needPostgres();
const schema = uniqueSchema('store');

describe.skipIf(!available)('PostgreSQL', () => {
  afterAll(() => dropSchema(schema));

  eventStoreContract('PostgreSQL', {
    open: (upcasters) => openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 8, schema, upcasters }),
    async holdOpenTransaction(streamId, eventId) {
      const sql = postgres(postgresUrl, { max: 1, onnotice: () => undefined, connection: { search_path: schema } });
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedPromise = new Promise<void>((resolve) => (inserted = resolve));
      const transaction = sql.begin(async (tx) => {
        await tx`insert into events (stream_id, stream_type, version, event_id, type, data)
                 values (${streamId}, 'slow', 1, ${eventId}, 'test.slow.committed', '{}'::jsonb)`;
        inserted();
        await released;
      });
      await insertedPromise;
      return {
        async commit() {
          release();
          await transaction;
          await sql.end();
        },
      };
    },
  });
});
