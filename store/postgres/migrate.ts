import type { Sql } from 'postgres';
import { MigrationFailedError, storeError } from '../errors.js';
import type { Migration } from '../migrations/index.js';

/** Serialises migrators of every node that share one database. */
const MIGRATION_LOCK = 7_301_994;

export interface MigrationReport {
  applied: Array<{ version: number; name: string }>;
  current: number;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction
 * together with its record, under an advisory lock so that nodes starting at once apply each once.
 */
export async function migrate(sql: Sql, migrations: readonly Migration[]): Promise<MigrationReport> {
  const applied: MigrationReport['applied'] = [];
  try {
    await sql.unsafe(`
      create table if not exists schema_migrations (
        version    integer primary key,
        name       text not null,
        applied_at timestamptz not null default now()
      )`);
  } catch (error) {
    throw storeError(error, 'creating schema_migrations');
  }
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of sorted) {
    let ran = false;
    try {
      await sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
        const [done] = await tx`select 1 from schema_migrations where version = ${migration.version}`;
        if (done) return;
        await tx.unsafe(migration.sql);
        await tx`insert into schema_migrations (version, name) values (${migration.version}, ${migration.name})`;
        ran = true;
      });
    } catch (error) {
      throw new MigrationFailedError(migration.version, migration.name, error);
    }
    if (ran) applied.push({ version: migration.version, name: migration.name });
  }
  const [row] = await sql`select coalesce(max(version), 0)::int as current from schema_migrations`;
  return { applied, current: row?.current ?? 0 };
}
