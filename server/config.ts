import { ErrorCode, GamifierError } from '../protocol/errors.js';

/** Everything the process reads from its environment, parsed once at start. */
export interface Config {
  host: string;
  port: number;
  /** PostgreSQL URL; unset means the embedded PGlite database. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** PGlite's data directory, or 'memory'. */
  dataDir: string;
  /** NATS URL; unset means the in-process bus. */
  natsUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigInvalidError extends GamifierError {
  constructor(variable: string, value: string, expected: string) {
    super(ErrorCode.CONFIG_INVALID, `${variable}=${JSON.stringify(value)} is not valid: expected ${expected}`);
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigInvalidError(name, raw, `a whole number from ${min} to ${max}`);
  }
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigInvalidError(name, raw, `a URL (${protocols.join(', ')})`);
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigInvalidError(name, raw, `a URL (${protocols.join(', ')})`);
  return raw;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads the configuration; throws `CONFIG_INVALID` naming the variable at fault. */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = env.LOG_LEVEL || 'info';
  if (!(logLevels as readonly string[]).includes(logLevel)) {
    throw new ConfigInvalidError('LOG_LEVEL', logLevel, logLevels.join(' | '));
  }
  return {
    host: env.HOST || '0.0.0.0',
    port: integer(env, 'PORT', 8080, 0, 65_535),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 2, 200),
    dataDir: env.DATA_DIR || './data',
    natsUrl: url(env, 'NATS_URL', ['nats:', 'tls:', 'ws:', 'wss:']),
    logLevel: logLevel as Config['logLevel'],
  };
}
