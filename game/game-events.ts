import type { ChallengeEvent } from '../actors/challenge/events.js';
import type { PostEvent } from '../actors/post/events.js';
import type { UserEvent } from '../actors/user/events.js';
import type { RecordedEvent } from '../store/index.js';

type Logged<E> = E extends { type: infer Type; data: infer Data } ? Omit<RecordedEvent, 'type' | 'data'> & { type: Type; data: Data } : never;

/** A recorded event of the game, narrowed by `type`: `switch (event.type)` types `event.data`. */
export type GameEvent = Logged<UserEvent> | Logged<ChallengeEvent> | Logged<PostEvent>;

/**
 * The batch as game events. The projector reads only the types a projection declares, and
 * upcasters bring every event to today's schema on read, so the data has the declared shape.
 */
export function gameEvents(events: readonly RecordedEvent[]): readonly GameEvent[] {
  return events as unknown as readonly GameEvent[];
}

/** The id part of a stream id: `user/u42` → `u42`. */
export function streamKey(streamId: string): string {
  return streamId.slice(streamId.indexOf('/') + 1);
}

/** Calories and grams are kept to two decimals, as the actors keep them. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
