import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../server/auth.js';
import { buildPages, needChromium, seriousA11yViolations, TestBrowser } from '../../test/support/browser.js';
import { startCutProxy, type CutProxy } from '../../test/support/cut-proxy.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { needPostgres } from '../../test/support/services.js';

/**
 * The game page as two players see it: each in a browser context of their own, on a real server,
 * one of them through a proxy whose connection the test cuts and restores.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Waits are bounded: a live push shows within this, or the test fails. */
const live = { timeout: 10_000, interval: 50 };

describe.skipIf(!needChromium())('the game page', () => {
  let pages: Awaited<ReturnType<typeof buildPages>>;
  let server: TestServer;
  let proxy: CutProxy;
  let browser: TestBrowser;
  /** PostgreSQL where there is one (a server starts on it in half the time PGlite takes), else PGlite. */
  let database: 'postgres' | 'pglite';
  /** The test's pages, for a screenshot of each when it fails. */
  const opened: Page[] = [];

  beforeAll(async () => {
    pages = await buildPages();
    database = (await needPostgres()) ? 'postgres' : 'pglite';
    server = await startTestServer(database, { WEB_ROOT: pages.dir });
    proxy = await startCutProxy(server.url);
    browser = await TestBrowser.launch();
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.close();
    await pages?.remove();
  });

  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    for (const [index, page] of opened.entries()) await page.screenshot({ path: join(tmpdir(), `gamifier-game-failure-${index}.png`), fullPage: true });
  });

  it('two players race in a challenge live, and one catches up after its connection is cut and restored', async () => {
    const ada = await browser.page();
    const bob = await browser.page();
    opened.push(ada, bob);
    await ada.goto(server.url);
    await bob.goto(proxy.url);

    await bob.getByLabel('Player id').waitFor();
    expect(await seriousA11yViolations(bob), 'sign-in screen').toEqual([]);
    await signIn(ada, 'ada');
    await signIn(bob, 'bob');
    await ada.getByRole('heading', { name: 'Create your player' }).waitFor();
    expect(await seriousA11yViolations(ada), 'register screen').toEqual([]);
    await register(ada, 'Ada');
    await register(bob, 'Bob');

    // A reload keeps the player signed in (the token is in sessionStorage).
    await bob.reload();
    await bob.getByRole('heading', { name: 'Bob', level: 2 }).waitFor();

    // Ada creates a challenge (and joins it); Bob finds it among the open ones and joins.
    await ada.getByLabel('Title').fill('Lunch cup');
    await ada.getByLabel('Who wins').selectOption('points');
    await ada.getByRole('button', { name: 'Create challenge' }).click();
    await ada.getByRole('button', { name: 'Follow Lunch cup' }).waitFor(live);
    await expect.poll(async () => {
      await bob.getByRole('button', { name: 'Refresh' }).click();
      return bob.getByRole('button', { name: 'Join Lunch cup' }).count();
    }, live).toBe(1);
    await bob.getByRole('button', { name: 'Join Lunch cup' }).click();
    await bob.getByRole('button', { name: 'Follow Lunch cup' }).waitFor(live);
    await expect.poll(() => rankingScore(ada, 'bob'), live).toBe('0');
    await expect.poll(() => rankingScore(bob, 'Ada'), live).toBe('0');
    await expect.poll(() => ada.getByRole('list', { name: 'Open and running challenges' }).textContent(), live).toContain('2/10 players');

    // Both play: a meal for Ada (10 points and the first-meal achievement's 10), water for Bob (hydrated: 10).
    await logMeal(ada, 'Chicken salad');
    await ada.getByText('Achievement unlocked: First meal').waitFor(live);
    await bob.getByLabel('Amount (ml)').fill('2000');
    await bob.getByRole('button', { name: 'Log water' }).click();
    await expect.poll(() => rankingScore(bob, 'Ada'), live).toBe('20');
    await expect.poll(() => rankingScore(ada, 'Bob'), live).toBe('10');
    await expect.poll(() => ada.locator('[data-stat="points"]').textContent(), live).toBe('20');
    await expect.poll(() => bob.getByRole('list', { name: 'Unlocked achievements' }).textContent(), live).toContain('Hydrated');

    // Friends: Ada asks Bob twice (the second is refused, and says why); Bob accepts.
    await addFriend(ada, 'bob');
    await ada.getByText('Friend request sent to bob').waitFor(live);
    await addFriend(ada, 'bob');
    await ada.getByRole('alert').filter({ hasText: 'FRIEND_REQUEST_PENDING' }).waitFor(live);
    await bob.getByRole('button', { name: 'Accept ada' }).click();
    await bob.getByText('You and ada are friends').waitFor(live);

    // Bob's connection is cut: his page says it is reconnecting while Ada plays on.
    await bob.evaluate(() => ((globalThis as { notReloaded?: boolean }).notReloaded = true));
    proxy.cut();
    await bob.locator('.connection-badge').getByText('Reconnecting…').waitFor(live);
    await ada.getByLabel('Amount (ml)').fill('2000');
    await ada.getByRole('button', { name: 'Log water' }).click();
    await logMeal(ada, 'Apple');
    await expect.poll(() => rankingScore(ada, 'Ada'), live).toBe('40');
    expect(await rankingScore(bob, 'Ada'), 'a cut page cannot know').toBe('20');
    await expect.poll(() => bob.locator('.connection-badge').textContent()).toContain('Reconnecting');

    // Restored: the page reconnects by itself and catches up, without a reload.
    proxy.restore();
    await bob.locator('.connection-badge').getByText('Connected').waitFor({ timeout: 15_000 });
    // It had tried to reconnect during the cut: the proxy held that attempt until the restore.
    expect(proxy.stats.held).toBeGreaterThan(0);
    await expect.poll(() => rankingScore(bob, 'Ada'), live).toBe('40');
    await expect.poll(() => leaderboardPoints(bob, 'Ada'), live).toBe('40');
    expect(await bob.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // And plays on: Bob's meal reaches Ada's ranking and her friends' feed.
    await logMeal(bob, 'Oatmeal');
    await expect.poll(() => rankingScore(ada, 'Bob'), live).toBe('30');
    await ada.getByRole('list', { name: "Friends' activity" }).getByText(/Bob\s+logged/).waitFor(live);

    // Posts: Ada shares one and her page opens it; it reaches Bob's feed live. Bob likes it (1 like
    // on both pages) and comments on it; Ada sees the comment come in.
    await ada.getByLabel('Share with your friends').fill('Salad week, day one!');
    await ada.getByRole('button', { name: 'Post', exact: true }).click();
    await ada.getByRole('heading', { name: 'Your post', exact: true }).waitFor(live);
    const adaPost = bob.getByRole('article', { name: "Ada's post" });
    await adaPost.getByText('Salad week, day one!').waitFor(live);
    await adaPost.getByRole('button', { name: "Like Ada's post" }).click();
    await expect.poll(() => adaPost.locator('[data-stat="post-counts"]').textContent(), live).toBe('1 like · 0 comments');
    expect(await adaPost.getByRole('button', { name: "Like Ada's post" }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => ada.locator('[data-stat="post-likes"]').textContent(), live).toBe('1 like');
    await adaPost.getByRole('button', { name: "Open Ada's post" }).click();
    await bob.getByLabel('Add a comment').fill('Looks delicious');
    await bob.getByRole('button', { name: 'Comment', exact: true }).click();
    await ada.getByRole('list', { name: 'Comments' }).getByText('Looks delicious').waitFor(live);
    await expect.poll(() => adaPost.locator('[data-stat="post-counts"]').textContent(), live).toBe('1 like · 1 comment');

    expect(await seriousA11yViolations(ada), 'game screen, with her post and its comment').toEqual([]);
    expect(await seriousA11yViolations(bob), 'game screen after the reconnection, with a post he opened').toEqual([]);
    await screenshot(ada);

    // Bob deletes his comment, then Ada her post: each goes from the other's page.
    await bob.getByRole('button', { name: 'Delete your comment: Looks delicious' }).click();
    await ada.getByText('No comments yet.').waitFor(live);
    await ada.getByRole('button', { name: 'Delete post' }).click();
    await bob.getByText('This post was deleted.').waitFor(live);
    await expect.poll(() => adaPost.count(), live).toBe(0);

    // Signing out forgets the token: a reload shows the sign-in screen.
    await bob.getByRole('button', { name: 'Sign out' }).click();
    await bob.reload();
    await bob.getByLabel('Player id').waitFor(live);

    // Neither page reported an error: no console error, no uncaught exception, no CSP violation.
    expect(browser.problems.errors).toEqual([]);
  }, 90_000);

  it('on a production server, signs in with a token the player pastes, and says why a refused one ends the session', async () => {
    const secrets = {
      JWT_SECRET: 'a-production-secret-of-forty-characters!',
      ADMIN_TOKEN: 'an-admin-token-for-tests',
      DATA_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    };
    const production = await startTestServer(database, { WEB_ROOT: pages.dir, GAMIFIER_MODE: 'production', ...secrets });
    const errorsBefore = browser.problems.errors.length;
    try {
      const page = await browser.page();
      opened.push(page);
      await page.goto(production.url);
      await page.getByLabel('Player token').waitFor(live);
      expect(await page.getByLabel('Player id').count(), 'no development tokens in production').toBe(0);

      const forged = await new Auth('another-secret-of-forty-characters-long!', secrets.ADMIN_TOKEN).issue('cy', 3_600);
      await page.getByLabel('Player token').fill(forged);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'AUTH_INVALID' }).waitFor(live);
      await page.getByRole('button', { name: 'Sign in again' }).click();

      await page.getByLabel('Player token').fill(await new Auth(secrets.JWT_SECRET, secrets.ADMIN_TOKEN).issue('cy', 3_600));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Create your player' }).waitFor(live);
      expect(await page.locator('.connection-badge').textContent()).toContain('Connected');
      expect(browser.problems.errors.slice(errorsBefore)).toEqual([]);
    } finally {
      await production.close();
    }
  }, 60_000);
});

