import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startServer } from '../bootstrap.js';
import { loadConfig } from '../config.js';

const secrets = {
  JWT_SECRET: 'a-production-secret-of-forty-characters!!',
  ADMIN_TOKEN: 'production-admin-token-0123',
  DATA_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

/** A server on the embedded database whose log lines are kept, as `gamifier start` would run it. */
async function serverWithLog(env: Record<string, string>) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory', ...env });
  const server = await startServer(config, pino({ level: 'info' }, sink));
  return { server, url: `http://127.0.0.1:${server.port}`, log: () => lines.join('') };
}

describe('the mode', () => {
  it('is production unless development is asked for, whatever the database', () => {
    const embedded = loadConfig({ ...secrets, NODE_ENV: 'production' });
    expect(embedded.mode).toBe('production');
    expect(embedded.host).toBe('0.0.0.0');
    expect(() => loadConfig({})).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('JWT_SECRET') }));
    expect(loadConfig({ GAMIFIER_MODE: 'development' }).mode).toBe('development');
  });

  it("is development for npm start's quick start only on the embedded database and only when unset", () => {
    const quickStart = loadConfig({}, { developmentWhenEmbedded: true });
    expect(quickStart).toMatchObject({ mode: 'development', defaultSecrets: true, host: '127.0.0.1' });
    expect(loadConfig({ ...secrets, DATABASE_URL: 'postgres://db/x' }, { developmentWhenEmbedded: true }).mode).toBe('production');
    expect(loadConfig({ ...secrets, GAMIFIER_MODE: 'production' }, { developmentWhenEmbedded: true }).mode).toBe('production');
    expect(loadConfig({ HOST: '0.0.0.0' }, { developmentWhenEmbedded: true }).host).toBe('0.0.0.0');
  });

  it('in production, on the embedded database, mints no dev token and logs no secret', async () => {
    const { server, url, log } = await serverWithLog({ ...secrets, NODE_ENV: 'production' });
    try {
      const minted = await fetch(`${url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId: 'mallory' }) });
      expect(minted.status).toBe(404);
      expect(log()).not.toContain(secrets.ADMIN_TOKEN);
      expect(log()).not.toContain(secrets.JWT_SECRET);
      expect(log()).not.toContain(secrets.DATA_KEYS.slice(3));
      expect(log()).not.toContain('development mode');
    } finally {
      await server.stop();
    }
  });

  it('in development with configured secrets, says so truthfully and never logs them', async () => {
    const { server, url, log } = await serverWithLog({ ...secrets, GAMIFIER_MODE: 'development' });
    try {
      const minted = await fetch(`${url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId: 'ada' }) });
      expect(minted.status).toBe(200);
      expect(log()).toContain('the configured secrets are in use');
      expect(log()).not.toContain(secrets.ADMIN_TOKEN);
      expect(log()).not.toContain('dev-admin-token');
    } finally {
      await server.stop();
    }
  });
});
