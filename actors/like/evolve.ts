import type { LikeEvent } from './events.js';
import type { LikeState } from './state.js';

/** Applies one event to the like's state. Pure. */
export function evolve(_state: LikeState, event: LikeEvent): LikeState {
  const { postId, userId, seq } = event.data;
  return { postId, userId, liked: event.type === 'social.post.liked', seq };
}
