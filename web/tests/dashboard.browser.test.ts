// The operators' dashboard (/dashboard/) in headless Chromium, against a real server and against a
// cluster of three node processes: what an operator sees after entering the admin token.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holders, until } from '../../cluster/tests/cluster-support.js';
import { buildPages, needChromium, seriousA11yViolations, TestBrowser } from '../../test/support/browser.js';
import { fleetServices, HARNESS_ADMIN_TOKEN, NodeFleet } from '../../test/support/nodes.js';
import { HttpPlayer, startTestServer, type TestServer } from '../../test/support/server.js';
import { needPostgres } from '../../test/support/services.js';

const chromium = needChromium();
const postgres = chromium && (await needPostgres());
const cluster = postgres && (await fleetServices());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens the dashboard and enters `token`. */
async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/dashboard/`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Open dashboard' }).click();
}

/** Players that each register and then log water `commands - 1` times, a few per second: what the charts should show. */
async function play(url: string | ((i: number) => string), players: number, commands: number, prefix: string): Promise<number> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: players }, async (_, i) => {
      const userId = `${prefix}${i}`;
      const player = await new HttpPlayer(typeof url === 'string' ? url : url(i), userId).login();
      expect((await player.command(`user/${userId}`, 'user.register', { displayName: `Player ${i}`, timezone: 'UTC' })).status).toBe(200);
      sent++;
      for (let k = 1; k < commands; k++) {
        await sleep(150);
        expect((await player.command(`user/${userId}`, 'water.log', { ml: 250, drankAt: Date.now() })).status).toBe(200);
        sent++;
      }
    }),
  );
  return sent;
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent({ timeout: 5_000 })) ?? '').trim();

describe.skipIf(!chromium)("the operators' dashboard", () => {
  let pages: Awaited<ReturnType<typeof buildPages>>;
  let browser: TestBrowser;

  beforeAll(async () => {
    pages = await buildPages();
    browser = await TestBrowser.launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await pages?.remove();
  });

  describe.skipIf(!postgres)('on a single node', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer('postgres', { WEB_ROOT: pages.dir, NATS_URL: '', NODE_ID: 'dash-solo' });
    });
    afterAll(() => server?.close());

    it('asks for the admin token, then shows the commands sent, projection lag and the failures, and rebuilds a projection', async () => {
      const page = await browser.page();
      await signIn(page, server.url, 'not-the-admin-token');
      await expect.poll(() => text(page, '.token-error'), { timeout: 10_000 }).toContain('refused this admin token');
      // Chromium logs the one refused request (403) as a failed resource load: expected here, and only that.
      const refused = browser.problems.errors.splice(0);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toContain('status of 403');
      await signIn(page, server.url, 'dev-admin-token');
      await expect.poll(() => text(page, '.kpi-commands'), { timeout: 10_000 }).toBe('0');

      const sent = await play(server.url, 4, 6, 'dash-solo-');
      expect(sent).toBe(24);
      // Every command the players sent, as the node's metrics counted them; and a rate above zero on the chart.
      await expect.poll(() => text(page, '.kpi-commands'), { timeout: 10_000 }).toBe(String(sent));
      await expect.poll(async () => Number(await text(page, '.kpi-peak')), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(Number(await text(page, '.kpi-events'))).toBeGreaterThanOrEqual(sent);
      expect(await page.locator('.traffic canvas').count()).toBe(3);

      await expect.poll(() => page.locator('.members tbody tr').count(), { timeout: 5_000 }).toBe(1);
      expect(await text(page, '.cluster .tag')).toBe('single node, not clustered');
      expect(await text(page, '.members tbody th')).toBe('dash-solo');
      expect(await page.locator('.projections tbody tr').count()).toBeGreaterThanOrEqual(2);
      expect(await text(page, '[data-projection="leaderboard"] .lag-events')).toMatch(/^≈?\d+$/);
      expect(await text(page, '.dead-letters .empty')).toBe('No dead letters.');
      expect(await text(page, '.parked .empty')).toBe('No parked events.');

      await page.getByRole('button', { name: 'Rebuild leaderboard' }).click();
      await expect.poll(() => text(page, '.repairs .notice'), { timeout: 10_000 }).toMatch(/^Rebuild requested: leaderboard generation \d+/);

      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(browser.problems.errors).toEqual([]);
      // It would go on polling a server that is about to stop.
      await page.context().close();
    }, 60_000);
  });

  describe.skipIf(!cluster)('on a cluster of three nodes', () => {
    let fleet: NodeFleet;
    beforeAll(async () => {
      fleet = await NodeFleet.start({ nodes: 3, name: 'dash', env: { WEB_ROOT: pages.dir } });
      await until(fleet, (view) => holders(view).byNode.size === 3 && holders(view).orphaned.length === 0, { what: 'three nodes holding every shard', timeoutMs: 30_000 });
    }, 90_000);
    afterAll(() => fleet?.close(), 30_000);

    it('shows the three members, each owning shards that add up to 512, and the traffic of every node', async () => {
      const page = await browser.page({ viewport: { width: 1440, height: 1000 } });
      await signIn(page, fleet.nodes[0]!.url, HARNESS_ADMIN_TOKEN);
      await expect.poll(() => page.locator('.members tbody tr').count(), { timeout: 10_000 }).toBe(3);
      const owners = async () => {
        const counts: Record<string, number> = {};
        for (const item of await page.locator('.legend li[data-owner]').all()) counts[(await item.getAttribute('data-owner'))!] = Number(await item.locator('.owner-count').textContent());
        return counts;
      };
      await expect.poll(async () => Object.values(await owners()).filter((count) => count > 0).length, { timeout: 15_000 }).toBe(3);
      const counts = await owners();
      expect(Object.keys(counts).sort()).toEqual(['n1', 'n2', 'n3']);
      expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(512);
      expect(await page.locator('.shard-map .shard').count()).toBe(512);

      // Players on every node for several seconds: each node's figures reach the dashboard of n1 over the bus.
      const load = play((i) => fleet.nodes[i % 3]!.url, 12, 40, 'dash-fleet-');
      await expect.poll(async () => Number(await text(page, '.kpi-rate')), { timeout: 10_000 }).toBeGreaterThan(0);
      await expect.poll(() => page.locator('.per-node tbody tr').count(), { timeout: 5_000 }).toBe(3);
      await sleep(5_000);
      const dir = process.env.WRITE_SCREENSHOTS === '1' ? join(import.meta.dirname, '../../docs/screenshots') : await mkdtemp(join(tmpdir(), 'gamifier-shots-'));
      await page.screenshot({ path: join(dir, 'dashboard.png'), fullPage: true });
      const sent = await load;
      await expect.poll(async () => Number(await text(page, '.kpi-commands')), { timeout: 10_000 }).toBeGreaterThanOrEqual(sent);
      // Every node answered for its figures, and each handled some of the commands.
      for (const row of await page.locator('.per-node tbody tr').all()) expect(Number(await row.locator('td').nth(4).textContent())).toBeGreaterThan(0);

      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(browser.problems.errors).toEqual([]);
      await page.context().close();
    }, 60_000);
  });
});
