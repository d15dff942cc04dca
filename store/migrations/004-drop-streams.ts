import type { Migration } from './migration.js';

/**
 * A stream's version is its highest event version, read from `unique (stream_id, version)`:
 * the `streams` table repeated it, and bumping its row cost every append a heap update and its
 * WAL (about a quarter of the database's time per appended event).
 */
export const dropStreams: Migration = {
  version: 4,
  name: 'stream versions from the event log',
  sql: `drop table streams;`,
};
