import WebSocket from 'ws';
import { connect, type GamifierClient } from '../../protocol/client/index.js';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer, type StartOptions } from '../../server/bootstrap.js';
import { createLogger } from '../../server/log.js';
import { dropSchema, postgresUrl, uniqueSchema } from './services.js';

export interface TestServer {
  readonly url: string;
  readonly server: RunningServer;
  /** The PostgreSQL schema its tables live in. */
  readonly schema: string | undefined;
  /** Stops the server (and drops its schema on PostgreSQL). */
  close(): Promise<void>;
}

/**
 * A real server on a free port, as `gamifier start` would run it: on PostgreSQL in a schema of its
 * own, or on PGlite in memory; on NATS when NATS_URL is set in the environment (the in-process bus
 * otherwise). Its bus prefix comes from its schema (a random one on PGlite), so test servers that
 * share one NATS never hear each other.
 */
let started = 0;

export async function startTestServer(
  database: 'postgres' | 'pglite',
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const schema = database === 'postgres' ? uniqueSchema('e2e') : undefined;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    GAMIFIER_MODE: 'development',
    // Several test servers run in one process: each its own cluster member on NATS.
    NODE_ID: `test-${process.pid}-${++started}`,
    DATA_DIR: 'memory',
    ...(schema ? { DATABASE_URL: postgresUrl, DATABASE_SCHEMA: schema } : {}),
    ...(process.env.NATS_URL ? { NATS_URL: process.env.NATS_URL } : {}),
    ...env,
  });
  const server = await startServer(config, createLogger(config.logLevel), options);
  return {
    url: `http://127.0.0.1:${server.port}`,
    server,
    schema,
    async close() {
      await server.stop();
      // A server on a database of the test's own (DATABASE_URL given) leaves it to the test.
      if (schema && !env.DATABASE_URL) await dropSchema(schema);
    },
  };
}

/** A player's view of the HTTP API: a dev token, then JSON requests. */
/**
 * A player of a test server on both ways in: HTTP (logged in) and the SDK over a WebSocket (the
 * caller closes `ws`).
 */
export async function sdkPlayer(url: string, userId: string): Promise<{ http: HttpPlayer; ws: GamifierClient }> {
  const http = await new HttpPlayer(url, userId).login();
  const token = ((await (await fetch(`${url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId }) })).json()) as { token: string }).token;
  const ws = await connect({ url: `${url.replace('http', 'ws')}/v1/ws`, token, WebSocket: WebSocket as never });
  return { http, ws };
}

export class HttpPlayer {
  private token = '';
  private seq = 0;

  constructor(
    private readonly url: string,
    readonly userId: string,
  ) {}

  async login(): Promise<this> {
    const response = await fetch(`${this.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId: this.userId }) });
    this.token = ((await response.json()) as { token: string }).token;
    return this;
  }

  /** Sends a command; returns the HTTP status and body. */
  async command(to: string, type: string, payload: unknown, id = `${this.userId}-${++this.seq}`): Promise<{ status: number; body: any }> {
    return this.request('POST', '/v1/commands', { id, to, type, payload });
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }
}
