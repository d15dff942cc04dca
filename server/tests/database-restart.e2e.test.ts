import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { OwnCluster } from '../../test/support/cluster.js';
import { WaterLoad } from '../../test/support/load.js';
import { expectFailedFast, expectLoggedOnce, readiness } from '../../test/support/outage.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually } from '../../test/support/services.js';

const cluster = await OwnCluster.create();

/**
 * Findings 11 and B of issue 16, on a PostgreSQL cluster of the test's own: a node started before
 * its database waits for it, and a node under load whose database stops and restarts fails
 * commands fast, says so on /readyz at once, and serves again by itself.
 */
describe.skipIf(!cluster)('PostgreSQL stopping and restarting under a server (own cluster)', () => {
  let running: TestServer | undefined;
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', record);

  afterAll(async () => {
    process.off('uncaughtException', record);
    await running?.close();
    cluster?.remove();
  });

  it('waits for a database that is not up yet: alive but not ready, then serves without a restart', async () => {
    let port: number | undefined;
    const starting = startTestServer('postgres', { DATABASE_URL: cluster!.url }, { onWaiting: (p) => (port = p) });
    const waitingOn = await eventually(async () => port, 20_000, 'the node to listen while waiting');
    const url = `http://127.0.0.1:${waitingOn}`;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'starting' });
    const ready = await readiness(url);
    expect(ready).toMatchObject({ status: 503, body: { status: 'starting', reason: 'STORE_UNAVAILABLE' } });
    expect(ready.ms).toBeLessThan(1_000);
    const command = await fetch(`${url}/v1/commands`, { method: 'POST', body: '{}' });
    expect(command.status).toBe(503);
    expect(await command.json()).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });

    cluster!.start();
    running = await starting;
    expect(running.url).toBe(url);
    expect((await readiness(url)).status).toBe(200);
  });

  it('fails commands fast while PostgreSQL is down, is not ready at once, and serves again by itself', async () => {
    const url = running!.url;
    const load = await WaterLoad.start(url, 30, 'restart-');
    try {
      for (let round = 1; round <= 3; round++) {
        await delay(1_000);
        const before = load.acknowledged().length;
        cluster!.stop();
        // The probe notices within its interval; from then on /readyz answers 503 at once.
        await eventually(async () => ((await readiness(url)).status === 503 ? true : undefined), 5_000, '/readyz to say unavailable');
        for (let i = 0; i < 5; i++) {
          const ready = await readiness(url);
          expect(ready).toMatchObject({ status: 503, body: { status: 'unavailable', reason: 'STORE_UNAVAILABLE' } });
          expect(JSON.stringify(ready.body)).not.toMatch(/connect|ECONN|refused|terminat/i);
          expect(ready.ms).toBeLessThan(1_000);
          await delay(300);
        }
        cluster!.start();
        await eventually(async () => ((await readiness(url)).status === 200 ? true : undefined), 30_000, '/readyz to say ready again');
        await eventually(async () => (load.acknowledged().length > before + 30 ? true : undefined), 30_000, 'commands acknowledged again');
      }
    } finally {
      await load.stop();
    }
    expect(uncaught).toEqual([]);
    expect(load.answers.filter((answer) => answer.status === 503).length).toBeGreaterThan(0);
    expectFailedFast(load.answers, 6_000);
    await expectLoggedOnce(cluster!.url, running!.schema, load.acknowledged());
  }, 180_000);
});
