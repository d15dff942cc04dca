/** A doorbell: `ring()` wakes every `wait()` now; a wait otherwise ends after its timeout. */
export class Wake {
  private waiters = new Set<() => void>();

  ring(): void {
    if (this.waiters.size === 0) return;
    const waiters = this.waiters;
    this.waiters = new Set();
    waiters.forEach((wake) => wake());
  }

  /** Resolves true when rung, false on timeout or abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const done = (rung: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(onRing);
        signal?.removeEventListener('abort', onAbort);
        resolve(rung);
      };
      const onRing = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(onRing);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
