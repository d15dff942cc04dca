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

  /** How long until a token is there again (0: now). */
  waitMs(now: number): number {
    const tokens = this.tokens + (Math.max(0, now - this.last) * this.perSec) / 1000;
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / this.perSec);
  }

  /** Refilled to the brim: no different from a new bucket. */
  full(now: number): boolean {
    return this.tokens + (Math.max(0, now - this.last) * this.perSec) / 1000 >= this.size;
  }
}

/**
 * One token bucket per player, shared by all of the player's WebSocket connections and their
 * `POST /v1/commands`: more connections, or HTTP, bring no more budget. Bounded in memory: a
 * bucket refilled to the brim is forgotten (a new one is the same), and beyond `maxPlayers` the
 * least recently used go first.
 *
 * @example
 * const budgets = new RateBudgets(50, 100);
 * if (!budgets.take('u42', clock.now())) reply(RATE_LIMITED, { retryAfterMs: budgets.waitMs('u42', clock.now()) });
 */
export class RateBudgets {
  /** Least recently used first. */
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly perSec: number,
    readonly burst: number,
    private readonly maxPlayers = 100_000,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  take(player: string, now: number): boolean {
    let bucket = this.buckets.get(player);
    if (bucket) this.buckets.delete(player);
    else bucket = new TokenBucket(this.perSec, this.burst, now);
    this.buckets.set(player, bucket);
    const taken = bucket.take(now);
    this.evict(now);
    return taken;
  }

  /** How long until `player` may send again (0: now). */
  waitMs(player: string, now: number): number {
    return this.buckets.get(player)?.waitMs(now) ?? 0;
  }

  private evict(now: number): void {
    for (const [player, bucket] of this.buckets) {
      if (this.buckets.size <= this.maxPlayers && !bucket.full(now)) return;
      this.buckets.delete(player);
    }
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
