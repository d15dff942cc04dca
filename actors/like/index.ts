import type { ActorType } from '../runtime/types.js';
import { likeClientCommands, likeSystemCommands, type LikeCommand } from './commands.js';
import { decide } from './decide.js';
import type { LikeEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialLikeState, type LikeState } from './state.js';

/**
 * The like actor type (`like/<postId>@<userId>`): one player's like of one post. Likes are actors
 * of their own so that a post's state is a count, never the set of everyone who liked it.
 *
 * @example
 * runtime.register(likeActorType);
 * send({ to: 'like/p1@u2', type: 'post.like', payload: { postId: 'p1' } }); // as u2
 */
export const likeActorType: ActorType<LikeState, LikeCommand, LikeEvent> = {
  name: 'like',
  initialState: initialLikeState,
  decide: (state, command) => decide(state, command),
  evolve,
  clientCommands: likeClientCommands,
  systemCommands: likeSystemCommands,
  stateVersion: 1,
};

export type * from './commands.js';
export type * from './events.js';
export type { LikeState } from './state.js';
export { likeClientCommands } from './commands.js';
export { LikeErrorCode } from './errors.js';
