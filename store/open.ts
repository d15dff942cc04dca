import type { Sql } from 'postgres';
import { migrations } from './migrations/index.js';
import { connect, ensureSchema } from './postgres/connect.js';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/event-store.js';
import { migrate, type MigrationReport } from './postgres/migrate.js';
import { startEmbeddedPostgres } from './pglite/embedded.js';
import type { Upcasters } from './upcasters.js';

export interface StoreConfig {
  /** A PostgreSQL URL; without one the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files, or 'memory'. */
  dataDir: string;
  /** PostgreSQL pool size (PGlite always uses one connection). */
  poolSize: number;
  /**
   * Append batches written at once, each on a connection of its own (default 2, at most the pool
   * size less 2). A batch keeps one database backend busy: more at once than the database has
   * cores adds contention, not throughput.
   */
  maxInFlightBatches?: number;
  /** Keep every table in this schema (tests use one schema each). */
  schema?: string;
  upcasters?: Upcasters;
}

export interface OpenStore {
  readonly kind: 'postgres' | 'pglite';
  readonly store: PostgresEventStore;
  readonly sql: Sql;
  readonly migrations: MigrationReport;
  close(): Promise<void>;
}

/** Connects, applies pending migrations and opens the event store. */
export async function openStore(config: StoreConfig): Promise<OpenStore> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  const sql = embedded
    ? connect(embedded.connection, { max: 1 })
    : connect(config.databaseUrl!, { max: config.poolSize, ...(config.schema ? { schema: config.schema } : {}) });
  try {
    if (!embedded) await ensureSchema(sql, config.schema);
    const report = await migrate(sql, migrations);
    const options: PostgresEventStoreOptions = embedded
      ? { maxInFlightBatches: 1 }
      : { maxInFlightBatches: Math.max(1, Math.min(config.maxInFlightBatches ?? 2, config.poolSize - 2)), notifyChannel: `gamifier_events${config.schema ? `_${config.schema}` : ''}`.slice(0, 63) };
    if (config.upcasters) options.upcasters = config.upcasters;
    const store = await PostgresEventStore.open(sql, options);
    return {
      kind: embedded ? 'pglite' : 'postgres',
      store,
      sql,
      migrations: report,
      async close() {
        await store.close();
        await sql.end({ timeout: 5 });
        await embedded?.stop();
      },
    };
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
}
