import type { ClusterLog } from './metrics.js';

/** Work that runs on one node of the cluster at a time: the outbox, the timers, the projectors. */
export interface ClusterWork {
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

/**
 * Cluster-wide work under the lease of shard 0: wanted while this node holds the shard, not
 * wanted from the moment it hands the shard over or finds the lease lost. Starts and stops run
 * one after the other, never interleaved; a start that fails (the database went away meanwhile)
 * is undone and tried again a second later while the work is still wanted. A stale holder (a
 * node that paused) is fenced by the work's own checkpoints: each batch moves its checkpoint by
 * compare-and-set.
 */
export class Singleton {
  private wanted = false;
  private running = false;
  private chain: Promise<void> = Promise.resolve();
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly work: ClusterWork,
    private readonly log: ClusterLog,
    private readonly retryMs = 1_000,
  ) {}

  start(): void {
    this.wanted = true;
    this.settle();
  }

  /** Resolves once the work has stopped (or was not running). */
  stop(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.retry);
    return this.settle();
  }

  /** Resolves when the starts and stops asked for so far are done. */
  settled(): Promise<void> {
    return this.chain;
  }

  private settle(): Promise<void> {
    this.chain = this.chain.then(() => this.step());
    return this.chain;
  }

  /** Brings the work to what is wanted; never rejects, so the chain never breaks. */
  private async step(): Promise<void> {
    if (this.wanted && !this.running) {
      this.running = true;
      try {
        await this.work.start();
        this.log.info({}, 'cluster-wide work (outbox, timers, projections) started on this node');
      } catch (error) {
        this.log.warn({ err: error }, 'cluster-wide work did not start; trying again');
        await this.halt();
        if (this.wanted) this.retry = setTimeout(() => this.settle(), this.retryMs);
      }
    } else if (!this.wanted && this.running) {
      await this.halt();
      this.log.info({}, 'cluster-wide work stopped on this node');
    }
  }

  private async halt(): Promise<void> {
    this.running = false;
    await this.work.stop().catch((error: unknown) => this.log.error({ err: error }, 'stopping cluster-wide work failed'));
  }
}
