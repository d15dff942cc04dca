import type { Migration } from './migration.js';

/**
 * A timer is claimed before it fires (store/postgres/timers.ts): `claimed_until` is the lease,
 * on the same clock as `due_at`. A row is claimable when it is due and its lease is over.
 */
export const timerClaims: Migration = {
  version: 8,
  name: 'durable timers: claims',
  sql: `
alter table timers add column claimed_until bigint;
`,
};
