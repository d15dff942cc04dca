import type { Transaction } from './types.js';

/** A durable timer: at `dueAt` (epoch ms) its message is due to `actor`. One per (actor, key). */
export interface DueTimer<Message = unknown> {
  actor: string;
  key: string;
  dueAt: number;
  /** Names this arming of the timer: a reschedule gives a new id, so an old firing never removes the new one. */
  commandId: string;
  message: Message;
}

export type TimerChange =
  | ({ kind: 'schedule' } & DueTimer)
  | { kind: 'cancel'; actor: string; key: string };

/**
 * The due index of durable timers (PostgreSQL, also on PGlite: `PostgresTimers`). Generic: a
 * timer's message is JSON the store does not read.
 *
 * Firing is claim, deliver, then `remove` (or `retryAt`). A claim is a lease: for `claimMs` no
 * other claimer gets the row; a claimer that dies before `remove` leaves it to be claimed again
 * when the lease ends, so a timer fires at least once and two claimers never hold it at once.
 *
 * @example
 * await timers.apply([{ kind: 'schedule', actor: 'challenge/c7', key: 'end', dueAt, commandId, message }], tx);
 * for (const timer of await timers.claimDue(now, { limit: 200, claimMs: 30_000 })) { deliver(timer); await timers.remove(timer); }
 */
export interface TimerStore {
  /** Writes schedules (replacing the timer of the same key, unclaimed) and cancels, in `tx` when given. */
  apply(changes: readonly TimerChange[], tx?: Transaction): Promise<void>;
  /** Claims up to `limit` timers due at `now` that nobody holds, earliest first, until `now + claimMs`. */
  claimDue(now: number, options: { limit: number; claimMs: number }): Promise<DueTimer[]>;
  /** Removes a fired timer, unless it was rescheduled meanwhile (another command id). */
  remove(timer: Pick<DueTimer, 'actor' | 'key' | 'commandId'>): Promise<void>;
  /** Gives a claimed timer back, to be claimed again from `at` (its delivery was not taken). */
  retryAt(timer: Pick<DueTimer, 'actor' | 'key' | 'commandId'>, at: number): Promise<void>;
  /** When a claimer should look next: the earliest time a timer is due and unclaimed. */
  nextDue(): Promise<number | undefined>;
}
