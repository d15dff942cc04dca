import { ErrorCode, isRetryable } from '../../protocol/errors.js';
import type { EventMetadata } from '../../store/index.js';

/** An event a command appended, as its sender sees it. */
export interface CommittedEvent {
  id: string;
  type: string;
  data: unknown;
  version: number;
  position: number;
  metadata: EventMetadata;
}

/** What handling a command came to. Every command sent gets exactly one. */
export type Outcome =
  | {
      status: 'ok';
      /** The actor's stream version after the command. */
      version: number;
      /** The events this command appended (empty for a no-op, or for a duplicate answered from the store). */
      events: CommittedEvent[];
      /** True when the command id had been handled before: nothing new was applied. */
      duplicate: boolean;
    }
  | { status: 'rejected'; code: string; message: string }
  | { status: 'failed'; code: FailureCode; message: string };

export type FailureCode =
  | typeof ErrorCode.COMMAND_INVALID
  | typeof ErrorCode.COMMAND_UNKNOWN
  | typeof ErrorCode.ACTOR_TYPE_UNKNOWN
  | typeof ErrorCode.ACTOR_CRASHED
  | typeof ErrorCode.ACTOR_CRASHED_NOT_KEPT
  | typeof ErrorCode.EVENT_NOT_SERIALIZABLE
  | typeof ErrorCode.ACTOR_UNAVAILABLE
  | typeof ErrorCode.RUNTIME_STOPPED
  | typeof ErrorCode.STREAM_VERSION_CONFLICT
  | typeof ErrorCode.STORE_UNAVAILABLE
  | typeof ErrorCode.DEAD_LETTER_NOT_FOUND
  | typeof ErrorCode.COMMAND_ID_REUSED
  | typeof ErrorCode.SHARD_UNAVAILABLE;

export const failed = (code: FailureCode, message: string): Outcome => ({ status: 'failed', code, message });

/**
 * Whether an outcome means a command was taken for good (answered, rejected or dead-lettered):
 * sending it again could not change anything. The outbox and the timers resend until it is.
 * A failure is not taken when its code is retryable (protocol/errors.ts `retryableCodes`, the
 * list clients use too; RATE_LIMITED, the one code there no runtime outcome carries, aside).
 */
export function taken(outcome: Outcome): boolean {
  return outcome.status !== 'failed' || !isRetryable(outcome.code);
}
