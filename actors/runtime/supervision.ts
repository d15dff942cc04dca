import { ErrorCode, GamifierError } from '../../protocol/errors.js';
import type { RuntimeSettings } from './settings.js';

/** Delay before the n-th restart (n ≥ 1): exponential, capped. */
export function restartDelay(settings: RuntimeSettings, attempt: number): number {
  return Math.min(settings.backoffBaseMs * 2 ** (attempt - 1), settings.backoffMaxMs);
}

const infrastructureCodes = new Set<string>([
  ErrorCode.STORE_UNAVAILABLE,
  ErrorCode.STORE_CLOSED,
  ErrorCode.STORE_QUERY_FAILED,
]);

/**
 * A fault of the surroundings (the database), not of the actor's code: it is reported to the
 * sender as retryable and does not count as a crash.
 */
export function isInfrastructureFault(error: unknown): error is GamifierError {
  return error instanceof GamifierError && infrastructureCodes.has(error.code);
}

/**
 * The store refused to keep the events a command decided (EVENT_NOT_SERIALIZABLE: text that its
 * readers could not give back). Retrying would decide the same events: the command fails at once.
 */
export function isUnstorable(error: unknown): error is GamifierError {
  return error instanceof GamifierError && error.code === ErrorCode.EVENT_NOT_SERIALIZABLE;
}

/** Counts an actor's dead letters in a sliding window and says when it must be quarantined. */
export class CrashRecord {
  private times: number[] = [];

  /** Records a dead letter at `now`; returns true when the actor must now be quarantined. */
  record(now: number, settings: RuntimeSettings): boolean {
    this.times = this.times.filter((t) => now - t < settings.quarantineWindowMs);
    this.times.push(now);
    if (this.times.length >= settings.quarantineAfter) {
      this.times = [];
      return true;
    }
    return false;
  }
}
