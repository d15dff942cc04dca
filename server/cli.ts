#!/usr/bin/env node
import { openStore } from '../store/index.js';
import { startServer } from './bootstrap.js';
import { loadConfig, loadDatabaseConfig } from './config.js';
import { createLogger } from './log.js';

const usage = `usage: gamifier <command>

commands:
  start     apply pending migrations and serve HTTP on PORT
            --development-when-embedded: development mode when neither GAMIFIER_MODE
            nor DATABASE_URL is set (what \`npm start\` passes for the quick start)
  migrate   apply pending migrations and exit
  help      show this text

configuration comes from the environment; see README.md`;

async function main(command: string | undefined, flags: string[]): Promise<number> {
  switch (command) {
    case 'start':
      return start(flags.includes('--development-when-embedded'));
    case 'migrate':
      return migrateOnly();
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

main(process.argv[2], process.argv.slice(3)).then(
  (code) => process.exit(code),
  (error: Error & { code?: string }) => {
    console.error(`gamifier: ${error.code ? `[${error.code}] ` : ''}${error.message}`);
    if (error.cause) console.error('  caused by:', (error.cause as Error).message ?? error.cause);
    process.exit(1);
  },
);
