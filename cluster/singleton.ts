import type { ClusterLog } from './metrics.js';

/** Work that runs on one node of the cluster at a time: the outbox, the timers, the projectors. */
export interface ClusterWork {
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

/**
 * Cluster-wide work under the lease of shard 0: started when this node is granted the shard,
 * stopped before it hands the shard over or when it finds the lease lost. Starts and stops run one
 * after the other, never interleaved. A stale holder (a node that paused) is fenced by the work's
 * own checkpoints: each batch moves its checkpoint by compare-and-set.
 */
export class Singleton {
  private running = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly work: ClusterWork,
    private readonly log: ClusterLog,
  ) {}

  start(): void {
    this.chain = this.chain.then(async () => {
      if (this.running) return;
      this.running = true;
      await this.work.start();
      this.log.info({}, 'cluster-wide work (outbox, timers, projections) started on this node');
    });
  }

  /** Resolves when the starts and stops asked for so far are done. */
  settled(): Promise<void> {
    return this.chain;
  }

  stop(): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (!this.running) return;
      this.running = false;
      await this.work.stop();
      this.log.info({}, 'cluster-wide work stopped on this node');
    });
    return this.chain;
  }
}
