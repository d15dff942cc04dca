export * from './types.js';
export * from './errors.js';
export { openStore, type OpenStore, type StoreConfig } from './open.js';
export { PostgresEventStore, compareCursor } from './postgres/event-store.js';
export { migrate, type MigrationReport } from './postgres/migrate.js';
export { migrations, type Migration } from './migrations/index.js';
export { Upcasters, type Upcaster } from './upcasters.js';
export { streamTypeOf, isStreamId } from './stream-id.js';
export { toJsonText } from './serialize.js';
