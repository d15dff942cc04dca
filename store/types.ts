import type { Sql } from 'postgres';

/** A stream is addressed `type/id`, e.g. `user/u42`; its type is the part before the slash. */
export type StreamId = string;

/** Expected version of a stream when appending: any, none yet, or exactly n events. */
export type ExpectedVersion = number | typeof ANY | typeof NO_STREAM;
export const ANY = 'any' as const;
export const NO_STREAM = 'no-stream' as const;
/** The highest version a stream can reach (versions are 32-bit integers in the table). */
export const MAX_STREAM_VERSION = 2_147_483_647;

/** Who and what caused an event. Every field is optional; extra fields are kept as they are. */
export interface EventMetadata {
  commandId?: string;
  correlationId?: string;
  causationId?: string;
  userId?: string;
  node?: string;
  [key: string]: unknown;
}

/** An event to append. `id` is chosen by the writer: re-appending the same ids is a no-op. */
export interface NewEvent<Data = unknown> {
  id: string;
  type: string;
  data: Data;
  /** Schema version of `data`; 1 when omitted. */
  schemaVersion?: number;
  metadata?: EventMetadata;
}

export interface RecordedEvent<Data = unknown> {
  /** Unique, increasing within a transaction; the log's order is (txId, position). */
  position: number;
  /** Id of the transaction that wrote the event (xid8). */
  txId: number;
  streamId: StreamId;
  streamType: string;
  /** 1 for a stream's first event. */
  version: number;
  id: string;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  createdAt: Date;
}

export interface AppendResult {
  streamId: StreamId;
  /** The stream's version after the append (that of its last event). */
  version: number;
  /** Global positions of the appended events, in order. */
  positions: number[];
  /** True when every event id was already stored: nothing new was written. */
  duplicate: boolean;
}

/**
 * A place in the global log. The log is ordered by (transaction id, position): a reader only
 * moves past transactions older than every transaction still running, so an event committed late
 * by a slow transaction can never fall behind a cursor.
 */
export interface LogCursor {
  txId: number;
  position: number;
}

export const LOG_START: LogCursor = Object.freeze({ txId: 0, position: 0 });

export interface ReadAllOptions {
  limit?: number;
  /** Only events of these types; the cursor still advances past the others. */
  types?: readonly string[];
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Where the next read starts; equals the input cursor when nothing new was safe to read. */
  next: LogCursor;
}

export interface TailOptions extends ReadAllOptions {
  signal?: AbortSignal;
}

export interface Snapshot<State = unknown> {
  streamId: StreamId;
  /** The stream version the state covers. */
  version: number;
  schemaVersion: number;
  state: State;
  createdAt: Date;
}

export interface LatestState<State = unknown> {
  snapshot: Snapshot<State> | undefined;
  /** The events after the snapshot's version, in order. */
  events: RecordedEvent[];
}

export interface SnapshotToSave<State = unknown> {
  streamId: StreamId;
  version: number;
  schemaVersion?: number;
  state: State;
}

/** Where a command's events are in its stream (`EventStore.commandEvents`). */
export interface CommandEvents {
  firstVersion: number;
  lastVersion: number;
  /** The first event's metadata. */
  metadata: EventMetadata;
}

/** What an {@link EventCodec} sees of a stored event: its type and its data, which it may replace in place. */
export interface StoredData {
  /** Null for rows that are not events (a snapshot's row in a load); a codec leaves them alone. */
  readonly type: string | null;
  data: unknown;
}

/**
 * Turns events' data into what is stored and back (store/personal-data: personal fields
 * encrypted). `encode` runs on every append before validation and must not change the caller's
 * events; `decode` on every read of events (streams, loads, the global log), before upcasting.
 *
 * @example
 * const store = await PostgresEventStore.open(sql, { codec: new PersonalDataCodec(policy, keys) });
 */
export interface EventCodec {
  encode(streamId: StreamId, events: readonly NewEvent[]): Promise<readonly NewEvent[]>;
  decode(events: readonly StoredData[]): Promise<void>;
}

