// Finding 8 of issue 16: a second server on a port already in use started without a word (uWS
// listens with SO_REUSEPORT) and the kernel split the traffic between the two. Now it fails
// PORT_IN_USE, and the CLI exits non-zero; the first server keeps the port.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { freePort } from '../../test/support/services.js';

describe.each(['uws', 'ws'] as const)('a port already in use, over %s', (websocket) => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('stops a second server from starting with PORT_IN_USE; the first keeps serving', async () => {
    const port = String(await freePort());
    servers.push(await startTestServer('pglite', { GAMIFIER_WS: websocket, PORT: port }));
    await expect(startTestServer('pglite', { GAMIFIER_WS: websocket, PORT: port }).then((second) => servers.push(second))).rejects.toMatchObject({
      code: 'PORT_IN_USE',
    });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});

describe('gamifier start on a port in use', () => {
  let first: TestServer | undefined;
  afterAll(() => first?.close());

  it('exits non-zero naming PORT_IN_USE', async () => {
    const port = String(await freePort());
    first = await startTestServer('pglite', { PORT: port });
    const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, cli, 'start'], {
      env: { ...process.env, DATABASE_URL: '', HOST: '127.0.0.1', PORT: port, DATA_DIR: 'memory', GAMIFIER_MODE: 'development', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A server that did start (the bug) is stopped, not left behind.
    const stop = setTimeout(() => child.kill('SIGTERM'), 40_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(stop);
    expect(code).not.toBe(0);
    expect(stderr).toContain('[PORT_IN_USE]');
  }, 60_000);
});
