import type { LogCursor } from '../types.js';
import type { Lag } from './lag.js';
import type { ParkedEvent } from './parked.js';
import type { ProjectorFailure } from './projector.js';

/**
 * - `catching-up`: applying a backlog; `live`: has reached the head of the log and follows it
 *   (events it parked do not change that: see `parked`);
 * - `rebuilding`: a new generation is being filled (the current one still serves, see `rebuild`);
 * - `failed`: the last batch failed and is being retried (see `error`); `stopped`: not running here.
 */
export type ProjectionState = 'catching-up' | 'live' | 'rebuilding' | 'failed' | 'stopped';

export interface ProjectionError {
  message: string;
  /** Failures in a row of the same batch. */
  attempts: number;
  since: string;
}

export interface ProjectionLagStatus {
  /** Events of the projection's types not applied yet (estimated past 10,000: `approximate`). */
  events: number;
  approximate: boolean;
  /** Age of the oldest event not applied yet; 0 when caught up. */
  seconds: number;
}

export interface RebuildStatus {
  generation: number;
  startedAt: string;
  /** `filling`: applying the log into the new tables; `swapping`: making them the served ones. */
  phase: 'filling' | 'swapping';
  checkpoint: LogCursor;
  lag: ProjectionLagStatus;
  /** Rough share of the log applied so far, 0..1 (by log position). */
  progress: number;
  /** Events applied into the new generation by this node. */
  appliedEvents: number;
  /** Events parked in the new generation. */
  parked: number;
  error?: ProjectionError;
}

/** The events a generation's projector could not apply and moved past. */
export interface ParkedStatus {
  count: number;
  /** The first of them in log order (at most `parkedShown`); list them all with `Projections.parked`. */
  events: ParkedEvent[];
}

/** How many parked events a status shows. */
export const parkedShown = 10;

/**
 * One projection as an operator sees it.
 *
 * @example
 * { name: 'leaderboard', version: 1, servedVersion: 1, generation: 2, state: 'live',
 *   checkpoint: { txId: 7841, position: 90233 }, lag: { events: 0, approximate: false, seconds: 0 }, appliedEvents: 5120 }
 */
export interface ProjectionStatus {
  name: string;
  /** The version of the code; `servedVersion` is the version that built the served tables. */
  version: number;
  servedVersion: number;
  /** The generation of tables queries read. */
  generation: number;
  state: ProjectionState;
  /** The served generation's checkpoint. */
  checkpoint: LogCursor;
  lag: ProjectionLagStatus;
  /** Events applied by this node's live projector since it started. */
  appliedEvents: number;
  /** Events of the served generation that could not be applied and were moved past. */
  parked: ParkedStatus;
  error?: ProjectionError;
  rebuild?: RebuildStatus;
}

export function lagStatus(lag: Lag): ProjectionLagStatus {
  return { events: lag.events, approximate: lag.approximate, seconds: lag.seconds };
}

export function errorStatus(failure: ProjectorFailure): ProjectionError {
  return { message: failure.error.message, attempts: failure.attempts, since: failure.since.toISOString() };
}
