import type { Migration } from './migration.js';

/**
 * Per-subject data keys, kept outside the event log (store/personal-data/, docs/STORE.md
 * "Personal data"). A subject's row holds its 256-bit key wrapped by a master key (named by
 * `master_key_id`), or, once the subject was forgotten, no key and `forgotten_at`: the same row,
 * so that a node creating the key and a node destroying it meet on one primary key, and a key is
 * never created again for a forgotten subject. `data_master_keys` keeps a check value of every
 * master key that ever wrapped a key, so that a node started with other material for the same id
 * (or without a key the table still needs) refuses to start.
 */
export const subjectKeys: Migration = {
  version: 11,
  name: 'personal data: subject keys and master key checks',
  sql: `
create table data_master_keys (
  id text collate "C" primary key,
  check_value text not null,
  first_seen_at timestamptz not null default now()
);
create table subject_keys (
  subject text collate "C" primary key,
  master_key_id text collate "C" references data_master_keys (id),
  wrapped_key bytea,
  created_at timestamptz not null default now(),
  rewrapped_at timestamptz,
  forgotten_at timestamptz,
  check ((wrapped_key is null) = (forgotten_at is not null)),
  check ((wrapped_key is null) = (master_key_id is null))
);
create index subject_keys_by_master_key on subject_keys (master_key_id) where wrapped_key is not null;
`,
};
