/** A handle returned by `Clock.setTimer`. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * The only source of time in the runtime. Production uses the system clock; tests use
 * `SimulatedClock` and advance it instead of sleeping.
 */
export interface Clock {
  now(): number;
  setTimer(delayMs: number, fire: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, fire) {
    const timer = setTimeout(fire, Math.max(0, delayMs));
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};

/**
 * A clock that moves only when told. Timers fire in due order during `advance`.
 *
 * @example
 * const clock = new SimulatedClock(Date.parse('2026-01-01T00:00:00Z'));
 * clock.setTimer(1000, () => console.log('fired'));
 * await clock.advance(1000);   // prints 'fired'
 */
export class SimulatedClock implements Clock {
  private timers: Array<{ at: number; seq: number; fire: () => void }> = [];
  private seq = 0;

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, fire: () => void): TimerHandle {
    const timer = { at: this.current + Math.max(0, delayMs), seq: this.seq++, fire };
    this.timers.push(timer);
    return { cancel: () => void (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  /** Moves time forward, firing due timers in order and letting their promise chains run. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.fire();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.current = target;
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Jumps to an absolute time (forward only). */
  advanceTo(time: number): Promise<void> {
    return this.advance(Math.max(0, time - this.current));
  }
}

/** Resolves after `ms` on the given clock, or at once when the signal aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = () => {
      timer.cancel();
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
