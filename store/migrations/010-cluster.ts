import type { Migration } from './migration.js';

/**
 * The cluster's arbiter (cluster/lease-store.ts; DESIGN.md "Bus and cluster"): who is a member
 * and until when (by the database's clock), and which member holds each shard at which epoch.
 * The shard rows and the shard count are written by the first node that joins.
 */
export const cluster: Migration = {
  version: 10,
  name: 'cluster: members and shard owners',
  sql: `
create table cluster_settings (
  singleton boolean primary key default true check (singleton),
  shard_count integer not null check (shard_count > 0)
);
create table cluster_members (
  node text primary key,
  incarnation text not null,
  address text not null,
  status text not null check (status in ('joining', 'up', 'leaving')),
  expires_at timestamptz not null,
  renewed_at timestamptz not null,
  joined_at timestamptz not null,
  backend_pid integer,
  backend_start timestamptz,
  stats jsonb not null default '{}'
);
create table cluster_shards (
  shard integer primary key,
  owner text,
  incarnation text,
  epoch bigint not null default 0,
  state text not null default 'released' check (state in ('held', 'released')),
  changed_at timestamptz not null default now()
);
`,
};
