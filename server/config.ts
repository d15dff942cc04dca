import { hostname } from 'node:os';
import { ErrorCode, GamifierError } from '../protocol/errors.js';
import { parseMasterKeys, type MasterKey } from '../store/index.js';
import { busPrefixOf } from './bus-prefix.js';
import { connectionsWithin, openFileLimit } from './file-limit.js';

/** Everything the process reads from its environment, parsed once at start. */
export interface Config {
  host: string;
  port: number;
  /** PostgreSQL URL; unset means the embedded PGlite database. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Keep every table in this PostgreSQL schema (created if missing); unset: the search path's. */
  databaseSchema: string | undefined;
  /** PGlite's data directory, or 'memory'. */
  dataDir: string;
  /** The built web pages (WEB_ROOT); unset: dist/web of this server's package (`npm run build`). */
  webRoot: string | undefined;
  /** NATS URL; unset means the in-process bus. */
  natsUrl: string | undefined;
  /** Every bus subject travels under this prefix (BUS_PREFIX; by default named after the database and schema). */
  busPrefix: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** development: dev tokens on, default secrets allowed. production: secrets required. */
  mode: 'development' | 'production';
  /** True when a secret fell back to its development default (development mode only). */
  defaultSecrets: boolean;
  /** HS256 key of player tokens. */
  jwtSecret: string;
  /** Bearer token of the operator endpoints. */
  adminToken: string;
  /** Master keys of the players' data keys (DATA_KEYS), the first wrapping new keys, each unwrapping. */
  dataKeys: MasterKey[];
  /** Whether appends encrypt personal fields (DATA_ENCRYPTION=off stores them in plaintext; reads decrypt either way). */
  dataEncryption: boolean;
  maxBodyBytes: number;
  /** This node's name (NODE_ID) in the cluster, event metadata, dead letters and logs. */
  nodeName: string;
  /** The cluster's shard count (used when its tables are first filled), lease and renewal times. */
  cluster: { shards: number; leaseTtlMs: number; renewMs: number };
  /** Passivate an actor idle this long. */
  actorIdleMs: number;
  /** Watched streams not heard on the bus for this long are re-checked in the store (0: only after a bus reconnect). */
  streamSweepMs: number;
  /** Active actors per node at most. */
  actorMaxActive: number;
  /** Snapshot an actor every this many events. */
  snapshotEvery: number;
  /** WebSocket (and HTTP) server: uWebSockets.js, or node:http with `ws`. */
  websocket: 'uws' | 'ws';
  /** Player tokens must expire, at most this long after they were issued. */
  tokenMaxTtlSeconds: number;
  /** WebSocket connections this node holds at most (kept below the open-file limit)… */
  maxConnections: number;
  /** …one player at most… */
  maxConnectionsPerPlayer: number;
  /** …and one remote address at most (0: no cap, e.g. behind a proxy every client has its address). */
  maxConnectionsPerAddress: number;
}

export const developmentSecrets = {
  jwtSecret: 'gamifier-development-only-secret-do-not-deploy',
  adminToken: 'dev-admin-token',
  /** The development master key: an id of its own, so that a production node never takes its keys for theirs. */
  dataKeys: 'dev:o3mND3Yr4PPI6hbGnh5xMqD8LnBgaYZNWl7cItii3X4=',
} as const;

export class ConfigInvalidError extends GamifierError {
  constructor(variable: string, value: string, expected: string) {
    super(ErrorCode.CONFIG_INVALID, `${variable}=${JSON.stringify(value)} is not valid: expected ${expected}`);
  }
}

type Env = Record<string, string | undefined>;

/**
 * Every environment variable the server reads, for what checks a deployment's environment
 * against it (server/tests/compose.test.ts checks docker-compose.yml; a test there keeps this
 * list in step with the names this file and bus-prefix.ts read).
 */
export const configEnvNames = [
  'PORT', 'HOST', 'GAMIFIER_MODE', 'JWT_SECRET', 'ADMIN_TOKEN', 'DATABASE_URL', 'DATABASE_SCHEMA',
  'DATABASE_POOL_SIZE', 'DATA_DIR', 'NATS_URL', 'BUS_PREFIX', 'NODE_NAME', 'ACTOR_IDLE_MS',
  'STREAM_SWEEP_MS', 'ACTOR_MAX_ACTIVE', 'SNAPSHOT_EVERY', 'MAX_BODY_BYTES', 'GAMIFIER_WS',
  'TOKEN_MAX_TTL_SECONDS', 'MAX_CONNECTIONS', 'MAX_CONNECTIONS_PER_ADDRESS', 'MAX_CONNECTIONS_PER_PLAYER',
  'LOG_LEVEL', 'WEB_ROOT',
  // The cluster: the node's name (NODE_NAME its older name), the shard count when the cluster's
  // tables are first filled, the lease's time to live and renewal period.
  'NODE_ID', 'CLUSTER_SHARDS', 'CLUSTER_LEASE_TTL_MS', 'CLUSTER_RENEW_MS',
  // Personal data: the master keys of the players' data keys, and the switch of encryption on append.
  'DATA_KEYS', 'DATA_ENCRYPTION',
] as const;

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

