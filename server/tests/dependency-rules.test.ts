import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

/** The folders of DESIGN.md's layers; `cluster/` and `game/` may not exist on every branch yet. */
const layers = ['actors', 'bus', 'cluster', 'game', 'protocol', 'server', 'store', 'web'];
const options = (await extractDepcruiseOptions('./.dependency-cruiser.cjs')) as ICruiseOptions;

const shown = (violations: readonly IViolation[]) => violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);

/** Cruises `folders` of `baseDir` with the project's rules; the modules it could not resolve come back too. */
async function check(folders: string[], baseDir?: string) {
  const tsConfig = baseDir ? undefined : extractTSConfig('tsconfig.json');
  const cruiseOptions: ICruiseOptions = baseDir ? { ...options, baseDir, tsConfig: undefined } : options;
  const { output } = await cruise(folders, { ...cruiseOptions, validate: true }, {}, tsConfig ? { tsConfig } : {});
  if (typeof output === 'string') throw new Error('dependency-cruiser gave text, not a result');
  const unresolved = output.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve && d.dependencyTypes.includes('local')).map((d) => `${m.source} → ${d.module}`));
  return { violations: shown(output.summary.violations), unresolved, output };
}

/** A throwaway tree of `files` (path → source) and its cruise. */
async function checkTree(files: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'depcruise-'));
  try {
    for (const [path, source] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), source);
    }
    const folders = [...new Set(Object.keys(files).map((path) => path.split('/')[0]!))];
    return await check(folders, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('dependency rules (.dependency-cruiser.cjs, DESIGN.md "Layout")', () => {
  it('holds for the product: dependencies point one way, server → cluster → game → actors → store, bus', async () => {
    const { existsSync } = await import('node:fs');
    const { violations, unresolved, output } = await check(layers.filter((folder) => existsSync(folder)));
    expect(violations).toEqual([]);
    // It saw the graph: every local import resolved, and the layers' edges are there.
    expect(unresolved).toEqual([]);
    const edges = new Set(output.modules.flatMap((m) => m.dependencies.map((d) => `${m.source} → ${d.resolved}`)));
    expect(edges).toContain('server/bootstrap.ts → game/index.ts');
    expect(edges).toContain('game/read-models/index.ts → store/index.ts');
    expect([...edges].some((edge) => /^web\/(game|dashboard|shared)\/.* → protocol\//.test(edge))).toBe(true);
  }, 60_000);

  const upward: Array<[rule: string, files: Record<string, string>]> = [
    ['store-is-generic', { 'store/log.ts': "import { start } from '../server/start.js';\nexport const log = start;\n", 'server/start.ts': 'export const start = 1;\n' }],
    ['store-is-generic', { 'store/log.ts': "import { board } from '../game/board.js';\nexport const log = board;\n", 'game/board.ts': 'export const board = 1;\n' }],
    ['game-below-cluster', { 'game/board.ts': "import { start } from '../server/start.js';\nexport const board = start;\n", 'server/start.ts': 'export const start = 1;\n' }],
    ['actors-below-game', { 'actors/user/view.ts': "import { board } from '../../game/board.js';\nexport const view = board;\n", 'game/board.ts': 'export const board = 1;\n' }],
    ['runtime-knows-no-actor-type', { 'actors/runtime/host.ts': "import { view } from '../user/view.js';\nexport const host = view;\n", 'actors/user/view.ts': 'export const view = 1;\n' }],
    ['bus-is-generic', { 'bus/bus.ts': "import { log } from '../store/log.js';\nexport const bus = log;\n", 'store/log.ts': 'export const log = 1;\n' }],
    ['protocol-is-a-leaf', { 'protocol/frames.ts': "import { bus } from '../bus/bus.js';\nexport const frames = bus;\n", 'bus/bus.ts': 'export const bus = 1;\n' }],
    ['web-speaks-protocol', { 'web/game/main.tsx': "import { start } from '../../server/start.js';\nexport const main = start;\n", 'server/start.ts': 'export const start = 1;\n' }],
    ['pure-domain', { 'actors/user/decide.ts': "import { readFileSync } from 'node:fs';\nexport const decide = readFileSync;\n" }],
    ['no-circular', { 'server/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n", 'server/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n" }],
  ];

  it.each(upward)('bites: %s fails an import against the layers', async (rule, files) => {
    const { violations, unresolved } = await checkTree(files);
    expect(unresolved).toEqual([]);
    expect(violations.map((v) => v.split(':')[0])).toContain(rule);
  });

  it('lets imports point down, and lets tests reach anything', async () => {
    const { violations } = await checkTree({
      'server/start.ts': "import { board } from '../game/board.js';\nexport const start = board;\n",
      'game/board.ts': "import { log } from '../store/log.js';\nexport const board = log;\n",
      'store/log.ts': 'export const log = 1;\n',
      'store/tests/log.test.ts': "import { start } from '../../server/start.js';\nexport const probe = start;\n",
    });
    expect(violations).toEqual([]);
  });
});
