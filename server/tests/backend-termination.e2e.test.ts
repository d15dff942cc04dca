import { setTimeout as delay } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WaterLoad } from '../../test/support/load.js';
import { expectFailedFast, expectLoggedOnce, readiness } from '../../test/support/outage.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres, postgresUrl, uniqueSchema } from '../../test/support/services.js';

const available = await needPostgres();

/**
 * Findings 10 and B of issue 16: every backend of a server under load terminated, again and
 * again. The server has a database of its own on the shared cluster, and only that database's
 * backends are terminated.
 */
describe.skipIf(!available)("a server's database backends terminated under load (PostgreSQL)", () => {
  const database = uniqueSchema('e2e_term');
  const databaseUrl = Object.assign(new URL(postgresUrl), { pathname: `/${database}` }).toString();
  let admin: postgres.Sql;
  let running: TestServer | undefined;
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    process.on('uncaughtException', record);
    admin = postgres(postgresUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database ${database}`);
    running = await startTestServer('postgres', { DATABASE_URL: databaseUrl });
  });
  afterAll(async () => {
    process.off('uncaughtException', record);
    await running?.close();
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  const terminateAll = () =>
    admin<{ pid: number }[]>`
      select pid from pg_stat_activity, pg_terminate_backend(pid)
      where datname = ${database} and pid <> pg_backend_pid()`;

  it('never ends the process, answers every command, and logs each acknowledged one exactly once', async () => {
    const url = running!.url;
    const load = await WaterLoad.start(url, 30, 'term-');
    try {
      for (let round = 1; round <= 8; round++) {
        await delay(400);
        const before = load.acknowledged().length;
        const terminated = await terminateAll();
        expect(terminated.length).toBeGreaterThan(0);
        for (let i = 0; i < 3; i++) {
          const ready = await readiness(url);
          expect([200, 503]).toContain(ready.status);
          expect(ready.ms).toBeLessThan(1_000);
        }
        await eventually(async () => (load.acknowledged().length > before + 20 ? true : undefined), 30_000, 'commands acknowledged again');
      }
    } finally {
      await load.stop();
    }
    expect(uncaught).toEqual([]);
    expectFailedFast(load.answers, 6_000);
    await expectLoggedOnce(databaseUrl, running!.schema, load.acknowledged());
    expect((await readiness(url)).status).toBe(200);
  }, 180_000);
});
