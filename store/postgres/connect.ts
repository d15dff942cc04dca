import postgres, { type Options, type Sql } from 'postgres';

export interface ConnectOptions {
  /** Connection pool size. */
  max: number;
  /** Tables live in this schema (created if missing); the default is the database's search path. */
  schema?: string;
  applicationName?: string;
  /** Session settings sent at connect (e.g. `plan_cache_mode`). */
  settings?: Record<string, string>;
}

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Every wait on the database is bounded, so that an outage fails commands instead of holding them
 * (seconds): a connection attempt, and a statement's wait for a free connection of the pool.
 * A statement already running is not cut short (a migration or a rebuild may legitimately take
 * long); a dead peer is found by TCP keep-alive, probed every few seconds.
 */
export const databaseWaits = { connectSeconds: 5, queueSeconds: 5, keepAliveSeconds: 5 } as const;

/** A postgres.js pool with the project's defaults: quiet notices, bounded waits. */
export function connect(target: string | Options<{}>, options: ConnectOptions): Sql {
  if (options.schema !== undefined && !schemaPattern.test(options.schema)) {
    throw new Error(`schema ${options.schema} is not a plain identifier`);
  }
  const settings: Options<{}> = {
    max: options.max,
    onnotice: () => undefined,
    connect_timeout: databaseWaits.connectSeconds,
    queue_timeout: databaseWaits.queueSeconds,
    keep_alive: databaseWaits.keepAliveSeconds,
    idle_timeout: 0,
    connection: {
      application_name: options.applicationName ?? 'gamifier',
      ...(options.schema ? { search_path: options.schema } : {}),
      ...options.settings,
    },
  };
  return typeof target === 'string' ? postgres(target, settings) : postgres({ ...target, ...settings });
}

export async function ensureSchema(sql: Sql, schema: string | undefined): Promise<void> {
  if (schema) await sql.unsafe(`create schema if not exists ${schema}`);
}
