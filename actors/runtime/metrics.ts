import type { Outcome } from './outcome.js';

/**
 * Hooks the runtime calls as things happen; the server binds them to Prometheus. Gauges (active
 * actors, mailbox depth) are read from `ActorRuntime.stats()` instead.
 */
export interface RuntimeMetrics {
  activated(actorType: string, fromSnapshot: boolean, events: number, ms: number): void;
  passivated(actorType: string, reason: 'idle' | 'evicted' | 'shutdown' | 'handoff'): void;
  commandHandled(actorType: string, commandType: string, outcome: Outcome, ms: number): void;
  restarted(actorType: string): void;
  deadLettered(actorType: string): void;
  /** A command crashed its actor on every attempt and could not be kept as a dead letter: log it with the command. */
  deadLetterLost(actorType: string, command: { id: string; to: string; type: string }, error: unknown): void;
  quarantined(actorType: string): void;
  /** Something failed off the critical path (a snapshot write, a dead-letter write). */
  backgroundError(what: string, error: unknown): void;
}

export const noMetrics: RuntimeMetrics = {
  activated: () => undefined,
  passivated: () => undefined,
  commandHandled: () => undefined,
  restarted: () => undefined,
  deadLettered: () => undefined,
  deadLetterLost: () => undefined,
  quarantined: () => undefined,
  backgroundError: () => undefined,
};