/** A transaction handle for read-model writes that commit together with a checkpoint. */
export type Transaction = Sql;

/**
 * The event store: streams of events with optimistic concurrency, a gap-safe global log,
 * snapshots and projection checkpoints. Implemented once in SQL and run on PostgreSQL or PGlite.
 *
 * @example
 * const r = await store.append('user/u42', NO_STREAM, [{ id, type: 'user.registered', data }]);
 * const events = await store.readStream('user/u42');
 */
export interface EventStore {
  /**
   * Decodes events read past the store's own reads (the parked events' listing) as every read
   * does: personal fields in the clear, or redacted once their subject was forgotten.
   */
  decodeStored(events: StoredData[]): Promise<void>;
  /** Appends events atomically; throws `STREAM_VERSION_CONFLICT` when `expected` does not hold. */
  append(streamId: StreamId, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult>;
  /** The stream's events with fromVersion ≤ version ≤ toVersion, upcast to their current schema. */
  readStream(streamId: StreamId, range?: { fromVersion?: number; toVersion?: number }): Promise<RecordedEvent[]>;
  /** The stream's current version, 0 when it has no events. */
  streamVersion(streamId: StreamId): Promise<number>;
  /**
   * The current versions of many streams in one round trip (0 for a stream without events): one
   * probe of the `(stream_id, version)` index per stream.
   *
   * @example
   * const versions = await store.streamVersions(['user/u42', 'challenge/c7']); // Map { 'user/u42' => 12, … }
   */
  streamVersions(streamIds: readonly StreamId[]): Promise<Map<StreamId, number>>;
  /** Events after `from` in log order, only those no still-running transaction can precede. */
  readAll(from: LogCursor, options?: ReadAllOptions): Promise<ReadAllResult>;
  /** Batches of events after `from`, forever: wakes on appends, polls with backoff when idle. */
  tail(from: LogCursor, options?: TailOptions): AsyncIterable<RecordedEvent[]>;

  saveSnapshot(snapshot: SnapshotToSave): Promise<void>;
  loadSnapshot<State = unknown>(streamId: StreamId): Promise<Snapshot<State> | undefined>;
  /**
   * What it takes to load a stream's state, in one round trip: its latest snapshot if that has
   * `schemaVersion`, and the events after it (all of them without such a snapshot).
   *
   * @example
   * const { snapshot, events } = await store.loadLatest('user/u42', 1);
   */
  loadLatest<State = unknown>(streamId: StreamId, schemaVersion: number): Promise<LatestState<State>>;

  loadCheckpoint(name: string): Promise<LogCursor>;
  /**
   * Runs `update` and stores the checkpoint in one transaction: both commit or neither. With a
   * `fence`, a compare-and-set: the transaction first locks the checkpoint and fails with
   * CheckpointMovedError (wrapped; find it with `causedBy`) unless it is still at `fence.from`,
   * so two writers never both move it from one place, nor one move it back. Without a fence the
   * checkpoint is set as given (an operator's rewind).
   *
   * @example
   * await store.commitCheckpoint('runtime.effects', next, (tx) => timers.apply(changes, tx), { from: previous });
   */
  commitCheckpoint(name: string, cursor: LogCursor, update?: (tx: Transaction) => Promise<void>, fence?: { from: LogCursor }): Promise<void>;

  /**
   * The events a command appended, found by the id of its first event: that event's version and
   * metadata, and the last version of the run that follows it with the same `commandId` and
   * `userId` in their metadata (a command's events are one append). Undefined: no such event.
   *
   * @example
   * const applied = await store.commandEvents('user/u42', firstEventId, { commandId: 'c8', userId: 'u42' });
   */
  commandEvents(streamId: StreamId, firstEventId: string, sender: { commandId: string; userId: string | undefined }): Promise<CommandEvents | undefined>;

  /** The underlying connection, for the store's sibling modules (read models); the actor runtime never uses it. */
  readonly sql: Sql;
  close(): Promise<void>;
}
