import type { BusLog, BusOptions, BusStats, BusStatus } from './bus.js';

/** What both buses report: status changes, faults of handlers, dropped messages; logged and counted. */
export class BusMonitor {
  private connected = true;
  private readonly statuses: Record<string, number> = {};
  private handlerErrors = 0;
  private dropped = 0;
  private warnedOfDrops = false;
  private readonly log: BusLog | undefined;

  constructor(
    private readonly options: BusOptions,
    private readonly name: string,
  ) {
    this.log = options.log;
  }

  status(status: BusStatus): void {
    this.statuses[status.type] = (this.statuses[status.type] ?? 0) + 1;
    const fields = { bus: this.name, status: status.type, server: status.server, err: status.error };
    if (status.type === 'disconnect' || status.type === 'error' || status.type === 'staleConnection') this.log?.warn(fields, 'bus connection status');
    else if (status.type !== 'ping' && status.type !== 'reconnecting') this.log?.info(fields, 'bus connection status');
    try {
      this.options.onStatus?.(status);
    } catch (error) {
      this.log?.error({ bus: this.name, err: error }, 'bus onStatus callback failed');
    }
  }

  handlerFailed(subject: string, error: unknown): void {
    this.handlerErrors++;
    this.log?.error({ bus: this.name, subject, err: error }, 'bus handler failed');
  }

  drop(subject: string): void {
    this.dropped++;
    // Logged once per outage: an outage at thousands of events a second must not flood the log.
    if (this.warnedOfDrops) return;
    this.warnedOfDrops = true;
    this.log?.warn({ bus: this.name, subject, dropped: this.dropped }, 'bus messages dropped while disconnected');
  }

  setConnected(connected: boolean): void {
    this.connected = connected;
    if (connected) this.warnedOfDrops = false;
  }

  stats(): BusStats {
    return { connected: this.connected, statuses: { ...this.statuses }, handlerErrors: this.handlerErrors, dropped: this.dropped };
  }
}
