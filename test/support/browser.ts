import { AxeBuilder } from '@axe-core/playwright';
import type { NodeResult, Result } from 'axe-core';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildWeb } from '../../web/build.js';
import { inCi, SERVICE_SKIP_MARKER } from './services.js';

/** Debian's chromium package (`.ci/run` installs it when missing). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run: Chromium is installed. Without it they say so and are
 * skipped, except under CI=true, where a missing Chromium fails the run.
 */
export function needChromium(): boolean {
  if (existsSync(chromiumPath)) return true;
  const reason = `Chromium is not at ${chromiumPath} (apt-get install chromium)`;
  if (inCi) throw new Error(`${reason}: CI=true, so the browser tests must not be skipped`);
  console.warn(`${SERVICE_SKIP_MARKER}: ${reason}; skipping the browser tests`);
  return false;
}

/** The web pages built into a folder of the test's own; give it to a server as WEB_ROOT. */
export async function buildPages(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gamifier-web-'));
  await buildWeb({ outDir: dir });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** What a page printed as an error: console errors, uncaught exceptions, CSP violations. */
export interface PageProblems {
  readonly errors: string[];
}

/**
 * Headless Chromium as the browser tests drive it, with a fresh profile, and every page's console
 * errors and uncaught exceptions collected (a test asserts there were none).
 *
 * @example
 * const browser = await TestBrowser.launch();
 * const page = await browser.page();
 * await page.goto(server.url);
 * expect(browser.problems.errors).toEqual([]);
 */
export class TestBrowser {
  readonly problems: PageProblems = { errors: [] };

  private constructor(
    private readonly browser: Browser,
    private readonly userDataDir: string,
  ) {}

  static async launch(): Promise<TestBrowser> {
    const userDataDir = await mkdtemp(join(tmpdir(), 'gamifier-chromium-'));
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    return new TestBrowser(browser, userDataDir);
  }

  /** A page in a context of its own (its own storage: one player per page). */
  async page(options: { viewport?: { width: number; height: number } } = {}): Promise<Page> {
    const context: BrowserContext = await this.browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 860 } });
    // A page's own scripts run under its Content-Security-Policy; a violation (an eval, an inline
    // style) is reported as a console error like any other.
    await context.addInitScript(
      "document.addEventListener('securitypolicyviolation', (event) => console.error('Content-Security-Policy violation: ' + event.violatedDirective + ' ' + event.blockedURI))",
    );
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.errors.push(`${page.url()}: console: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.problems.errors.push(`${page.url()}: uncaught: ${error.message}`));
    return page;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await rm(this.userDataDir, { recursive: true, force: true });
  }
}

/** The accessibility violations axe-core finds on the page that are serious or critical. */
export async function seriousA11yViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((violation: Result) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation: Result) => ({
      id: violation.id,
      impact: violation.impact ?? '',
      help: violation.help,
      nodes: violation.nodes.map((node: NodeResult) => node.target.join(' ')),
    }));
}
