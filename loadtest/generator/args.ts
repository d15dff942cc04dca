import os from 'node:os';
import { parseArgs } from 'node:util';

/** The scenarios the generator plays; the k6 scripts of loadtest/k6 play the same ones. */
export const scenarioNames = ['player-session', 'challenge-rush', 'reconnect-storm'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface LoadOptions {
  scenario: ScenarioName;
  /** Simulated players, each on its own connection. */
  clients: number;
  /** Seconds from the first connection to the last command (ramp-up included). */
  durationS: number;
  /** Seconds over which the clients connect, evenly spread. */
  rampS: number;
  /** The server's base URL (http:// or ws://); the socket is `<url>/v1/ws`, tokens come from `<url>/v1/auth/dev-token`. */
  url: string;
  protocol: 'msgpack' | 'json';
  /** Worker processes the clients are spread over. */
  workers: number;
  /** Where the summary, the JSON result and the SVG plot go. */
  out: string;
  /** Mean pause between two commands of one player, in ms (exponentially distributed). */
  thinkMs: number;
  /** Players per challenge (challenge-rush, reconnect-storm). */
  challengeSize: number;
  /** reconnect-storm: seconds between two waves of dropped connections… */
  waveEveryS: number;
  /** …and the share of each worker's connections every wave drops. */
  waveFraction: number;
  /** A JSON file `[{"userId", "token"}…]` instead of dev tokens (servers in production mode). */
  tokensFile: string | undefined;
  /** Seconds allowed after the load for the last pushes to arrive before counting what is missing. */
  settleS: number;
  /** How long a command may wait for its answer, in ms. */
  commandTimeoutMs: number;
  /** Accept a URL that is not on this machine (the default refuses anything but loopback). */
  allowRemote: boolean;
  /** No live progress line. */
  quiet: boolean;
}

export const usage = `usage: npm run loadtest -- --scenario <name> [options]

scenarios:
  player-session    players register, set goals, log meals and water, and watch user/<id>
  challenge-rush    players join one challenge (per --challenge-size) and compete; all watch its ranking
  reconnect-storm   players of shared challenges whose connections drop in waves and resume

options:
  --clients N          simulated players, one connection each (default 20)
  --duration S         seconds of load, ramp-up included (default 30)
  --ramp S             seconds over which players connect (default: a fifth of --duration, at most 10)
  --url URL            the server (default http://127.0.0.1:8080); loopback only unless --allow-remote
  --protocol P         msgpack (default) or json
  --workers W          worker processes (default: half the cores, at least 2, at most --clients)
  --out DIR            where summary.md, result.json and plot.svg go (default bench-results/loadtest/<scenario>-<time>)
  --think-ms MS        mean pause between a player's commands (default 2000, as k6's THINK_MS)
  --challenge-size N   players per challenge, 2 to 1000 (default: 1000 for challenge-rush, 50 for reconnect-storm)
  --wave-every S       reconnect-storm: seconds between waves of drops (default: a fifth of --duration, 1 to 10)
  --wave-fraction F    reconnect-storm: share of connections dropped per wave, each with a command in flight (default 0.3)
  --tokens FILE        JSON [{"userId":"…","token":"…"}…] instead of dev tokens (at least --clients entries)
  --settle S           seconds allowed for the last pushes after the load (default 5)
  --command-timeout-ms MS   how long a command waits for its answer (default 10000)
  --allow-remote       let --url point at another machine
  --quiet              no live progress line

The run fails (exit 1) on any error, any missed or duplicated event, or when nothing completed.

Mint tokens for a server in production mode (signed with its JWT_SECRET):
  JWT_SECRET=… npm run loadtest -- tokens --count N [--prefix lt] [--ttl-s 86400] > tokens.json`;

export class ArgsError extends Error {
  override readonly name = 'ArgsError';
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True for hosts that stay on this machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(hostname: string): boolean {
  return loopbackHosts.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Reads the generator's command line. Throws ArgsError, with a message fit for the user, on
 * anything it cannot use; returns undefined for --help.
 *
 * @example
 * parseLoadArgs(['--scenario', 'challenge-rush', '--clients', '200', '--duration', '60']);
 */
export function parseLoadArgs(argv: readonly string[], cores = os.availableParallelism(), now = new Date()): LoadOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string' },
        clients: { type: 'string', default: '20' },
        duration: { type: 'string', default: '30' },
        ramp: { type: 'string' },
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        protocol: { type: 'string', default: 'msgpack' },
        workers: { type: 'string' },
        out: { type: 'string' },
        'think-ms': { type: 'string', default: '2000' },
        'challenge-size': { type: 'string' },
        'wave-every': { type: 'string' },
        'wave-fraction': { type: 'string', default: '0.3' },
        tokens: { type: 'string' },
        settle: { type: 'string', default: '5' },
        'command-timeout-ms': { type: 'string', default: '10000' },
        'allow-remote': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new ArgsError((error as Error).message);
  }
  if (values.help) return undefined;

  const scenario = values.scenario;
  if (scenario === undefined) throw new ArgsError('--scenario is required: ' + scenarioNames.join(' | '));
  if (!(scenarioNames as readonly string[]).includes(scenario)) {
    throw new ArgsError(`--scenario ${scenario}: expected ${scenarioNames.join(' | ')}`);
  }
  const name = scenario as ScenarioName;
  const clients = integer('--clients', values.clients, 1, 1_000_000);
  const durationS = number('--duration', values.duration, 1, 86_400);
  const rampS = values.ramp === undefined ? Math.min(10, durationS / 5) : number('--ramp', values.ramp, 0, durationS);
  if (values.protocol !== 'msgpack' && values.protocol !== 'json') throw new ArgsError(`--protocol ${values.protocol}: expected msgpack | json`);
  const allowRemote = values['allow-remote'];
  const url = serverUrl(values.url, allowRemote);
  const defaultWorkers = Math.min(clients, Math.max(2, Math.floor(cores / 2)));
  const workers = values.workers === undefined ? defaultWorkers : integer('--workers', values.workers, 1, Math.min(clients, 256));
  const defaultSize = name === 'challenge-rush' ? 1000 : 50;
  const challengeSize = values['challenge-size'] === undefined ? defaultSize : integer('--challenge-size', values['challenge-size'], 2, 1000);
  const waveEveryS =
    values['wave-every'] === undefined ? Math.min(10, Math.max(1, durationS / 5)) : number('--wave-every', values['wave-every'], 0.1, 86_400);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return {
    scenario: name,
    clients,
    durationS,
    rampS,
    url,
    protocol: values.protocol,
    workers,
    out: values.out ?? `bench-results/loadtest/${name}-${stamp}`,
    thinkMs: number('--think-ms', values['think-ms'], 1, 3_600_000),
    challengeSize,
    waveEveryS,
    waveFraction: number('--wave-fraction', values['wave-fraction'], 0, 1),
    tokensFile: values.tokens,
    settleS: number('--settle', values.settle, 0, 600),
    commandTimeoutMs: integer('--command-timeout-ms', values['command-timeout-ms'], 100, 600_000),
    allowRemote,
    quiet: values.quiet,
  };
}

function number(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new ArgsError(`${flag} ${raw}: expected a number from ${min} to ${max}`);
  }
  return value;
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const value = number(flag, raw, min, max);
  if (!Number.isInteger(value)) throw new ArgsError(`${flag} ${raw}: expected a whole number from ${min} to ${max}`);
  return value;
}

/** The server's base URL as http(s)://host:port, without a trailing slash. */
function serverUrl(raw: string, allowRemote: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ArgsError(`--url ${raw}: not a URL`);
  }
  const scheme = { 'http:': 'http:', 'ws:': 'http:', 'https:': 'https:', 'wss:': 'https:' }[parsed.protocol];
  if (!scheme) throw new ArgsError(`--url ${raw}: expected http://, https://, ws:// or wss://`);
  if (!allowRemote && !isLoopback(parsed.hostname)) {
    throw new ArgsError(`--url ${raw}: ${parsed.hostname} is not this machine; pass --allow-remote to load another host`);
  }
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\/v1\/ws$/, '');
  return `${scheme}//${parsed.host}${path}`;
}

/** The WebSocket endpoint of a server base URL. */
export function socketUrl(base: string): string {
  return `${base.replace(/^http/, 'ws')}/v1/ws`;
}
