import type { Sql } from 'postgres';
import { inTransaction } from '../postgres/transaction.js';
import type { Transaction } from '../types.js';
import { dropParked } from './parked.js';
import { checkpointName, generationTable, type Projection } from './projection.js';

/** A projection's row of `read_model_generations`. */
export interface Generations {
  /** The generation whose tables the views point at. */
  generation: number;
  /** The projection version that built it. */
  version: number;
  /** The generation a rebuild is filling, if any. */
  building: number | null;
  buildingVersion: number | null;
  buildingStartedAt: Date | null;
}

interface Row {
  generation: number;
  version: number;
  building: number | null;
  building_version: number | null;
  building_started_at: Date | null;
}

/**
 * The projection's generations; on its first start, generation 1 is created with its tables and
 * views in the same transaction (nodes starting at once create it once).
 */
export async function ensureGenerations(sql: Sql, projection: Projection): Promise<Generations> {
  return inTransaction(sql, `creating the generations of ${projection.name}`, async (tx) => {
    const created = await tx`
      insert into read_model_generations (projection, generation, version) values (${projection.name}, 1, ${projection.version})
      on conflict (projection) do nothing returning projection`;
    if (created.length > 0) {
      await createTables(tx, projection, 1);
      await pointViews(tx, projection, 1);
    }
    return (await lockRow(tx, projection.name, 'share'))!;
  });
}

export async function loadGenerations(sql: Sql, name: string): Promise<Generations | undefined> {
  const [row] = await sql<Row[]>`
    select generation, version, building, building_version, building_started_at from read_model_generations where projection = ${name}`;
  return row ? fromRow(row) : undefined;
}

/**
 * Claims a generation to rebuild into, with fresh tables and no checkpoint. A rebuild of this
 * version already under way (interrupted by a restart) is resumed instead; one of another
 * version is discarded.
 */
export async function claimBuild(sql: Sql, projection: Projection): Promise<{ generation: number; resumed: boolean }> {
  return inTransaction(sql, `claiming a generation to rebuild ${projection.name}`, async (tx) => {
    const row = await lockRow(tx, projection.name, 'update');
    if (!row) throw new Error(`projection ${projection.name} has no generations yet: start it first`);
    if (row.building !== null && row.buildingVersion === projection.version) return { generation: row.building, resumed: true };
    if (row.building !== null) await dropGeneration(tx, projection, row.building);
    const generation = Math.max(row.generation, row.building ?? 0) + 1;
    await dropGeneration(tx, projection, generation);
    await createTables(tx, projection, generation);
    await tx`
      update read_model_generations
      set building = ${generation}, building_version = ${projection.version}, building_started_at = now(), updated_at = now()
      where projection = ${projection.name}`;
    return { generation, resumed: false };
  });
}

/**
 * Makes the rebuilt generation the one queries read, in one transaction: the views point at its
 * tables, its checkpoint becomes the projection's, and the old generation's tables, checkpoint
 * and parked events go (the rebuild tried each of those events again: the ones that still fail
 * are parked in the new generation). Queries running meanwhile wait for the commit and then read the new tables.
 */
export async function swapGenerations(sql: Sql, projection: Projection, generation: number): Promise<{ previous: number }> {
  return inTransaction(sql, `swapping the generations of ${projection.name}`, async (tx) => {
    const row = await lockRow(tx, projection.name, 'update');
    if (!row || row.building !== generation) {
      throw new Error(`projection ${projection.name}: generation ${generation} is no longer being built`);
    }
    await pointViews(tx, projection, generation);
    await dropGeneration(tx, projection, row.generation);
    await tx`
      update read_model_generations
      set generation = ${generation}, version = ${row.buildingVersion ?? projection.version}, building = null,
          building_version = null, building_started_at = null, swapped_at = now(), updated_at = now()
      where projection = ${projection.name}`;
    return { previous: row.generation };
  });
}

/** Locks the row for the rest of the transaction (`share`: writers of a batch; `update`: a swap). */
export async function lockRow(tx: Transaction, name: string, mode: 'share' | 'update'): Promise<Generations | undefined> {
  const [row] = await tx.unsafe<Row[]>(
    `select generation, version, building, building_version, building_started_at
     from read_model_generations where projection = $1 for ${mode === 'share' ? 'share' : 'update'}`,
    [name],
  );
  return row ? fromRow(row) : undefined;
}

async function createTables(tx: Transaction, projection: Projection, generation: number): Promise<void> {
  for (const table of projection.tables) await tx.unsafe(table.ddl(generationTable(table.name, generation)));
}

async function pointViews(tx: Transaction, projection: Projection, generation: number): Promise<void> {
  // Drop and create rather than `create or replace`: a new version may change the columns.
  for (const table of projection.tables) {
    await tx.unsafe(`drop view if exists ${table.name}`);
    await tx.unsafe(`create view ${table.name} as select * from ${generationTable(table.name, generation)}`);
  }
}

async function dropGeneration(tx: Transaction, projection: Projection, generation: number): Promise<void> {
  for (const table of projection.tables) await tx.unsafe(`drop table if exists ${generationTable(table.name, generation)}`);
  await tx`delete from projection_checkpoints where name = ${checkpointName(projection.name, generation)}`;
  await dropParked(tx, projection.name, generation);
}

function fromRow(row: Row): Generations {
  return {
    generation: row.generation,
    version: row.version,
    building: row.building,
    buildingVersion: row.building_version,
    buildingStartedAt: row.building_started_at,
  };
}
