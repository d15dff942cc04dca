import type { ActorType } from '../runtime/types.js';
import { postClientCommands, postSystemCommands, type PostCommand } from './commands.js';
import { decide } from './decide.js';
import type { PostEvent } from './events.js';
import { evolve } from './evolve.js';
import { postMachine } from './machine.js';
import { initialPostState, type PostState } from './state.js';
import { postView } from './view.js';

/**
 * The post actor type (`post/<id>`): a player's post, its count of likes and its comments.
 *
 * @example
 * runtime.register(postActorType);
 * send({ to: 'post/p1', type: 'comment.add', payload: { commentId: 'k1', text: 'Nice!' } }); // as the authenticated player
 */
export const postActorType: ActorType<PostState, PostCommand, PostEvent> = {
  name: 'post',
  initialState: initialPostState,
  machine: postMachine,
  decide,
  evolve,
  clientCommands: postClientCommands,
  systemCommands: postSystemCommands,
  stateVersion: 1,
  view: (id, folded) => postView(id, folded),
};

export type * from './commands.js';
export type * from './events.js';
export type { PostState } from './state.js';
export { postClientCommands, postSystemCommands } from './commands.js';
export { PostErrorCode } from './errors.js';
export { postRules } from './rules.js';
export { postView, type PostView } from './view.js';
export { postPersonalData } from './personal-data.js';