function websocketServer(env: Env): 'uws' | 'ws' {
  const raw = env.GAMIFIER_WS;
  if (raw === undefined || raw === '' || raw === 'uws') return 'uws';
  if (raw === 'ws') return 'ws';
  throw new ConfigInvalidError('GAMIFIER_WS', raw, 'uws | ws');
}

function schemaName(env: Env): string | undefined {
  const raw = env.DATABASE_SCHEMA;
  if (raw === undefined || raw === '') return undefined;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new ConfigInvalidError('DATABASE_SCHEMA', raw, 'a lower-case identifier');
  return raw;
}

/** Connections per node: at most what the open-file limit leaves after the reserve (server/file-limit.ts). */
function maxConnections(env: Env, fileLimit: number | undefined): number {
  const ceiling = fileLimit === undefined ? 1_000_000 : connectionsWithin(fileLimit);
  const fallback = Math.min(100_000, ceiling);
  const value = integer(env, 'MAX_CONNECTIONS', fallback, 1, 1_000_000);
  if (value > ceiling) {
    throw new ConfigInvalidError('MAX_CONNECTIONS', String(value), `at most ${ceiling}: the open-file limit (ulimit -n) is ${fileLimit}; raise it first`);
  }
  return value;
}

function busPrefix(env: Env, database: DatabaseConfig): string {
  const prefix = busPrefixOf(env, database);
  if (prefix === undefined) throw new ConfigInvalidError('BUS_PREFIX', env.BUS_PREFIX ?? '', 'dot-separated tokens of letters, digits, _ and - (e.g. gamifier.prod)');
  return prefix;
}

