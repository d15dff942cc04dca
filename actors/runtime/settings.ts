/** Every knob of the actor runtime; docs/RUNTIME.md explains each. */
export interface RuntimeSettings {
  /** This node's name, recorded in event metadata and dead letters. */
  node: string;
  /** Snapshot an actor after this many events since its last snapshot (a type may override). */
  snapshotEvery: number;
  /** Passivate an actor idle for this long. */
  idleMs: number;
  /** At most this many active actors; the least recently used idle ones are passivated beyond it. */
  maxActive: number;
  /** Attempts of a command that crashes its actor before it is dead-lettered. */
  maxAttempts: number;
  /** First restart delay after a crash; doubles per attempt up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** This many dead letters of one actor within `quarantineWindowMs` quarantine it… */
  quarantineAfter: number;
  quarantineWindowMs: number;
  /** …for this long: its messages are answered ACTOR_UNAVAILABLE. */
  quarantineMs: number;
  /** Outcomes of this many recent commands kept per active actor, to answer retries at once. */
  recentOutcomes: number;
}

export const defaultSettings: RuntimeSettings = {
  node: 'node-1',
  snapshotEvery: 100,
  idleMs: 5 * 60_000,
  maxActive: 200_000,
  maxAttempts: 3,
  backoffBaseMs: 50,
  backoffMaxMs: 2_000,
  quarantineAfter: 3,
  quarantineWindowMs: 60_000,
  quarantineMs: 30_000,
  recentOutcomes: 8,
};
