import net from 'node:net';
import postgres from 'postgres';

/**
 * The real services integration tests need. A test file asks for one with `await needPostgres()`
 * and skips itself (saying why) when the service is absent — except under CI=true, where an
 * absent service fails the run instead: nothing may be skipped there for that reason.
 */
export const inCi = process.env.CI === 'true';

export const postgresUrl =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const natsUrl = process.env.TEST_NATS_URL ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** The marker .ci/run looks for: any line with it fails CI. */
export const SERVICE_SKIP_MARKER = 'SKIPPED-NO-SERVICE';

async function reachable(check: () => Promise<void>, what: string, where: string): Promise<boolean> {
  try {
    await check();
    return true;
  } catch (error) {
    const reason = `${what} at ${where} is unreachable (${(error as Error).message})`;
    if (inCi) throw new Error(`${reason}: CI=true, so tests that need it must not be skipped`);
    console.warn(`${SERVICE_SKIP_MARKER}: ${reason}; skipping the tests that need it`);
    return false;
  }
}

let postgresCheck: Promise<boolean> | undefined;
export function needPostgres(): Promise<boolean> {
  postgresCheck ??= reachable(
    async () => {
      const sql = postgres(postgresUrl, { max: 1, connect_timeout: 2, onnotice: () => undefined });
      try {
        await sql`select 1`;
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
    'PostgreSQL',
    postgresUrl.replace(/\/\/[^@]*@/, '//'),
  );
  return postgresCheck;
}

let natsCheck: Promise<boolean> | undefined;
export function needNats(): Promise<boolean> {
  natsCheck ??= reachable(
    () =>
      new Promise<void>((resolve, reject) => {
        const url = new URL(natsUrl);
        const socket = net.connect({ host: url.hostname, port: Number(url.port || 4222), timeout: 2_000 });
        socket.once('connect', () => (socket.end(), resolve()));
        socket.once('timeout', () => (socket.destroy(), reject(new Error('connect timeout'))));
        socket.once('error', reject);
      }),
    'NATS',
    natsUrl,
  );
  return natsCheck;
}

/** A schema name no other test run uses, so that test files can share one database. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
}

export async function dropSchema(schema: string, databaseUrl = postgresUrl): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`drop schema if exists ${schema} cascade`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs` (a wait, not a timing assertion). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A port nobody listens on right now (for a service or server a test starts itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
