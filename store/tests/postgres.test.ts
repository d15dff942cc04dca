import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors.js';
import { dropSchema, needPostgres, postgresUrl, uniqueSchema } from '../../test/support/services.js';
import { notifyChannelOf, openStore } from '../open.js';
import { connect } from '../postgres/connect.js';
import { PostgresEventStore } from '../postgres/event-store.js';
import { eventStoreContract } from './contract.js';
import { migrations } from '../migrations/index.js';
import { migrate } from '../postgres/migrate.js';
import { LOG_START, NO_STREAM, type RecordedEvent } from '../types.js';

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
                 values (${streamId}, 'slow', 1, ${eventId}, 'test.slow.committed', '{}')`;
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

  it('refuses a node a version another node has written since, though it saw the one before stored', async () => {
    const open = () => openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 4, schema });
    const [a, b] = await Promise.all([open(), open()]);
    try {
      const id = `thing/${randomUUID()}`;
      const ev = (n: number) => ({ id: randomUUID(), type: 'test.thing.happened', data: { n } });
      await a.store.append(id, NO_STREAM, [ev(1)]);
      await a.store.append(id, 1, [ev(2)]); // a has seen versions 1 and 2 stored
      await b.store.append(id, 2, [ev(3)]);
      await b.store.append(id, 3, [ev(4)]);
      // a's expectations are behind the stream: refused whole, in a batch with other appends too.
      await expect(a.store.append(id, 2, [ev(5)])).rejects.toMatchObject({ code: ErrorCode.STREAM_VERSION_CONFLICT, actual: 4 });
      const other = `thing/${randomUUID()}`;
      const [stale, fresh] = await Promise.allSettled([a.store.append(id, 1, [ev(6), ev(7)]), a.store.append(other, NO_STREAM, [ev(1)])]);
      expect(stale).toMatchObject({ status: 'rejected', reason: { code: ErrorCode.STREAM_VERSION_CONFLICT, actual: 4 } });
      expect(fresh).toMatchObject({ status: 'fulfilled', value: { version: 1 } });
      // and one ahead of what a has seen is probed, not taken on trust
      await expect(a.store.append(id, 9, [ev(8)])).rejects.toMatchObject({ code: ErrorCode.STREAM_VERSION_CONFLICT, actual: 4 });
      expect((await b.store.readStream(id)).map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4]);
      expect((await a.store.append(id, 4, [ev(5)])).version).toBe(5);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("wakes another node's tail when an append commits, without waiting for the tail's poll", async () => {
    const writer = await openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 4, schema });
    // The other node polls once a minute: within this test, only the notification can wake it.
    const sql = connect(postgresUrl, { max: 2, schema });
    const reader = await PostgresEventStore.open(sql, { notifyChannel: notifyChannelOf(schema), tail: { minPollMs: 60_000, maxPollMs: 60_000 } });
    const stop = new AbortController();
    try {
      const id = `thing/${randomUUID()}`;
      let version = 0;
      const append = () => writer.store.append(id, version === 0 ? NO_STREAM : version, [{ id: randomUUID(), type: 'test.thing.happened', data: { n: ++version } }]);
      const seen: RecordedEvent[] = [];
      const tail = reader.tail(LOG_START, { signal: stop.signal })[Symbol.asyncIterator]();
      let batch = tail.next();
      // A ring can arrive while another session's transaction (another test file's) holds the
      // event below the read horizon, and with a poll of a minute nothing but a ring reads again:
      // then one more append rings again. Without notifications no ring ever comes.
      const seenUpTo = async (wanted: number) => {
        for (let rings = 1; !seen.some((event) => event.streamId === id && event.version >= wanted); ) {
          const step = await Promise.race([batch, delay(2_000).then(() => 'late' as const)]);
          if (step === 'late') {
            if (++rings > 5) throw new Error(`the tail was not woken for ${id} v${wanted}`);
            await append();
            continue;
          }
          seen.push(...(step.value as RecordedEvent[]));
          batch = tail.next();
        }
      };
      await append();
      await seenUpTo(1);
      await delay(100); // the tail has read up to the head and sleeps
      const next = version + 1;
      await append();
      await seenUpTo(next);
      // Each event once, in order, up to the one the second ring was for (an extra one may follow).
      const versions = seen.filter((event) => event.streamId === id).map((event) => event.version);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
      expect(versions.length).toBeGreaterThanOrEqual(next);
      stop.abort();
      await tail.return?.(undefined);
    } finally {
      await reader.close();
      await sql.end();
      await writer.close();
    }
  }, 20_000);

  it('keeps every event of a log written before its data became verbatim JSON (migration 6)', async () => {
    const older = uniqueSchema('store_upgrade');
    const sql = postgres(postgresUrl, { max: 1, onnotice: () => undefined, connection: { search_path: older } });
    try {
      await sql.unsafe(`create schema ${older}`);
      await migrate(sql, migrations.filter((migration) => migration.version < 6));
      const id = `thing/${randomUUID()}`;
      await sql`insert into events (stream_id, stream_type, version, event_id, type, data, metadata)
                values (${id}, 'thing', 1, ${randomUUID()}, 'test.thing.happened', ${'{"b": [1, 2.5], "a": "é"}'}::text::jsonb, ${'{"commandId": "c1"}'}::text::jsonb)`;
      const upgraded = await openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 2, schema: older });
      try {
        // Migration 6 and those after it.
        expect(upgraded.migrations.applied.map((migration) => migration.version)).toEqual(migrations.filter((m) => m.version >= 6).map((m) => m.version));
        await upgraded.store.append(id, 1, [{ id: randomUUID(), type: 'test.thing.happened', data: { n: 2 } }]);
        const events = await upgraded.store.readStream(id);
        expect(events.map((e) => [e.version, e.data, e.metadata])).toEqual([
          [1, { a: 'é', b: [1, 2.5] }, { commandId: 'c1' }],
          [2, { n: 2 }, {}],
        ]);
      } finally {
        await upgraded.close();
      }
    } finally {
      await sql.end();
      await dropSchema(older);
    }
  });
});
