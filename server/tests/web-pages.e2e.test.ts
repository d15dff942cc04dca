import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPages } from '../../test/support/browser.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';

let server: TestServer;
let pages: Awaited<ReturnType<typeof buildPages>>;

beforeAll(async () => {
  pages = await buildPages();
  server = await startTestServer('pglite', { WEB_ROOT: pages.dir });
});
afterAll(async () => {
  await server?.close();
  await pages?.remove();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers });
const scriptOf = (html: string) => /<script type="module" src="(\/assets\/[^"]+\.js)"><\/script>/.exec(html)?.[1];

describe('the web pages, as a browser fetches them', () => {
  it('serves the game at / and the dashboard at /dashboard/ as HTML under a CSP without eval or inline code', async () => {
    for (const path of ['/', '/dashboard/', '/dashboard']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toMatch(/unsafe-(eval|inline)/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(scriptOf(await response.text())).toBeDefined();
    }
  });

  it('has every page revalidated (ETag, 304) and every hashed asset cached for a year with its content type', async () => {
    const page = await get('/');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const etag = page.headers.get('etag')!;
    expect((await get('/', { 'if-none-match': etag })).status).toBe(304);
    expect((await get('/', { 'if-none-match': '"other"' })).status).toBe(200);

    const script = scriptOf(await page.text())!;
    const asset = await get(script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // The protocol's validators run interpreted in the pages, and msgpackr comes without its
    // generated readers: nothing in any bundle generates code.
    const scripts = (await readdir(join(pages.dir, 'assets'))).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const name of scripts) expect(await (await get(`/assets/${name}`)).text(), name).not.toMatch(/new Function|\beval\(/);
  });

  it('sends brotli or gzip to clients that accept them, the same bytes once decoded', async () => {
    // The largest bundle: files under 1 KiB are sent as they are.
    const assets = await readdir(join(pages.dir, 'assets'), { withFileTypes: true });
    const sizes = await Promise.all(assets.filter((file) => file.name.endsWith('.js')).map(async (file) => [file.name, (await stat(join(pages.dir, 'assets', file.name))).size] as const));
    const script = '/assets/' + sizes.sort((a, b) => b[1] - a[1])[0]![0];
    const plain = Buffer.from(await (await get(script, { 'accept-encoding': 'identity' })).arrayBuffer());
    // fetch decodes what it asked for itself; node:http shows the bytes as they travel.
    const { request } = await import('node:http');
    const raw = (encoding: string) =>
      new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        request(server.url + script, { headers: { 'accept-encoding': encoding } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
    const br = await raw('gzip, deflate, br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain)).toBe(true);
    expect(br.body.byteLength).toBeLessThan(plain.byteLength);
    const gzip = await raw('gzip');
    expect(gzip.encoding).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain)).toBe(true);
  });

  it('answers a missing file with ROUTE_NOT_FOUND and leaves the API as it was', async () => {
    const missing = await get('/assets/nothing-here.js');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
    expect((await get('/healthz')).status).toBe(200);
    expect((await fetch(server.url + '/', { method: 'POST' })).status).toBe(404);
  });
});
