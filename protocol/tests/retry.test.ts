import { describe, expect, it } from 'vitest';
import { defaultRetry, ErrorCode } from '../client/index.js';
import { RetryPolicy } from '../client/retry.js';

const now = 1_767_225_600_000;
const first = (retries: number) => ({ retries, since: now });

describe("the SDK's retry policy", () => {
  it('waits 50 ms, doubling up to 1 s, minus the jitter', () => {
    const policy = new RetryPolicy(defaultRetry, () => 0);
    expect([0, 1, 2, 3, 4, 5, 6].map((retries) => policy.delay(ErrorCode.SHARD_UNAVAILABLE, first(retries), 50, now))).toEqual([
      50, 100, 200, 400, 800, 1_000, 1_000,
    ]);
    const jittered = new RetryPolicy(defaultRetry, () => 1);
    expect(jittered.delay(ErrorCode.SHARD_UNAVAILABLE, first(5), 50, now)).toBe(500);
  });

  it('retries only the retryable codes, and none that would start past the budget', () => {
    const policy = new RetryPolicy(defaultRetry, () => 0);
    expect(policy.delay(ErrorCode.ACTOR_CRASHED, first(0), 50, now)).toBeUndefined();
    expect(policy.delay('A_CODE_FROM_A_NEWER_SERVER', first(0), 50, now)).toBeUndefined();
    expect(policy.delay(ErrorCode.STORE_UNAVAILABLE, { retries: 9, since: now - 28_000 }, 50, now)).toBe(1_000);
    expect(policy.delay(ErrorCode.STORE_UNAVAILABLE, { retries: 9, since: now - 29_500 }, 50, now)).toBeUndefined();
  });

  it("gives each rate-limited command a turn of its own at the welcome's rate", () => {
    const policy = new RetryPolicy({ ...defaultRetry, jitter: 1 }, () => 1); // no backoff: the turns alone
    const limited = () => policy.delay(ErrorCode.RATE_LIMITED, first(0), 50, now);
    expect([limited(), limited(), policy.delay(ErrorCode.RUNTIME_STOPPED, first(0), 50, now), limited()]).toEqual([20, 40, 0, 60]);
    expect(policy.delay(ErrorCode.RATE_LIMITED, first(0), 50, now + 1_000)).toBe(20);
  });
});
