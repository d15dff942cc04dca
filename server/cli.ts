#!/usr/bin/env node
import { gamePersonalData } from '../game/index.js';
import { MasterKeyring, openStore } from '../store/index.js';
import { startServer } from './bootstrap.js';
import { loadConfig, loadDatabaseConfig, loadDataKeys } from './config.js';
import { createLogger } from './log.js';

const usage = `usage: gamifier <command>

commands:
  start     apply pending migrations and serve HTTP on PORT
            --development-when-embedded: development mode when neither GAMIFIER_MODE
            nor DATABASE_URL is set (what \`npm start\` passes for the quick start)
  migrate   apply pending migrations and exit
  rotate-keys
            re-wrap every player data key under the first master key of DATA_KEYS, in
            batches, while nodes serve (docs/OPERATIONS.md "Personal data keys")
  help      show this text

configuration comes from the environment; see README.md`;

async function main(command: string | undefined, flags: string[]): Promise<number> {
  switch (command) {
    case 'start':
      return start(flags.includes('--development-when-embedded'));
    case 'migrate':
      return migrateOnly();
    case 'rotate-keys':
      return rotateKeys();
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return 0;
    default:
      console.error(command ? `unknown command: ${command}\n\n${usage}` : usage);
      return 2;
  }
}

async function start(developmentWhenEmbedded: boolean): Promise<number> {
  const config = loadConfig(process.env, { developmentWhenEmbedded });
  const log = createLogger(config.logLevel);
  // A signal may come while the node still waits for its database: it then stops waiting.
  const stopping = new AbortController();
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    stopping.abort();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config, log, { signal: stopping.signal });
  } catch (error) {
    if (stopping.signal.aborted) return 0;
    throw error;
  }
  if (!stopping.signal.aborted) await new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true }));
  await server.stop();
  return 0;
}

async function migrateOnly(): Promise<number> {
  const config = loadDatabaseConfig();
  const log = createLogger(config.logLevel);
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 2,
    ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
  });
  log.info({ database: store.kind, applied: store.migrations.applied, schemaVersion: store.migrations.current }, 'migrations applied');
  await store.close();
  return 0;
}

/** Re-wraps the data keys under DATA_KEYS' first key; exits 1 if keys remain under another (a node still wraps with it). */
async function rotateKeys(): Promise<number> {
  const config = loadDatabaseConfig();
  const log = createLogger(config.logLevel);
  const { keys } = loadDataKeys(process.env, process.env.GAMIFIER_MODE === 'development' ? 'development' : 'production');
  const keyring = new MasterKeyring(keys);
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 2,
    ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
    personalData: { policy: gamePersonalData, keyring },
  });
  try {
    const { rewrapped, remaining } = await store.subjectKeys!.rewrap({ onBatch: (done) => log.info({ rewrapped: done, masterKey: keyring.current }, 're-wrapping data keys') });
    if (remaining > 0) {
      log.error({ rewrapped, remaining, masterKey: keyring.current }, 'data keys remain under another master key: a node still has another key first in DATA_KEYS; restart it with the new order and run this again');
      return 1;
    }
    log.info({ rewrapped, masterKey: keyring.current }, `every data key is wrapped by ${keyring.current}: the other master keys can be dropped from DATA_KEYS`);
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => process.exit(code),
  (error: Error & { code?: string }) => {
    console.error(`gamifier: ${error.code ? `[${error.code}] ` : ''}${error.message}`);
    if (error.cause) console.error('  caused by:', (error.cause as Error).message ?? error.cause);
    process.exit(1);
  },
);
