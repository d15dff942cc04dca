import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Reply, Request } from './router.js';

/**
 * The pages' Content-Security-Policy: scripts, styles and connections from this origin only
 * (WebSocket included: CSP 3's 'self' matches ws: and wss: on the same host), no eval, no inline
 * script or style, no plugins, and the pages may not be framed.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const compressible = new Set(['.html', '.js', '.css', '.map', '.json', '.svg', '.txt']);

interface StaticFile {
  body: Buffer;
  gzip?: Buffer;
  br?: Buffer;
  headers: Record<string, string>;
  etag: string;
}

/**
 * The built web pages (web/build.ts), read into memory at start and served with their content
 * types: `/` the game, `/dashboard/` the operators' dashboard, `/assets/…` the bundles. Assets
 * carry a content hash in their names and are cached for a year; the pages are revalidated on
 * every load (ETag, 304) and carry the Content-Security-Policy. Compressed once, at load, with
 * brotli and gzip, for clients that accept them.
 */
export class StaticFiles {
  private constructor(
    private readonly files: ReadonlyMap<string, StaticFile>,
    readonly root: string,
  ) {}

  /** The files under `root`, or undefined when it holds no build (the server then says so at `/`). */
  static async load(root: string): Promise<StaticFiles | undefined> {
    if (!existsSync(join(root, 'index.html'))) return undefined;
    const files = new Map<string, StaticFile>();
    for (const path of await listFiles(root)) {
      const urlPath = '/' + relative(root, path).split(sep).join('/');
      files.set(urlPath, prepare(urlPath, await readFile(path)));
    }
    return new StaticFiles(files, root);
  }

  /** The reply for a GET of `path`, or undefined when no file answers it. */
  serve(request: Pick<Request, 'path' | 'headers'>): Reply | undefined {
    const file = this.files.get(pagePath(request.path));
    if (!file) return undefined;
    if (request.headers['if-none-match'] === file.etag) return { status: 304, body: '', contentType: file.headers['content-type']!, headers: withoutType(file.headers) };
    const accepted = request.headers['accept-encoding'] ?? '';
    const [body, encoding] =
      file.br && /\bbr\b/.test(accepted) ? [file.br, 'br'] : file.gzip && /\bgzip\b/.test(accepted) ? [file.gzip, 'gzip'] : [file.body, undefined];
    const headers = withoutType(file.headers);
    if (encoding) headers['content-encoding'] = encoding;
    return { status: 200, body, contentType: file.headers['content-type']!, headers };
  }
}

/** Where `npm run build` puts the pages: dist/web beside the package.json of this server. */
export function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web');
}

/** `/` and `/dashboard` are their folders' index.html; everything else is a file's own path. */
function pagePath(path: string): string {
  if (path === '/' || path === '/index.html') return '/index.html';
  if (path === '/dashboard' || path === '/dashboard/') return '/dashboard/index.html';
  return path;
}

function prepare(urlPath: string, body: Buffer): StaticFile {
  const extension = extname(urlPath);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const page = extension === '.html';
  const headers: Record<string, string> = {
    'content-type': contentTypes[extension] ?? 'application/octet-stream',
    'cache-control': page ? 'no-cache' : urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
  };
  if (page) {
    headers['content-security-policy'] = contentSecurityPolicy;
    headers['referrer-policy'] = 'no-referrer';
    headers['x-frame-options'] = 'DENY';
  }
  if (!compressible.has(extension) || body.byteLength < 1024) return { body, headers, etag };
  return { body, headers, etag, gzip: gzipSync(body, { level: 9 }), br: brotliCompressSync(body) };
}

function withoutType(headers: Record<string, string>): Record<string, string> {
  const { 'content-type': _type, ...rest } = headers;
  return rest;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]))),
  );
  return nested.flat();
}
