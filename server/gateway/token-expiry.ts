import type { Clock, TimerHandle } from '../../actors/runtime/index.js';

/** The longest delay a timer takes (setTimeout's, 2^31 − 1 ms, about 24.8 days); longer ones are armed in steps. */
const LONGEST_DELAY_MS = 2 ** 31 - 1;

/**
 * When a session's token expires: `expired` runs at that time, on the injected clock, unless a
 * fresh token moved it (`renew`) or the session ended (`cancel`).
 *
 * @example
 * const expiry = new TokenExpiry(clock, () => session.close(CloseCode.POLICY_VIOLATION, 'token expired'));
 * expiry.renew(principal.expiresAt);
 */
export class TokenExpiry {
  private at: number | undefined;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly expired: () => void,
  ) {}

  /** Whether the token has expired by `now` (timers may run late; frames are checked too). */
  passed(now: number): boolean {
    return this.at !== undefined && now >= this.at;
  }

  renew(expiresAt: number): void {
    this.at = expiresAt;
    this.arm();
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.at = undefined;
  }

  private arm(): void {
    this.timer?.cancel();
    const delay = this.at! - this.clock.now();
    this.timer = this.clock.setTimer(Math.min(Math.max(0, delay), LONGEST_DELAY_MS), () => {
      this.timer = undefined;
      if (this.at === undefined) return;
      if (this.passed(this.clock.now())) this.expired();
      else this.arm();
    });
  }
}
