import { ErrorCode, GamifierError } from '../protocol/errors.js';
import type { ExpectedVersion, StreamId } from './types.js';

export class StreamIdInvalidError extends GamifierError {
  constructor(readonly streamId: unknown) {
    super(ErrorCode.STREAM_ID_INVALID, `stream id ${JSON.stringify(streamId)} is not of the form type/id`);
  }
}

export class StreamVersionConflictError extends GamifierError {
  constructor(
    readonly streamId: StreamId,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(ErrorCode.STREAM_VERSION_CONFLICT, `stream ${streamId} is at version ${actual}, expected ${expected}`);
  }
}

export class AppendEmptyError extends GamifierError {
  constructor(readonly streamId: StreamId) {
    super(ErrorCode.APPEND_EMPTY, `append to ${streamId} carried no events`);
  }
}

export class EventInvalidError extends GamifierError {
  constructor(message: string) {
    super(ErrorCode.EVENT_INVALID, message);
  }
}

export class EventNotSerializableError extends GamifierError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(ErrorCode.EVENT_NOT_SERIALIZABLE, `${path} is not plain JSON: ${reason}`);
  }
}

export class EventIdConflictError extends GamifierError {
  constructor(
    readonly eventId: string,
    message: string,
  ) {
    super(ErrorCode.EVENT_ID_CONFLICT, message);
  }
}

export class UpcastFailedError extends GamifierError {
  constructor(type: string, schemaVersion: number, cause: unknown) {
    super(ErrorCode.UPCAST_FAILED, `upcasting ${type} v${schemaVersion} failed`, { cause });
  }
}

/** The database could not be reached; the outcome of a write in flight is unknown, so retry it with the same ids. */
export class StoreUnavailableError extends GamifierError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.STORE_UNAVAILABLE, message, { cause });
  }
}

export class StoreQueryError extends GamifierError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.STORE_QUERY_FAILED, message, { cause });
  }
}

export class StoreClosedError extends GamifierError {
  constructor() {
    super(ErrorCode.STORE_CLOSED, 'the event store is closed');
  }
}

export class MigrationFailedError extends GamifierError {
  constructor(version: number, name: string, cause: unknown) {
    super(ErrorCode.MIGRATION_FAILED, `migration ${version} (${name}) failed`, { cause });
  }
}

const connectionCodes = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'QUEUE_TIMEOUT', // postgres.js: no connection of the pool came free in time
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
]);

export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && connectionCodes.has(code);
}

/**
 * Turns a driver error into one of ours. Call it in the caller's own async frame, after its
 * `await`, so that the new error's async stack names the line that asked for the operation.
 */
export function storeError(error: unknown, what: string): Error {
  if (error instanceof GamifierError) return error;
  if (isConnectionError(error)) return new StoreUnavailableError(`${what}: database unreachable`, error);
  return new StoreQueryError(`${what}: ${(error as Error)?.message ?? String(error)}`, error);
}

/** The error itself or the first error in its `cause` chain that is an instance of `type`. */
export function causedBy<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    if (current instanceof type) return current;
  }
  return undefined;
}

/** Data keys in the table are wrapped by master keys this process was not given (a lost or forgotten master key). */
export class DataKeyUnknownError extends GamifierError {
  constructor(readonly masterKeyIds: readonly string[]) {
    super(
      ErrorCode.DATA_KEY_UNKNOWN,
      `subject keys are wrapped by master key ${masterKeyIds.join(', ')}, which DATA_KEYS does not hold: add it (see docs/OPERATIONS.md "Personal data keys")`,
    );
  }
}

/** A configured master key's material differs from what was used before under its id. */
export class DataKeyMismatchError extends GamifierError {
  constructor(readonly masterKeyId: string) {
    super(ErrorCode.DATA_KEY_MISMATCH, `master key ${masterKeyId} of DATA_KEYS is not the key that id named before (its check value differs)`);
  }
}
