import { describe, expect, it } from 'vitest';
import { migrations } from '../migrations/index.js';

// Databases in use recorded these in schema_migrations. `migrate` applies what a database has not
// recorded, by version: a renumbered migration would run twice, a removed one would leave later
// databases and older ones apart. Append new migrations; never change these.
const shipped = [
  [1, 'event log, streams, snapshots, projection checkpoints'],
  [2, 'actor runtime: dead letters and durable timers'],
  [3, 'read model generations'],
  [4, 'stream versions from the event log'],
  [5, 'byte-order collation for stream ids, event ids and types'],
  [6, 'event data and metadata kept as the JSON text written'],
  [7, 'parked projection events'],
  [8, 'durable timers: claims'],
  [9, 'dead letters: one per message key'],
  [10, 'cluster: members and shard owners'],
];

describe('migration history', () => {
  it('keeps every shipped migration under its version and name, in order', () => {
    expect(migrations.slice(0, shipped.length).map((m) => [m.version, m.name])).toEqual(shipped);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });
});
