import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { parseLoadArgs, scenarioNames } from '../generator/args.js';
import { runLoad, verdict } from '../generator/run.js';
import { StandIn } from './stand-in.js';
import { descendants, parseXml } from './xml.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const made: string[] = [];
const outDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gamifier-loadtest-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** `npm run loadtest -- …`, as a process: its exit code and output. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, 'loadtest/generator/main.ts', ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The generator end to end — worker processes, real sockets, the SDK — against a stand-in server
 * (the protocol's FakeServer taught the scenarios' commands, loadtest/tests/stand-in.ts). It is
 * not the game server: it checks the generator, not Gamifier.
 */
describe('the load generator against a stand-in server', () => {
  let standIn: StandIn | undefined;
  afterEach(async () => {
    await standIn?.stop();
    standIn = undefined;
  });

  it('runs a session load, passes, and writes the summary, the JSON result and the plot', async () => {
    standIn = await StandIn.start();
    const out = outDir();
    const tokens = await standIn.tokensFile(20, outDir());
    const run = await cli(['--scenario', 'player-session', '--clients', '20', '--duration', '3', '--url', standIn.url, '--tokens', tokens, '--settle', '1', '--out', out]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('**PASS**');
    expect(run.stderr).toMatch(/connected \d+\/20 \| cmd\/s \d+/);
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result).toMatchObject({ ok: true, failures: [], totals: { errors: 0, missed: 0, duplicated: 0, gaps: 0, connects: 20 } });
    expect(result.totals.acked).toBeGreaterThanOrEqual(40); // register and goals at least
    expect(result.latencyMs.push.count).toBeGreaterThan(0);
    expect(result.seconds.length).toBeGreaterThanOrEqual(3);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('| command → ack');
    const svg = parseXml(readFileSync(path.join(out, 'plot.svg'), 'utf8'));
    const series = descendants(svg).flatMap((element) => (element.name === 'path' ? [element.attributes['data-series']] : []));
    expect(series).toEqual(['commands-per-s', 'pushes-per-s', 'ack-p50', 'ack-p99', 'push-p50', 'push-p99']);
  }, 60_000);

  it('fails (exit 1) when the server pushes an event twice', async () => {
    standIn = await StandIn.start({ duplicateEvery: 5 });
    const tokens = await standIn.tokensFile(20, outDir());
    const run = await cli(['--scenario', 'challenge-rush', '--clients', '20', '--duration', '3', '--url', standIn.url, '--tokens', tokens, '--settle', '1', '--out', outDir(), '--quiet']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/\*\*FAIL\*\*: \d+ event\(s\) delivered twice/);
  }, 60_000);

  it('storms: drops connections in waves, and every player resumes without a missed or doubled event', async () => {
    standIn = await StandIn.start();
    const tokens = await standIn.tokensFile(20, outDir());
    const options = parseLoadArgs(['--scenario', 'reconnect-storm', '--clients', '20', '--duration', '3', '--url', standIn.url, '--tokens', tokens])!;
    const result = await runLoad({ ...options, settleS: 2, thinkMs: 300, waveEveryS: 0.5, waveFraction: 0.5 });
    expect(verdict(result)).toEqual([]);
    expect(result.timeline.totals.drops).toBeGreaterThan(10);
    expect(result.timeline.totals.connects).toBe(20 + result.timeline.totals.drops);
    expect(result.timeline.latency.ranking.count).toBeGreaterThan(0);
    expect(result.challenges).toEqual([expect.objectContaining({ watchers: 20, behind: 0, missed: 0 })]);
  }, 60_000);
});

/**
 * The same against the real server, started in-process on PGlite — once the WebSocket gateway is
 * wired into the server (server/gateway, mounted by server/bootstrap.ts). Until then this suite
 * says so and does not run.
 */
const gatewayWired =
  existsSync(path.join(root, 'server', 'gateway')) && /gateway/i.test(readFileSync(path.join(root, 'server', 'bootstrap.ts'), 'utf8'));
if (!gatewayWired) console.warn('NOT RUN: the load generator against the real server — server/gateway is not wired into server/bootstrap.ts yet');

describe.skipIf(!gatewayWired)('the load generator against the real server (PGlite, in-process)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(() => server?.close());

  it.each(scenarioNames)('%s: 20 clients for 3 s, no error, nothing missed or doubled', async (scenario) => {
    const options = parseLoadArgs(['--scenario', scenario, '--clients', '20', '--duration', '3', '--url', server.url, '--settle', '3', '--quiet'])!;
    const result = await runLoad(options);
    expect(verdict(result), JSON.stringify(result.errors)).toEqual([]);
    expect(result.timeline.totals.acked).toBeGreaterThanOrEqual(40);
    expect(result.timeline.latency.push.count).toBeGreaterThan(0);
    if (scenario !== 'player-session') expect(result.timeline.latency.ranking.count).toBeGreaterThan(0);
    if (scenario === 'reconnect-storm') expect(result.timeline.totals.drops).toBeGreaterThan(0);
  }, 90_000);

  it('reconnect-storm at 300 clients: commands caught in flight by a drop are sent again, each applied once, and no event is missed or doubled', async () => {
    const options = parseLoadArgs([
      ...['--scenario', 'reconnect-storm', '--clients', '300', '--duration', '25', '--ramp', '10', '--url', server.url],
      ...['--wave-every', '3', '--wave-fraction', '0.3', '--settle', '5', '--quiet'],
      // One in-process server on PGlite shares two cores with the generator: gentler than the
      // defaults (one command every 2 s a player, 25 players a challenge), and room to answer.
      ...['--think-ms', '2000', '--challenge-size', '25', '--command-timeout-ms', '30000'],
    ])!;
    const result = await runLoad(options);
    const { totals } = result.timeline;
    console.info(
      `reconnect-storm, 300 clients, 25 s: ${totals.acked} acked, ${totals.drops} drops, ${totals.resent} resent in flight ` +
        `(${totals.resentApplied} applied before the drop), missed ${result.totals.missed}, doubled ${result.totals.duplicated}, ` +
        `gaps ${result.totals.gaps}, resumed by snap ${result.totals.resnaps}`,
    );
    expect(verdict(result), JSON.stringify(result.errors)).toEqual([]);
    expect(result.totals).toMatchObject({ missed: 0, duplicated: 0, gaps: 0, errors: 0 });
    expect(totals.drops).toBeGreaterThanOrEqual(300);
    expect(totals.resent).toBeGreaterThan(0);
    expect(result.challenges.every((challenge) => challenge.behind === 0)).toBe(true);

    // Applied once: no command id logged a meal or a glass of water twice in any player's stream.
    const doubled: string[] = [];
    for (let index = 0; index < 300; index++) {
      const response = await fetch(`${server.url}/v1/admin/streams/user/lt${result.runTag}-${index}/events?limit=10000`, {
        headers: { authorization: 'Bearer dev-admin-token' },
      });
      const { events } = (await response.json()) as { events: Array<{ type: string; metadata: { commandId?: string } }> };
      const seen = new Set<string>();
      for (const event of events) {
        if (event.type !== 'nutrition.meal.logged' && event.type !== 'nutrition.water.logged') continue;
        const key = `${event.metadata.commandId}:${event.type}`;
        if (seen.has(key)) doubled.push(key);
        seen.add(key);
      }
    }
    expect(doubled).toEqual([]);
  }, 90_000);
});
