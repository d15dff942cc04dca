/**
 * A token bucket: `size` tokens, refilled at `perSec` a second; each frame takes one.
 *
 * @example
 * const bucket = new TokenBucket(50, 100, clock.now());
 * if (!bucket.take(clock.now())) reply(RATE_LIMITED);
 */
export class TokenBucket {
  private tokens: number;

  constructor(
    private readonly perSec: number,
    private readonly size: number,
    private last: number,
  ) {
    this.tokens = size;
  }

  take(now: number): boolean {
    if (now > this.last) {
      this.tokens = Math.min(this.size, this.tokens + ((now - this.last) * this.perSec) / 1000);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Counts hits in fixed windows of `windowMs`; `hit` says whether the window's count went over `max`. */
export class WindowCounter {
  private count = 0;
  private start: number;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    now: number,
  ) {
    this.start = now;
  }

  hit(now: number): boolean {
    if (now - this.start >= this.windowMs) {
      this.start = now;
      this.count = 0;
    }
    this.count += 1;
    return this.count > this.max;
  }
}
