// The messages that pass between actor types, in one place that each type imports: the player's
// and the challenge's actors depend on these, never on each other.

/** What a challenge counts. */
export const challengeKinds = ['meals-logged', 'water-ml', 'goal-days', 'points'] as const;
export type ChallengeKind = (typeof challengeKinds)[number];

/** The payload of `challenge.progress.record`, which the player's actor sends to the challenges it tracks. */
export interface ProgressRecordPayload {
  userId: string;
  delta: number;
  sourceEventId: string;
  /** When the player's event happened (the player actor's `meta.now`): the challenge counts it only inside its window. */
  at: number;
}
