import { accept, reject, type Decision } from '../runtime/types.js';
import { isPostId, type LikeCountPayload } from '../domain/contracts.js';
import type { LikeCommand } from './commands.js';
import { LikeErrorCode as Code } from './errors.js';
import type { LikeEvent } from './events.js';
import type { LikeState } from './state.js';
import { isId, isRecord } from '../domain/validate.js';

/**
 * The like's decider. Liking what one likes already, or taking back a like one has not given, is
 * accepted with no events: a like counts once however often it is sent. Each change tells the
 * post (`post.like.count`), which counts it if it exists.
 *
 * @example
 * decide(initialLikeState, { id: 'c1', type: 'post.like', payload: { postId: 'p1' }, meta: { now, origin: 'client', userId: 'u2' } })
 * // → { events: [{ type: 'social.post.liked', data: { postId: 'p1', userId: 'u2', seq: 1 } }], effects: [{ kind: 'send', to: 'post/p1', … }] }
 */
export function decide(state: LikeState, command: LikeCommand): Decision<LikeEvent> {
  if (!isRecord(command.payload)) return reject(Code.LIKE_PAYLOAD_INVALID, `${command.type} needs an object payload`);
  if (command.type !== 'post.like' && command.type !== 'post.unlike') {
    const unknown: { type: string } = command;
    return reject(Code.LIKE_COMMAND_UNKNOWN, `the like actor does not take ${unknown.type}`);
  }
  const userId = command.meta.userId;
  const { postId } = command.payload;
  if (!isId(userId)) return reject(Code.LIKE_PLAYER_REQUIRED, `${command.type} needs the authenticated player`);
  if (!isPostId(postId)) return reject(Code.LIKE_POST_INVALID, 'postId must be a post id');
  // The edge lets only <userId> command like/<postId>@<userId>; decide, which does not see its
  // address, checks that the like stays the same player's and post's.
  if ((state.userId !== null && state.userId !== userId) || (state.postId !== null && state.postId !== postId)) {
    return reject(Code.LIKE_FORBIDDEN, 'this like is another player\'s or another post\'s');
  }
  const liked = command.type === 'post.like';
  if (state.liked === liked) return accept([]);
  const seq = state.seq + 1;
  const event: LikeEvent = { type: liked ? 'social.post.liked' : 'social.post.unliked', data: { postId, userId, seq } };
  const count: LikeCountPayload = { userId, liked, seq };
  return accept([event], [{ kind: 'send', to: `post/${postId}`, command: { type: 'post.like.count', payload: count } }]);
}
