import type { Migration } from './migration.js';

/**
 * Identifiers compare byte by byte. Under the database's default collation (C.UTF-8 here, or a
 * locale) every probe and insert of the `(stream_id, version)` and `event_id` indexes compared
 * text through the C library's strcoll; ids have no linguistic order to respect, and memcmp
 * is what "C" uses. Only equality is asked of these columns, so nothing reads in another order.
 */
export const byteOrderIds: Migration = {
  version: 5,
  name: 'byte-order collation for stream ids, event ids and types',
  sql: `
alter table events
  alter column stream_id type text collate "C",
  alter column stream_type type text collate "C",
  alter column event_id type text collate "C",
  alter column type type text collate "C";
alter table snapshots alter column stream_id type text collate "C";
`,
};