/** 0 turns the sweep off; otherwise at least a second, so that it cannot flood the database. */
function streamSweep(env: Env): number {
  const value = integer(env, 'STREAM_SWEEP_MS', 30_000, 0, 3_600_000);
  if (value !== 0 && value < 1_000) throw new ConfigInvalidError('STREAM_SWEEP_MS', String(value), '0 (off) or 1000 to 3600000');
  return value;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevelOf(env: Env): Config['logLevel'] {
  const logLevel = env.LOG_LEVEL || 'info';
  if (!(logLevels as readonly string[]).includes(logLevel)) {
    throw new ConfigInvalidError('LOG_LEVEL', logLevel, logLevels.join(' | '));
  }
  return logLevel as Config['logLevel'];
}

/**
 * DATA_KEYS: `id:base64,id:base64` of 32-byte master keys, the first wrapping. Required in
 * production; in development the fixed development key stands in (`defaulted`).
 */
export function loadDataKeys(env: Env, mode: 'development' | 'production'): { keys: MasterKey[]; defaulted: boolean } {
  const raw = env.DATA_KEYS;
  if (raw === undefined || raw.trim() === '') {
    if (mode === 'production') throw new ConfigInvalidError('DATA_KEYS', '', 'id:base64 of 32 random bytes, comma-separated, the newest first (required in production mode; e.g. k1:$(openssl rand -base64 32))');
    return { keys: parseMasterKeys(developmentSecrets.dataKeys), defaulted: true };
  }
  try {
    return { keys: parseMasterKeys(raw), defaulted: false };
  } catch (error) {
    throw new ConfigInvalidError('DATA_KEYS', '…', `id:base64 of 32 bytes, comma-separated (${(error as Error).message})`);
  }
}

function dataEncryption(env: Env): boolean {
  const raw = env.DATA_ENCRYPTION;
  if (raw === undefined || raw === '' || raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigInvalidError('DATA_ENCRYPTION', raw, 'on | off');
}

export type DatabaseConfig = Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'databaseSchema' | 'dataDir' | 'logLevel'>;

/** What `gamifier migrate` needs: the database settings alone (no secrets, no mode). */
export function loadDatabaseConfig(env: Env = process.env): DatabaseConfig {
  return {
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 2, 200),
    databaseSchema: schemaName(env),
    dataDir: env.DATA_DIR || './data',
    logLevel: logLevelOf(env),
  };
}

export interface ConfigOptions {
  /**
   * The quick start's `npm start`: development mode when neither `GAMIFIER_MODE` nor
   * `DATABASE_URL` is set. Without it the mode is production unless `GAMIFIER_MODE` says otherwise.
   */
  developmentWhenEmbedded?: boolean;
  /** The process's open-file limit, which bounds MAX_CONNECTIONS (default: read from the process). */
  fileLimit?: number | undefined;
}

/** NODE_ID (NODE_NAME is its older name): a NATS subject token, since nodes are reached at `g.node.<id>`. */
function nodeId(env: Env): string {
  const variable = env.NODE_ID ? 'NODE_ID' : 'NODE_NAME';
  const id = env[variable] || `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_-]/g, '-');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new ConfigInvalidError(variable, id, '1 to 64 letters, digits, _ or -');
  return id;
}

function clusterTimes(env: Env): Config['cluster'] {
  const leaseTtlMs = integer(env, 'CLUSTER_LEASE_TTL_MS', 5_000, 1_000, 120_000);
  const renewMs = integer(env, 'CLUSTER_RENEW_MS', 1_000, 100, 60_000);
  if (renewMs * 3 > leaseTtlMs) throw new ConfigInvalidError('CLUSTER_RENEW_MS', String(renewMs), `at most a third of CLUSTER_LEASE_TTL_MS (${leaseTtlMs})`);
  return { shards: integer(env, 'CLUSTER_SHARDS', 512, 1, 65_536), leaseTtlMs, renewMs };
}

/**
 * Reads the configuration; throws `CONFIG_INVALID` naming the variable at fault. The mode is
 * chosen, never guessed: production unless development is asked for.
 *
 * @example
 * const config = loadConfig(process.env, { developmentWhenEmbedded: argv.includes('--development-when-embedded') });
 */
export function loadConfig(env: Env = process.env, options: ConfigOptions = {}): Config {
  const fileLimit = 'fileLimit' in options ? options.fileLimit : openFileLimit();
  const database = loadDatabaseConfig(env);
  const mode = env.GAMIFIER_MODE || (options.developmentWhenEmbedded && !database.databaseUrl ? 'development' : 'production');
  if (mode !== 'development' && mode !== 'production') throw new ConfigInvalidError('GAMIFIER_MODE', mode, 'development | production');
  let defaultSecrets = false;
  const secret = (name: 'JWT_SECRET' | 'ADMIN_TOKEN', minLength: number, fallback: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      if (mode === 'production') throw new ConfigInvalidError(name, '', `a secret of at least ${minLength} characters (required in production mode)`);
      defaultSecrets = true;
      return fallback;
    }
    if (value.length < minLength) throw new ConfigInvalidError(name, '…', `a secret of at least ${minLength} characters`);
    return value;
  };
  const jwtSecret = secret('JWT_SECRET', 32, developmentSecrets.jwtSecret);
  const adminToken = secret('ADMIN_TOKEN', 16, developmentSecrets.adminToken);
  const dataKeys = loadDataKeys(env, mode);
  return {
    mode,
    defaultSecrets: defaultSecrets || dataKeys.defaulted,
    jwtSecret,
    adminToken,
    dataKeys: dataKeys.keys,
    dataEncryption: dataEncryption(env),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 65_536, 1_024, 16 * 1_048_576),
    nodeName: nodeId(env),
    cluster: clusterTimes(env),
    actorIdleMs: integer(env, 'ACTOR_IDLE_MS', 300_000, 1_000, 86_400_000),
    streamSweepMs: streamSweep(env),
    actorMaxActive: integer(env, 'ACTOR_MAX_ACTIVE', 200_000, 100, 10_000_000),
    snapshotEvery: integer(env, 'SNAPSHOT_EVERY', 100, 1, 1_000_000),
    websocket: websocketServer(env),
    tokenMaxTtlSeconds: integer(env, 'TOKEN_MAX_TTL_SECONDS', 86_400, 60, 30 * 86_400),
    maxConnections: maxConnections(env, fileLimit),
    maxConnectionsPerPlayer: integer(env, 'MAX_CONNECTIONS_PER_PLAYER', 10, 1, 10_000),
    maxConnectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', 1_000, 0, 1_000_000),
    // A development node mints tokens for anyone: it stays on this machine unless HOST says otherwise.
    host: env.HOST || (mode === 'development' ? '127.0.0.1' : '0.0.0.0'),
    port: integer(env, 'PORT', 8080, 0, 65_535),
    ...database,
    natsUrl: url(env, 'NATS_URL', ['nats:', 'tls:', 'ws:', 'wss:']),
    webRoot: env.WEB_ROOT || undefined,
    busPrefix: busPrefix(env, database),
  };
}
