/**
 * Builds the browser pages into static files the server serves (server/http/static-files.ts):
 * `<out>/index.html` (the game), `<out>/dashboard/index.html` (the operators' dashboard) and
 * `<out>/assets/*` with content hashes in their names, so that they can be cached for good.
 *
 * `npm run build` runs it (into dist/web); tests call `buildWeb` into a folder of their own.
 *
 * @example
 * await buildWeb({ outDir: 'dist/web' });
 */
import { build, type Plugin } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = dirname(fileURLToPath(import.meta.url));

/** The pages: an entry module, a title, and where its HTML (page.html filled in) goes in the output. */
export const pages = [
  { name: 'game', entry: 'game/main.tsx', title: 'Gamifier', out: 'index.html' },
  { name: 'dashboard', entry: 'dashboard/main.tsx', title: "Gamifier — operators' dashboard", out: 'dashboard/index.html' },
] as const;

export interface BuildOptions {
  outDir: string;
  /** Minified (the default) or readable, for debugging. */
  minify?: boolean;
}

/**
 * The protocol's validators compile TypeBox schemas with `new Function`, which a page under a
 * Content-Security-Policy without 'unsafe-eval' may not do: the bundle takes the interpreted check.
 */
const interpretedSchemaCheck: Plugin = {
  name: 'interpreted-schema-check',
  setup(bundle) {
    bundle.onResolve({ filter: /\/schema-check\.js$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.replace(/schema-check\.js$/, 'schema-check.interpreted.ts')),
    }));
  },
};

export async function buildWeb(options: BuildOptions): Promise<{ files: string[] }> {
  const outDir = resolve(options.outDir);
  await rm(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: webDir,
    entryPoints: Object.fromEntries(pages.map((page) => [page.name, join(webDir, page.entry)])),
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'silent',
    plugins: [interpretedSchemaCheck],
    // msgpackr's build without its generated record readers (`new Function`): the protocol turns
    // records off, so the pages lose nothing, and nothing in the bundle can evaluate code.
    alias: { msgpackr: 'msgpackr/index-no-eval' },
  });
  const outputs = Object.entries(result.metafile.outputs);
  const template = await readFile(join(webDir, 'page.html'), 'utf8');
  for (const page of pages) {
    const entry = join(webDir, page.entry);
    const script = outputs.find(([, output]) => output.entryPoint && resolve(webDir, output.entryPoint) === entry);
    if (!script) throw new Error(`web build: no output for ${page.entry}`);
    const [scriptPath, output] = script;
    const assets = (path: string) => '/assets/' + basename(path);
    const html = template
      .replace('<!-- title -->', page.title)
      .replace('<!-- styles -->', output.cssBundle ? `<link rel="stylesheet" href="${assets(output.cssBundle)}">` : '')
      .replace('<!-- script -->', `<script type="module" src="${assets(scriptPath)}"></script>`);
    const target = join(outDir, page.out);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, html);
  }
  const files = [...outputs.map(([path]) => resolve(webDir, path)), ...pages.map((page) => join(outDir, page.out))];
  return { files: files.map((file) => relative(outDir, file)).sort() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? join(webDir, '..', 'dist', 'web');
  const { files } = await buildWeb({ outDir });
  console.log(`web: ${files.length} files in ${relative(process.cwd(), outDir) || '.'}`);
}