async function signIn(page: Page, userId: string): Promise<void> {
  await page.getByLabel('Player id').fill(userId);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function register(page: Page, displayName: string): Promise<void> {
  await page.getByLabel('Display name').fill(displayName);
  await page.getByRole('button', { name: 'Start playing' }).click();
  await page.getByRole('heading', { name: displayName, level: 2 }).waitFor(live);
}

/** Logs a meal of one food from the quick-add list, and waits for today's meal count to show it. */
async function logMeal(page: Page, food: string): Promise<void> {
  const meals = page.locator('[data-stat="meals"]');
  const before = Number(await meals.textContent());
  await page.getByRole('button', { name: `+ ${food}` }).click();
  await page.getByRole('button', { name: 'Log meal' }).click();
  await expect.poll(() => meals.textContent(), live).toBe(String(before + 1));
}

async function addFriend(page: Page, userId: string): Promise<void> {
  await page.getByLabel('Add a friend by player id').fill(userId);
  await page.getByRole('button', { name: 'Add friend' }).click();
}

/** A player's score in the live ranking of the followed challenge, as the page shows it. */
async function rankingScore(page: Page, player: string): Promise<string | undefined> {
  const row = page.getByRole('table', { name: 'Live ranking' }).getByRole('row').filter({ hasText: player });
  if ((await row.count()) !== 1) return undefined;
  return (await row.locator('td.score').textContent()) ?? undefined;
}

async function leaderboardPoints(page: Page, player: string): Promise<string | undefined> {
  const row = page.getByRole('table', { name: 'Global leaderboard' }).getByRole('row').filter({ hasText: player });
  if ((await row.count()) !== 1) return undefined;
  return (await row.locator('td.score').textContent()) ?? undefined;
}

/** The game mid-challenge: into docs/screenshots with WRITE_SCREENSHOTS=1, else a temporary folder. */
async function screenshot(page: Page): Promise<void> {
  const dir = process.env.WRITE_SCREENSHOTS === '1' ? join(repoRoot, 'docs', 'screenshots') : await mkdtemp(join(tmpdir(), 'gamifier-screenshots-'));
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, 'game.png'), fullPage: true });
}
