import type { Sql } from 'postgres';
import type { RecordedEvent, Transaction } from '../types.js';

/**
 * One table of a read model. Queries read it through a view named `name`; each generation of
 * the read model keeps its rows in its own table `name__g<generation>`, which `ddl` creates.
 */
export interface ReadModelTable {
  /** The view queries use, e.g. `rm_leaderboard`: a plain identifier of at most 50 characters. */
  name: string;
  /**
   * Creates the table `table` (and its indexes, whose names should start with `table`).
   *
   * @example
   * ddl: (t) => `create table ${t} (user_id text primary key, points bigint not null);
   *              create index ${t}_by_points on ${t} (points desc)`
   */
  ddl(table: string): string;
}

/** Physical table names of one generation, by view name: `tables.rm_leaderboard` → `rm_leaderboard__g3`. */
export type TableNames = Readonly<Record<string, string>>;

/**
 * A read model: what it reads from the global log, the tables it owns, how an event batch
 * changes them, and how to query them. `apply` runs inside the transaction that also moves the
 * projection's checkpoint, so a batch is applied exactly once or not at all.
 *
 * @example
 * const counter: Projection<{ count(): Promise<number> }> = {
 *   name: 'meal_counter', version: 1, eventTypes: ['nutrition.meal.logged'],
 *   tables: [{ name: 'rm_meal_count', ddl: (t) => `create table ${t} (id int primary key, n bigint not null)` }],
 *   async apply(tx, events, tables) {
 *     await tx.unsafe(`insert into ${tables.rm_meal_count} values (1, $1)
 *                      on conflict (id) do update set n = ${tables.rm_meal_count}.n + excluded.n`, [events.length]);
 *   },
 *   queries: (sql) => ({ count: async () => Number((await sql`select n from rm_meal_count`)[0]?.n ?? 0) }),
 * };
 */
export interface Projection<Queries = unknown> {
  /** Stable name: `[a-z][a-z0-9_]*`, used in checkpoint names and by `rebuild(name)`. */
  readonly name: string;
  /** Bump when `apply` or the tables change: the next start rebuilds the read model. */
  readonly version: number;
  /** Event types `apply` is given; the checkpoint moves past all others. */
  readonly eventTypes: readonly string[];
  readonly tables: readonly ReadModelTable[];
  /** Applies a batch, in log order, with SQL on `tx` alone (never the pool: PGlite has one session). */
  apply(tx: Transaction, events: readonly RecordedEvent[], tables: TableNames): Promise<void>;
  /** The read model's queries, reading the views. */
  queries(sql: Sql): Queries;
}

const namePattern = /^[a-z][a-z0-9_]*$/;

/** The physical table of a view in one generation. */
export function generationTable(view: string, generation: number): string {
  return `${view}__g${generation}`;
}

export function tableNames(projection: Projection, generation: number): TableNames {
  return Object.fromEntries(projection.tables.map((table) => [table.name, generationTable(table.name, generation)]));
}

/** The checkpoint of one generation: the checkpoint always goes with the tables it describes. */
export function checkpointName(projection: string, generation: number): string {
  return `projection.${projection}.g${generation}`;
}

/** Throws on a declaration the framework cannot serve (bad names, duplicates, no event types). */
export function checkProjections(projections: readonly Projection[]): void {
  const names = new Set<string>();
  const views = new Set<string>();
  for (const projection of projections) {
    if (!namePattern.test(projection.name) || projection.name.length > 40) {
      throw new Error(`projection name ${JSON.stringify(projection.name)} must match ${namePattern} and have at most 40 characters`);
    }
    if (names.has(projection.name)) throw new Error(`two projections are named ${projection.name}`);
    names.add(projection.name);
    if (!Number.isInteger(projection.version) || projection.version < 1) throw new Error(`projection ${projection.name}: version must be a whole number ≥ 1`);
    if (projection.eventTypes.length === 0) throw new Error(`projection ${projection.name} reads no event types`);
    for (const table of projection.tables) {
      if (!namePattern.test(table.name) || table.name.length > 50) throw new Error(`projection ${projection.name}: table name ${table.name} is not a plain identifier of at most 50 characters`);
      if (views.has(table.name)) throw new Error(`table ${table.name} is declared twice`);
      views.add(table.name);
    }
  }
}
