import type { Migration } from './migration.js';

export const runtime: Migration = {
  version: 2,
  name: 'actor runtime: dead letters and durable timers',
  sql: `
create table dead_letters (
  id          bigint generated always as identity primary key,
  actor       text not null,
  command_id  text not null unique,
  command     jsonb not null,
  error       text not null,
  attempts    integer not null,
  node        text,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create index dead_letters_actor on dead_letters (actor);

create table timers (
  actor       text not null,
  key         text not null,
  due_at      bigint not null,
  command_id  text not null,
  command     jsonb not null,
  primary key (actor, key)
);
create index timers_due on timers (due_at);
`,
};
