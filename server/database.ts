import { isConnectionError, MasterKeyring, openStore, StoreUnavailableError, waitForDatabase, type OpenStore, type PersonalDataPolicy } from '../store/index.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { listenWhileStarting, type StartingListener } from './starting.js';

export interface OpenedDatabase {
  store: OpenStore;
  /** The port the node listened on while it waited (its real listener takes it over), if it waited. */
  port: number | undefined;
}

/** True for a failure that means "the database is not there (yet)", also under a migration's error. */
function unreachable(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof StoreUnavailableError || isConnectionError(e)) return true;
  }
  return false;
}

/**
 * Opens the store (migrations first). A PostgreSQL that does not answer is waited for, however
 * long, with the port open but not ready (see starting.ts); any other failure (a migration that
 * fails on its own SQL) ends the start. `onWaiting` learns the port when the node starts waiting.
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  options: { signal?: AbortSignal; onWaiting?(port: number): void; describe(): Record<string, unknown>; personalData: PersonalDataPolicy },
): Promise<OpenedDatabase> {
  const keyring = new MasterKeyring(config.dataKeys);
  const open = () =>
    openStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
      ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
      personalData: { policy: options.personalData, keyring, encrypt: config.dataEncryption },
      health: {
        onChange: (state, error) =>
          state.up
            ? log.info({ since: state.since }, 'database reachable again: serving')
            : log.error({ err: error, code: state.code }, 'database unreachable: commands fail with STORE_UNAVAILABLE until it answers'),
      },
    });
  if (!config.databaseUrl) return { store: await open(), port: undefined };
  let starting: StartingListener | undefined;
  try {
    for (;;) {
      try {
        const store = await open();
        return { store, port: starting?.port };
      } catch (error) {
        if (!unreachable(error)) throw error;
        log.warn({ err: error }, 'database unreachable at start: waiting for it (alive, not ready)');
      }
      if (!starting) {
        starting = await listenWhileStarting(config, options.describe);
        options.onWaiting?.(starting.port);
      }
      await waitForDatabase(config.databaseUrl, {
        ...(options.signal ? { signal: options.signal } : {}),
        onRetry: (error, attempt, nextInMs) => log.warn({ err: error, attempt, nextInMs }, 'database still unreachable'),
      });
    }
  } finally {
    await starting?.close();
  }
}
