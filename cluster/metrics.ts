/** What the cluster reports; server/metrics.ts turns it into `gamifier_cluster_*` (docs/OPERATIONS.md). */
export interface ClusterMetrics {
  shardsOwned(count: number): void;
  serving(valid: boolean): void;
  members(byStatus: Record<string, number>): void;
  handoff(direction: 'in' | 'out', reason: 'released' | 'expired' | 'rebalance' | 'drain' | 'lost'): void;
  handoffsInFlight(count: number): void;
  routingRetry(reason: string): void;
  remoteCommand(seconds: number): void;
  renewal(result: 'ok' | 'failed'): void;
  renewalLate(): void;
}

/** The logger the cluster reports to: pino's `Logger` fits. */
export interface ClusterLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
