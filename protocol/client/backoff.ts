/** How long to wait before each reconnection attempt (or each retry of a command, see `RetryOptions`). */
export interface BackoffOptions {
  /** The delay before the first attempt after a connection was lost. */
  initialDelayMs: number;
  /** No delay grows beyond this. */
  maxDelayMs: number;
  /** Each failed attempt multiplies the delay by this. */
  factor: number;
  /** 0–1: how much of each delay is randomised away, so that clients dropped together do not return together. */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = { initialDelayMs: 250, maxDelayMs: 30_000, factor: 2, jitter: 0.5 };

/**
 * The delay before attempt `attempt` (0 for the first): exponential, capped, minus a random share.
 *
 * @example
 * backoffDelay(3, defaultBackoff, () => 0); // 2000
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** attempt);
  return Math.round(ceiling * (1 - options.jitter * random()));
}
