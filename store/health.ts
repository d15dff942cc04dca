import type { Sql } from 'postgres';
import { ErrorCode } from '../protocol/errors.js';
import { isConnectionError } from './errors.js';

/** What the last probe of the database found. */
export interface DatabaseState {
  readonly up: boolean;
  /** A stable code when down: `STORE_UNAVAILABLE` (unreachable, or no answer in time) or `STORE_QUERY_FAILED`. */
  readonly code: typeof ErrorCode.STORE_UNAVAILABLE | typeof ErrorCode.STORE_QUERY_FAILED | undefined;
  /** When the database last changed between up and down. */
  readonly since: Date;
  /** When the last probe ended. */
  readonly checkedAt: Date | undefined;
}

export interface DatabaseHealthOptions {
  /** A probe that takes longer counts as down (default 1,000 ms). */
  timeoutMs?: number;
  /** Between probes while up (default 1,000 ms) and while down (default 250 ms). */
  upIntervalMs?: number;
  downIntervalMs?: number;
  /** Called on every change between up and down, with the driver's error when down. */
  onChange?(state: DatabaseState, error: unknown): void;
}

/**
 * Knows, without asking the database on the caller's time, whether the database answers: a
 * background probe (`select 1` on a connection of its own, so that it never queues behind a busy
 * or dead pool) keeps the last answer. Readiness and the command path read it at no cost.
 *
 * @example
 * const health = new DatabaseHealth(probeSql, { onChange: (s) => log.warn(s, 'database') });
 * health.start();
 * if (!health.state.up) return unavailable();
 */
export class DatabaseHealth {
  private current: DatabaseState = { up: true, code: undefined, since: new Date(), checkedAt: undefined };
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly sql: Sql,
    private readonly options: DatabaseHealthOptions = {},
  ) {}

  get state(): DatabaseState {
    return this.current;
  }

  /** Probes now and then on a schedule; resolves after the first probe. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.probe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.probing;
  }

  /** One probe, its result kept; the next is scheduled after it. */
  probe(): Promise<void> {
    this.probing ??= this.runProbe().finally(() => {
      this.probing = undefined;
      if (this.stopped) return;
      const interval = this.current.up ? (this.options.upIntervalMs ?? 1_000) : (this.options.downIntervalMs ?? 250);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.probe(), interval);
      this.timer.unref();
    });
    return this.probing;
  }

  private async runProbe(): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 1_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'PROBE_TIMEOUT' })), timeoutMs);
    });
    try {
      await Promise.race([this.sql`select 1`, timedOut]);
      this.record(undefined, undefined);
    } catch (error) {
      const unreachable = isConnectionError(error) || (error as { code?: unknown }).code === 'PROBE_TIMEOUT';
      this.record(unreachable ? ErrorCode.STORE_UNAVAILABLE : ErrorCode.STORE_QUERY_FAILED, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private record(code: DatabaseState['code'], error: unknown): void {
    const up = code === undefined;
    const changed = up !== this.current.up || code !== this.current.code;
    const now = new Date();
    this.current = { up, code, since: changed ? now : this.current.since, checkedAt: now };
    if (changed) this.options.onChange?.(this.current, error);
  }
}
