import type { Sql } from 'postgres';
import { migrations } from './migrations/index.js';
import { connect, ensureSchema } from './postgres/connect.js';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/event-store.js';
import { migrate, type MigrationReport } from './postgres/migrate.js';
import { startEmbeddedPostgres } from './pglite/embedded.js';
import type { DeadLetterStore } from './dead-letters.js';
import { PostgresDeadLetters } from './postgres/dead-letters.js';
import { PostgresTimers } from './postgres/timers.js';
import type { TimerStore } from './timers.js';
import type { Upcasters } from './upcasters.js';
import { DatabaseHealth, type DatabaseHealthOptions } from './health.js';
import { PersonalDataCodec } from './personal-data/codec.js';
import type { MasterKeyring } from './personal-data/keyring.js';
import type { PersonalDataPolicy } from './personal-data/policy.js';
import { SubjectKeys, type SubjectKeysOptions } from './personal-data/subject-keys.js';

export interface StoreConfig {
  /** A PostgreSQL URL; without one the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files, or 'memory'. */
  dataDir: string;
  /** PostgreSQL connections in all, the append writers' included (PGlite always uses one). */
  poolSize: number;
  /**
   * Connections that write append batches (default 2, fewer in a pool of under 4). A batch keeps
   * one database backend busy: more writers than the database has cores add contention, not
   * throughput.
   */
  writerConnections?: number;
  /** Keep every table in this schema (tests use one schema each). */
  schema?: string;
  upcasters?: Upcasters;
  /**
   * Personal fields of events encrypted with per-subject keys (docs/STORE.md "Personal data"):
   * which fields (the policy), the master keys that wrap the subjects' keys, and whether appends
   * encrypt (`encrypt: false` stores new events in plaintext; reads still decrypt).
   */
  personalData?: { policy: PersonalDataPolicy; keyring: MasterKeyring; encrypt?: boolean; keys?: SubjectKeysOptions };
  /** The background probe of the database (PostgreSQL only; PGlite lives in the process). */
  health?: DatabaseHealthOptions;
}

export interface OpenStore {
  readonly kind: 'postgres' | 'pglite';
  readonly store: PostgresEventStore;
  readonly sql: Sql;
  /** Dead letters and durable timers, in the same database (the actor runtime's tables). */
  readonly deadLetters: DeadLetterStore;
  readonly timers: TimerStore;
  /** The subjects' data keys (with `personalData`): `destroy(subject)` forgets a subject, `rewrap()` rotates. */
  readonly subjectKeys: SubjectKeys | undefined;
  readonly migrations: MigrationReport;
  /** Whether the database answered its last probe: read it instead of asking the database. */
  readonly health: DatabaseHealth;
  close(): Promise<void>;
}

/** The LISTEN/NOTIFY channel on which the stores of one schema tell each other of appends. */
export function notifyChannelOf(schema: string | undefined): string {
  return `gamifier_events${schema ? `_${schema}` : ''}`.slice(0, 63);
}

/** Connects, applies pending migrations and opens the event store. */
export async function openStore(config: StoreConfig): Promise<OpenStore> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  const schema = config.schema ? { schema: config.schema } : {};
  const writers = Math.max(1, Math.min(config.writerConnections ?? 2, Math.floor(config.poolSize / 2)));
  const sql = embedded ? connect(embedded.connection, { max: 1, settings: { plan_cache_mode: 'force_generic_plan' } }) : connect(config.databaseUrl!, { max: Math.max(1, config.poolSize - writers), ...schema });
  // The batch statement is prepared once per connection, and its plan must be made once too: left
  // to choose, PostgreSQL planned it afresh at nearly every execution (each batch's arrays look
  // different to the planner), about 400 µs of backend CPU per batch, which at moderate load (a
  // few events per batch) was most of an append's cost. The generic plan is remade as the log
  // grows (append.ts).
  const writer = embedded
    ? undefined
    : connect(config.databaseUrl!, { max: writers, applicationName: 'gamifier-writer', settings: { plan_cache_mode: 'force_generic_plan' }, ...schema });
  // The probe has a connection of its own, so that it never waits behind a busy or dead pool.
  const probe = embedded ? undefined : connect(config.databaseUrl!, { max: 1, applicationName: 'gamifier-probe' });
  const health = new DatabaseHealth(probe ?? sql, config.health);
  try {
    if (!embedded) await ensureSchema(sql, config.schema);
    const report = await migrate(sql, migrations);
    // Two batches in flight per writer connection: the second is queued on the connection
    // (pipelined) while the first runs, so the backend starts it the moment the first commits
    // instead of idling while this process settles the first and forms the next.
    const options: PostgresEventStoreOptions = embedded
      ? { maxInFlightBatches: 1 }
      : { writer: writer!, writerConnections: writers, maxInFlightBatches: 2 * writers, notifyChannel: notifyChannelOf(config.schema) };
    if (config.upcasters) options.upcasters = config.upcasters;
    // Checks the master keys against the table first: a lost one fails the start here.
    const subjectKeys = config.personalData ? await SubjectKeys.open(sql, config.personalData.keyring, config.personalData.keys) : undefined;
    if (subjectKeys) options.codec = new PersonalDataCodec(config.personalData!.policy, subjectKeys, { encrypt: config.personalData!.encrypt ?? true });
    const store = await PostgresEventStore.open(sql, options);
    if (probe) await health.start();
    return {
      kind: embedded ? 'pglite' : 'postgres',
      store,
      sql,
      deadLetters: new PostgresDeadLetters(sql),
      timers: new PostgresTimers(sql),
      subjectKeys,
      migrations: report,
      health,
      async close() {
        await store.close();
        await health.stop();
        await Promise.all([sql.end({ timeout: 5 }), writer?.end({ timeout: 5 }), probe?.end({ timeout: 1 })]);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await health.stop();
    await Promise.all([sql.end({ timeout: 1 }), writer?.end({ timeout: 1 }), probe?.end({ timeout: 1 })]).catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
}
