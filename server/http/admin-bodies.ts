import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The answers of the operator endpoints (server/http/admin.ts), for the API document. They are
 * the store's and the runtime's own records (store/types.ts, store/projections/, actors/runtime/
 * dead-letters.ts) as JSON: open objects whose main fields are named here.
 */
const Count = Type.Integer({ minimum: 0 });
const Instant = Type.String({ format: 'date-time' });
const Nullable = <S extends TSchema>(schema: S) => Type.Union([schema, Type.Null()]);
const Cursor = Type.Object({ txId: Count, position: Count });
const Lag = Type.Object({ events: Count, approximate: Type.Boolean(), seconds: Type.Number({ minimum: 0 }) });

const RecordedEvent = Type.Object({
  position: Count,
  txId: Count,
  streamId: Type.String(),
  streamType: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  id: Type.String(),
  type: Type.String(),
  schemaVersion: Type.Integer({ minimum: 1 }),
  data: Type.Unknown(),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Instant,
});

export const StreamEvents = Type.Object({ streamId: Type.String(), version: Count, events: Type.Array(RecordedEvent) });

export const StreamState = Type.Object({
  streamId: Type.String(),
  version: Count,
  lifecycle: Nullable(Type.String()),
  state: Type.Unknown(),
  currentVersion: Count,
});

/** The latest snapshot with the stream's current version; `snapshot: null` while the stream has none yet. */
export const StreamSnapshot = Type.Union([
  Type.Object({ streamId: Type.String(), version: Count, schemaVersion: Type.Integer({ minimum: 1 }), state: Type.Unknown(), createdAt: Instant, currentVersion: Count }),
  Type.Object({ streamId: Type.String(), snapshot: Type.Null(), currentVersion: Count }),
]);

const DeadLetter = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  actor: Type.String(),
  commandId: Type.String(),
  command: Type.Record(Type.String(), Type.Unknown()),
  error: Type.String(),
  attempts: Count,
  node: Nullable(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
});
export const DeadLetters = Type.Object({ deadLetters: Type.Array(DeadLetter) });
export const DeadLetterDiscarded = Type.Object({ discarded: Type.Integer() });

const ParkedEvent = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  projection: Type.String(),
  generation: Type.Integer({ minimum: 1 }),
  position: Count,
  txId: Count,
  streamId: Type.String(),
  streamType: Type.String(),
  streamVersion: Type.Integer({ minimum: 1 }),
  event: Type.Object({ id: Type.String(), type: Type.String(), schemaVersion: Type.Integer(), data: Type.Unknown(), metadata: Type.Unknown(), createdAt: Instant }),
  error: Type.String(),
  attempts: Count,
  status: Type.Union([Type.Literal('parked'), Type.Literal('skipped')]),
  parkedAt: Instant,
  lastFailedAt: Instant,
  skippedAt: Nullable(Instant),
});
export const ParkedEvents = Type.Object({ parked: Type.Array(ParkedEvent) });
export const ParkedRetried = Type.Object({ retried: Type.Integer({ minimum: 1 }), applied: Type.Literal(true) });
export const ParkedSkipped = Type.Object({ skipped: ParkedEvent });

const ProjectionError = Type.Object({ message: Type.String(), attempts: Count, since: Instant });
export const ProjectionStatuses = Type.Object({
  projections: Type.Array(
    Type.Object({
      name: Type.String(),
      version: Type.Integer(),
      servedVersion: Type.Integer(),
      generation: Type.Integer({ minimum: 1 }),
      state: Type.Union(['catching-up', 'live', 'rebuilding', 'failed', 'stopped'].map((state) => Type.Literal(state))),
      checkpoint: Cursor,
      lag: Lag,
      appliedEvents: Count,
      parked: Type.Object({ count: Count, events: Type.Array(ParkedEvent), list: Type.String() }),
      error: Type.Optional(ProjectionError),
      rebuild: Type.Optional(
        Type.Object({
          generation: Type.Integer({ minimum: 1 }),
          startedAt: Instant,
          phase: Type.Union([Type.Literal('filling'), Type.Literal('swapping')]),
          checkpoint: Cursor,
          lag: Lag,
          progress: Type.Number({ minimum: 0, maximum: 1 }),
          appliedEvents: Count,
          parked: Count,
          error: Type.Optional(ProjectionError),
        }),
      ),
    }),
  ),
});
export const RebuildStarted = Type.Object({ name: Type.String(), generation: Type.Integer({ minimum: 1 }), resumed: Type.Boolean(), status: Type.Literal('rebuilding') });

/** docs/OPERATIONS.md describes every field. */
export const ClusterStatus = Type.Object({ clustered: Type.Boolean(), node: Type.Optional(Type.String()), members: Type.Array(Type.Record(Type.String(), Type.Unknown())) });
