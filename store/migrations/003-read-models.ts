import type { Migration } from './migration.js';

/**
 * Which generation of each read model's tables serves queries, and which one a rebuild is
 * filling. The tables themselves belong to their projection and are created per generation by
 * the projector (`store/projections/`); queries read them through views named without a suffix.
 */
export const readModels: Migration = {
  version: 3,
  name: 'read model generations',
  sql: `
create table read_model_generations (
  projection          text primary key,
  generation          integer not null check (generation >= 1),
  version             integer not null,
  building            integer check (building > generation),
  building_version    integer,
  building_started_at timestamptz,
  swapped_at          timestamptz,
  updated_at          timestamptz not null default now()
);
`,
};
