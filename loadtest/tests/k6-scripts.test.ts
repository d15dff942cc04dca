import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseClientFrame } from '../../protocol/frames.js';
import { resetWorld, world, type Faults } from './k6-shim/world.js';

/**
 * k6 is not installed where the suite runs, so the scripts are checked two ways: statically (they
 * import nothing but k6's own modules and their own files), and by running them on a small shim of
 * k6 (loadtest/tests/k6-shim: k6/ws, k6/http, k6/metrics, k6/data and k6 itself, in virtual time)
 * against an in-memory server that passes every frame they send through the protocol's
 * `parseClientFrame`.
 */
const k6Dir = fileURLToPath(new URL('../k6/', import.meta.url));
const shimDir = fileURLToPath(new URL('./k6-shim/', import.meta.url));
const scripts = ['player-session.js', 'challenge-rush.js', 'reconnect-storm.js'];
const shims: Record<string, string> = { k6: 'k6.ts', 'k6/ws': 'ws.ts', 'k6/http': 'http.ts', 'k6/metrics': 'metrics.ts', 'k6/data': 'data.ts' };

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return jsFiles(file);
    return name.endsWith('.js') ? [file] : [];
  });
}

const importPattern = /\bimport\s+(?:[\w*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g;
const specifiers = (source: string) => [...source.matchAll(importPattern)].map((match) => match[1]!);

describe('the k6 scripts, statically', () => {
  it.each(jsFiles(k6Dir).map((file) => [path.relative(k6Dir, file), file]))('%s imports only k6 modules and files of loadtest/k6', (_name, file) => {
    const source = readFileSync(file, 'utf8');
    for (const specifier of specifiers(source)) {
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        expect(target.startsWith(k6Dir), `${specifier} leaves loadtest/k6`).toBe(true);
        expect(statSync(target).isFile(), `${specifier} exists`).toBe(true);
      } else {
        expect(specifier, 'a k6 module').toMatch(/^k6(\/[a-z0-9-]+)*$/);
      }
    }
    // Nothing from Node, npm or a bundler.
    expect(source).not.toMatch(/\brequire\s*\(|\bimport\s*\(|\bprocess\.|\b__dirname\b|\bBuffer\.|from ['"]node:/);
  });

  it('builds frames only in lib/frames.js, which the protocol then checks', () => {
    for (const file of jsFiles(k6Dir).filter((f) => !f.endsWith(path.join('lib', 'frames.js')))) {
      expect(readFileSync(file, 'utf8'), path.relative(k6Dir, file)).not.toMatch(/\bt\s*:\s*['"]|["']t["']\s*:/);
    }
  });
});

/** What loadtest/k6/lib/frames.js exports (plain JavaScript, outside the TypeScript project). */
interface FramesModule {
  hello(token: string): unknown;
  command(id: string, to: string, type: string, payload: unknown): unknown;
  subscribe(topic: string, fromVersion?: number): unknown;
  unsubscribe(topic: string): unknown;
  ping(n: number): unknown;
  encode(frame: unknown): string;
  registration(index: number, random: () => number): unknown;
  goals(random: () => number): unknown;
  meal(mealId: string, now: number, random: () => number): unknown;
  water(now: number, random: () => number): unknown;
  challenge(title: string, startsAt: number, endsAt: number, maxParticipants: number): unknown;
  commandId(prefix: string, seq: number, sentAtMs: number): string;
  sentAtOf(text: unknown): number | undefined;
}

describe('the frame builders of lib/frames.js', () => {
  it('make frames that parseClientFrame accepts', async () => {
    const f = (await import(pathToFileURL(path.join(k6Dir, 'lib', 'frames.js')).href)) as FramesModule;
    const now = Date.now();
    const random = Math.random;
    const to = 'user/k6-abc123-1';
    const id = f.commandId('k6.k6-abc123-1', 1, now);
    const frames = [
      f.hello('eyJhbGciOiJIUzI1NiJ9.x.y'),
      f.subscribe('user/k6-abc123-1'),
      f.subscribe('challenge/k6-abc123-c0', 12),
      f.unsubscribe('challenge/k6-abc123-c0'),
      f.ping(3),
      f.command(id, to, 'user.register', f.registration(1, random)),
      f.command(id, to, 'goal.set', f.goals(random)),
      f.command(id, to, 'meal.log', f.meal('m1', now, random)),
      f.command(id, to, 'water.log', f.water(now, random)),
      f.command(id, 'challenge/k6-abc123-c0', 'challenge.create', f.challenge('k6 rush #1', now, now + 3_600_000, 1000)),
      f.command(id, 'challenge/k6-abc123-c0', 'challenge.join', {}),
    ];
    for (const frame of frames) expect(parseClientFrame(JSON.parse(f.encode(frame))), JSON.stringify(frame)).toMatchObject({ ok: true });
    for (let i = 0; i < 200; i++) {
      expect(parseClientFrame(f.command(id, to, 'meal.log', f.meal(`m${i}`, now, random))).ok).toBe(true);
      expect(parseClientFrame(f.command(id, to, 'water.log', f.water(now, random))).ok).toBe(true);
    }
    expect(f.sentAtOf(`k6-abc123-1:${id}:0`)).toBeCloseTo(now, 3);
  });
});

const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of loadtest/k6 whose k6 imports point at the shim: one per simulated VU, so each has its own module state. */
function shimmedCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gamifier-k6-'));
  copies.push(dir);
  for (const file of jsFiles(k6Dir)) {
    const target = path.join(dir, path.relative(k6Dir, file));
    mkdirSync(path.dirname(target), { recursive: true });
    const source = readFileSync(file, 'utf8').replace(importPattern, (whole, specifier: string) => {
      if (specifier.startsWith('.')) return whole;
      const shim = shims[specifier];
      if (!shim) throw new Error(`the k6 shim has no ${specifier}: add it to loadtest/tests/k6-shim`);
      return whole.replace(`'${specifier}'`, `'${pathToFileURL(path.join(shimDir, shim)).href}'`);
    });
    writeFileSync(target, source);
  }
  return dir;
}

interface Script {
  options: { thresholds: Record<string, unknown>; scenarios: { players: { stages: unknown[] } } };
  setup?: () => unknown;
  default: (data: unknown) => void;
}

/** Runs `fn` as VU `vu`, iteration `iter`, with the clock of the shim's world. */
function asVu<T>(vu: number, iter: number, fn: () => T): T {
  const globals = globalThis as Record<string, unknown>;
  const realNow = Date.now;
  globals.__VU = vu;
  globals.__ITER = iter;
  Date.now = () => Math.floor(world().clock);
  try {
    return fn();
  } finally {
    Date.now = realNow;
  }
}

/** Runs a script as k6 would: setup once, then `iterations` iterations of each of `vus` VUs. */
async function run(script: string, env: Record<string, string>, vus: number, iterations: number): Promise<Script> {
  const globals = globalThis as Record<string, unknown>;
  // The shim plays VUs one after another in virtual time: a long hold keeps every VU's leave time ahead.
  globals.__ENV = { BASE_URL: 'http://127.0.0.1:8080', VUS: String(vus), HOLD: '10h', ...env };
  globals.open = (file: string) => readFileSync(file, 'utf8');
  const load = async () => (await import(pathToFileURL(path.join(shimmedCopy(), script)).href)) as Script;
  const setupCopy = await load();
  const data = setupCopy.setup ? JSON.parse(JSON.stringify(asVu(0, 0, () => setupCopy.setup!()) ?? null)) : undefined;
  const copies = await Promise.all(Array.from({ length: vus }, load));
  for (let iter = 0; iter < iterations; iter++) copies.forEach((copy, i) => asVu(i + 1, iter, () => copy.default(data)));
  return setupCopy;
}

const sent = (type: string) => world().frames.filter((frame) => frame.t === 'cmd' && frame.type === type).length;

describe('the k6 scripts, run on a k6 shim against an in-memory server', () => {
  afterEach(() => {
    const globals = globalThis as Record<string, unknown>;
    for (const name of ['__ENV', '__VU', '__ITER', 'open']) delete globals[name];
  });

  function expectClean() {
    const w = world();
    expect(w.refused, 'frames the protocol refused').toEqual([]);
    expect(w.upgrades.every((upgrade) => upgrade.protocol === 'gamifier.v1.json' && upgrade.url === 'ws://127.0.0.1:8080/v1/ws')).toBe(true);
    expect(w.sum('gamifier_events_missed'), 'missed events').toBe(0);
    expect(w.sum('gamifier_events_duplicated'), 'duplicated events').toBe(0);
    expect(w.values('gamifier_errors').filter((v) => v !== 0), 'errors').toEqual([]);
    expect(w.checks.filter((c) => !c.ok)).toEqual([]);
  }

  it('player-session: registers once, sets goals, logs meals and water, watches user/<id> and times ack and push', async () => {
    resetWorld();
    const script = await run('player-session.js', { SESSION_S: '60', THINK_MS: '2000' }, 3, 2);
    expectClean();
    const w = world();
    expect(sent('user.register')).toBe(3);
    expect(sent('goal.set')).toBeGreaterThanOrEqual(6);
    expect(sent('meal.log')).toBeGreaterThan(0);
    expect(sent('water.log')).toBeGreaterThan(0);
    expect(w.frames.filter((frame) => frame.t === 'ping').length).toBeGreaterThan(0);
    expect(w.values('gamifier_cmd_ack_ms').length).toBe(w.frames.filter((frame) => frame.t === 'cmd').length);
    expect(w.values('gamifier_cmd_push_ms').length).toBeGreaterThan(sent('water.log'));
    // The second session of each VU resumes its topic from the version it reached.
    expect(w.frames.filter((frame) => frame.t === 'sub' && frame.fromVersion !== undefined)).toHaveLength(3);
    expect(Object.keys(script.options.thresholds).sort()).toEqual([
      'gamifier_cmd_push_ms',
      'gamifier_errors',
      'gamifier_events_duplicated',
      'gamifier_events_missed',
    ]);
    expect(script.options.thresholds).toMatchObject({ gamifier_cmd_push_ms: ['p(99)<100'], gamifier_errors: ['rate<0.001'], gamifier_events_missed: ['count==0'] });
    expect(script.options.scenarios.players.stages).toHaveLength(3);
    expect(script.options.scenarios.players).toMatchObject({ executor: 'ramping-vus', gracefulRampDown: '30s', gracefulStop: '5s' });
  });

  it('challenge-rush: setup creates the challenge, everyone joins and watches it, every ranking update is timed', async () => {
    resetWorld();
    const script = await run('challenge-rush.js', { SESSION_S: '30', THINK_MS: '1000', CHALLENGE_SIZE: '2' }, 4, 1);
    expectClean();
    expect(sent('challenge.create')).toBe(2);
    expect(sent('challenge.join')).toBe(4);
    const watched = new Set(world().frames.flatMap((frame) => (frame.t === 'sub' && frame.topic.startsWith('challenge/') ? [frame.topic] : [])));
    expect(watched.size).toBe(2);
    expect(world().values('gamifier_ranking_push_ms').length).toBeGreaterThan(0);
    expect(script.options.thresholds).toMatchObject({ gamifier_ranking_push_ms: ['p(99)<100'] });
  });

  it('reconnect-storm: drops in waves, resumes every topic, sends unanswered commands again, and misses nothing', async () => {
    resetWorld();
    const script = await run('reconnect-storm.js', { THINK_MS: '20', WAVE_EVERY_S: '1', WAVE_FRACTION: '0.5', CHALLENGE_SIZE: '3' }, 3, 10);
    expectClean();
    const w = world();
    expect(w.sum('gamifier_resumed_subscriptions')).toBeGreaterThan(20);
    expect(w.values('gamifier_cmd_ack_ms', { resent: 'true' }).length, 'commands resent after a drop').toBeGreaterThan(0);
    // Every cut caught a command in flight: each connection but a VU's first resent one.
    expect(w.sum('gamifier_cmd_resent')).toBe(w.upgrades.length - 1 - 3);
    expect(script.options.thresholds).toMatchObject({ gamifier_cmd_resent: ['count>0'] });
    expect(script.options.thresholds).toHaveProperty(['gamifier_cmd_push_ms{resent:false}']);
    expect(script.options.thresholds).not.toHaveProperty('gamifier_cmd_push_ms');
  });

  it.each<[string, Faults, string]>([
    ['a duplicated push', { duplicateEvery: 5 }, 'gamifier_events_duplicated'],
    ['a skipped push', { gapEvery: 7 }, 'gamifier_events_missed'],
  ])('counts %s as a failure metric', async (_what, faults, metric) => {
    resetWorld(faults);
    await run('challenge-rush.js', { SESSION_S: '20', THINK_MS: '500', CHALLENGE_SIZE: '3' }, 3, 1);
    expect(world().refused).toEqual([]);
    expect(world().sum(metric)).toBeGreaterThan(0);
  });
});

/** What loadtest/k6/lib/versions.js exports. */
interface VersionsModule {
  watched(): { last: number | undefined; resyncing: boolean };
  onSnap(topic: { last: number | undefined }, version: number): void;
  onEvent(topic: { last: number | undefined }, version: number): { kind: string; missing?: number; resubscribe?: boolean };
  pushTimer(): { ackedVersion: number };
  onAck(timer: unknown, version: number, sentAt: number, delivered: number | undefined, meta?: unknown): { latency: number; meta: unknown } | undefined;
  onOwnEvent(timer: unknown, version: number, at: number): { latency: number; meta: unknown } | undefined;
  onOwnSnap(timer: unknown, version: number): void;
}

describe('the version bookkeeping of lib/versions.js', () => {
  it('applies the next version, drops a duplicate, and reports a gap once with what it skipped', async () => {
    const v = (await import(pathToFileURL(path.join(k6Dir, 'lib', 'versions.js')).href)) as VersionsModule;
    const topic = v.watched();
    expect(v.onEvent(topic, 1)).toEqual({ kind: 'early' });
    v.onSnap(topic, 4);
    expect(v.onEvent(topic, 5)).toEqual({ kind: 'apply' });
    expect(v.onEvent(topic, 5)).toEqual({ kind: 'duplicate' });
    expect(v.onEvent(topic, 3)).toEqual({ kind: 'duplicate' });
    expect(v.onEvent(topic, 8)).toEqual({ kind: 'gap', missing: 2, resubscribe: true });
    expect(v.onEvent(topic, 9)).toEqual({ kind: 'gap', missing: 0, resubscribe: false });
    expect(v.onEvent(topic, 6)).toEqual({ kind: 'apply' });
    expect(topic).toEqual({ last: 6, resyncing: false });
  });

  it('times a push whichever of the ack and the event comes first', async () => {
    const v = (await import(pathToFileURL(path.join(k6Dir, 'lib', 'versions.js')).href)) as VersionsModule;
    const timer = v.pushTimer();
    expect(v.onAck(timer, 3, 1_000, 2, 'a')).toBeUndefined();
    expect(v.onOwnEvent(timer, 3, 1_012)).toEqual({ latency: 12, meta: 'a' });
    expect(v.onOwnEvent(timer, 5, 2_007)).toBeUndefined();
    expect(v.onAck(timer, 5, 2_000, 5, 'b')).toEqual({ latency: 7, meta: 'b' });
    expect(v.onAck(timer, 5, 2_100, 5)).toBeUndefined(); // no event of its own: nothing to time
    expect(v.onAck(timer, 9, 3_000, 5)).toBeUndefined();
    v.onOwnSnap(timer, 9);
    expect(v.onOwnEvent(timer, 9, 3_050)).toBeUndefined(); // the snap covered it
    expect(timer.ackedVersion).toBe(9);
  });
});
