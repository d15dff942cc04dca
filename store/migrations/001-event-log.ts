import type { Migration } from './migration.js';

export const eventLog: Migration = {
  version: 1,
  name: 'event log, streams, snapshots, projection checkpoints',
  sql: `
create table streams (
  stream_id   text primary key,
  stream_type text not null,
  version     integer not null check (version >= 0)
);

create table events (
  position       bigint generated always as identity primary key,
  stream_id      text not null,
  stream_type    text not null,
  version        integer not null check (version >= 1),
  event_id       text not null,
  type           text not null,
  schema_version integer not null default 1 check (schema_version >= 1),
  data           jsonb not null,
  metadata       jsonb not null default '{}'::jsonb,
  created_at     timestamptz not null default now(),
  tx_id          xid8 not null default pg_current_xact_id(),
  constraint events_stream_version_unique unique (stream_id, version),
  constraint events_event_id_unique unique (event_id)
);
create index events_log_order on events (tx_id, position);
create index events_type_log_order on events (type, tx_id, position);

create table snapshots (
  stream_id      text primary key,
  stream_type    text not null,
  version        integer not null check (version >= 1),
  schema_version integer not null default 1,
  state          jsonb not null,
  created_at     timestamptz not null default now()
);

create table projection_checkpoints (
  name       text primary key,
  tx_id      xid8 not null,
  position   bigint not null,
  updated_at timestamptz not null default now()
);
`,
};
