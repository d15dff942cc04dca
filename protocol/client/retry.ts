import { ErrorCode, isRetryable } from '../errors.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';

/**
 * How the SDK sends a command again when the server answers it with a retryable code
 * (protocol/errors.ts `retryableCodes`): with the same id, after a backoff delay.
 */
export interface RetryOptions extends BackoffOptions {
  /**
   * How long after `send` a command may still be sent again. A retry that would start later is not
   * made: the caller gets the last error. `send` answers within about this plus its timeout.
   */
  budgetMs: number;
}

export const defaultRetry: RetryOptions = { initialDelayMs: 50, maxDelayMs: 1_000, factor: 2, jitter: 0.5, budgetMs: 30_000 };

/**
 * When to send a command again after a retryable answer. A rate-limited command also waits for
 * its turn at the welcome's rate (`limits.ratePerSec`), so that the commands refused in one burst
 * come back one after the other rather than in a new burst: the `err` frame carries no retry hint.
 *
 * @example
 * const policy = new RetryPolicy(defaultRetry);
 * policy.delay(ErrorCode.SHARD_UNAVAILABLE, { retries: 0, since: Date.now() }, 50); // 25–50
 */
export class RetryPolicy {
  /** When the next rate-limited command may go out (epoch ms). */
  private nextTurn = 0;

  constructor(
    private readonly options: RetryOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The delay before the next attempt of a command answered `code`, which was sent first at
   * `since` and retried `retries` times; undefined when it is not to be sent again (the code is
   * not retryable, or the attempt would start past the budget).
   */
  delay(code: string, attempts: { retries: number; since: number }, ratePerSec: number, now = Date.now()): number | undefined {
    if (!isRetryable(code)) return undefined;
    const limited = code === ErrorCode.RATE_LIMITED;
    const turn = limited ? Math.max(now, this.nextTurn) + 1_000 / ratePerSec : now;
    const delay = Math.max(backoffDelay(attempts.retries, this.options, this.random), Math.ceil(turn - now));
    if (now + delay - attempts.since > this.options.budgetMs) return undefined;
    if (limited) this.nextTurn = turn;
    return delay;
  }
}
