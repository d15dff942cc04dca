import type { Migration } from './migration.js';

/**
 * Events a projector could not apply and moved past (store/projections/parked.ts). An entry
 * belongs to one generation of one projection, as its checkpoint does; the event itself stays
 * in `events` and is read from there by position. `skipped` entries are the record of an
 * operator's decision to discard one for good.
 */
export const parkedEvents: Migration = {
  version: 7,
  name: 'parked projection events',
  sql: `
create table parked_events (
  id             bigint generated always as identity primary key,
  projection     text collate "C" not null,
  generation     integer not null,
  position       bigint not null,
  tx_id          xid8 not null,
  stream_id      text collate "C" not null,
  stream_type    text collate "C" not null,
  stream_version integer not null,
  event_id       text collate "C" not null,
  event_type     text collate "C" not null,
  error          text not null,
  attempts       integer not null,
  status         text not null default 'parked' check (status in ('parked', 'skipped')),
  parked_at      timestamptz not null default now(),
  last_failed_at timestamptz not null default now(),
  skipped_at     timestamptz,
  unique (projection, generation, position)
);
create index parked_events_open on parked_events (projection, generation, position) where status = 'parked';
`,
};
