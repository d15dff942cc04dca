#!/usr/bin/env node
import { openStore } from '../store/index.js';
import { startServer } from './bootstrap.js';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';

const usage = `usage: gamifier <command>

commands:
  start     apply pending migrations and serve HTTP on PORT
  migrate   apply pending migrations and exit
  help      show this text

configuration comes from the environment; see README.md`;

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'start':
      return start();
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

async function start(): Promise<number> {
  const config = loadConfig();
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
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  log.info({ database: store.kind, applied: store.migrations.applied, schemaVersion: store.migrations.current }, 'migrations applied');
  await store.close();
  return 0;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: Error & { code?: string }) => {
    console.error(`gamifier: ${error.code ? `[${error.code}] ` : ''}${error.message}`);
    if (error.cause) console.error('  caused by:', (error.cause as Error).message ?? error.cause);
    process.exit(1);
  },
);
