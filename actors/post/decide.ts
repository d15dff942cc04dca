import { accept, reject, type Decision, type Lifecycle } from '../runtime/types.js';
import { isPostId, postKinds } from '../domain/contracts.js';
import type { CommentAdd, CommentDelete, PostCommand, PostForget, PostLikeCount, PostPublish } from './commands.js';
import { PostErrorCode as Code } from './errors.js';
import { forgottenText, type PostDefinition, type PostEvent } from './events.js';
import { postRules } from './rules.js';
import type { PostState } from './state.js';
import { isFiniteNumber, isId, isRecord, isText } from '../domain/validate.js';

/**
 * The post's decider: the events a command causes, or a rejection with a stable code
 * (`PostErrorCode`). Players delete the post (its author) and add and delete comments; the
 * author's actor publishes it, and the likes' actors count themselves in.
 *
 * @example
 * decide(state, { id: 'c1', type: 'comment.add', payload: { commentId: 'k1', text: 'Nice!' }, meta: { now, origin: 'client', userId: 'u2' } }, lifecycle)
 * // → { events: [{ type: 'social.comment.added', data: { authorId: 'u1', commentId: 'k1', userId: 'u2', text: 'Nice!', at: now } }] }
 */
export function decide(state: PostState, command: PostCommand, lifecycle: Lifecycle<PostEvent>): Decision<PostEvent> {
  if (!isRecord(command.payload)) return reject(Code.POST_PAYLOAD_INVALID, `${command.type} needs an object payload`);
  if (command.type === 'post.publish') return publish(command, lifecycle);
  if (command.type === 'post.like.count') return countLike(state, command, lifecycle);
  if (command.type === 'post.forget') return forget(state, command);
  const post = state.post;
  if (post === null) return reject(Code.POST_NOT_FOUND, 'no such post');
  if (lifecycle.value === 'deleted') return reject(Code.POST_DELETED, 'the post was deleted');
  const userId = command.meta.userId;
  if (!isId(userId)) return reject(Code.POST_PLAYER_REQUIRED, `${command.type} needs the authenticated player`);
  switch (command.type) {
    case 'post.delete':
      if (userId !== post.authorId) return reject(Code.POST_NOT_AUTHOR, 'only its author deletes a post');
      return accept([{ type: 'social.post.deleted', data: { authorId: post.authorId } }]);
    case 'comment.add': return addComment(state, post, userId, command);
    case 'comment.delete': return deleteComment(state, post, userId, command);
    default: {
      const unknown: { type: string } = command;
      return reject(Code.POST_COMMAND_UNKNOWN, `the post actor does not take ${unknown.type}`);
    }
  }
}

/** Once: a second publish of the same id (a redelivery, or another author's id clash) changes nothing. */
function publish({ payload }: PostPublish, lifecycle: Lifecycle<PostEvent>): Decision<PostEvent> {
  const { postId, authorId, kind, text, data, createdAt } = payload;
  if (!isPostId(postId) || !isId(authorId) || !postKinds.includes(kind) || !isText(text, 1000) || !isRecord(data) || !isFiniteNumber(createdAt)) {
    return reject(Code.POST_PUBLISH_INVALID, 'post.publish needs postId, authorId, a known kind, text, data and createdAt');
  }
  if (lifecycle.value !== 'unpublished') return accept([]);
  const definition: PostDefinition = { postId, authorId, kind, text, data: { ...data }, createdAt };
  return accept([{ type: 'social.post.published', data: definition }]);
}

/**
 * Each change of a like arrives once (its id derives from the like's event), in the order the like
 * made them (the outbox keeps one receiver's commands in order), so the count is the sum of the
 * changes. A like that arrives before the post's publish counts too: dropping it would let its
 * later unlike count −1. A deleted post counts nothing.
 */
function countLike(state: PostState, { payload }: PostLikeCount, lifecycle: Lifecycle<PostEvent>): Decision<PostEvent> {
  const { userId, liked, seq } = payload;
  if (!isId(userId) || typeof liked !== 'boolean' || !Number.isSafeInteger(seq) || seq < 1) {
    return reject(Code.POST_LIKE_INVALID, 'post.like.count needs userId, liked and a seq of at least 1');
  }
  if (lifecycle.value === 'deleted') return accept([]);
  const likes = state.likes + (liked ? 1 : -1);
  return accept([{ type: 'social.post.like.counted', data: { authorId: state.post?.authorId ?? null, userId, liked, seq, likes } }]);
}

/** Only when the post holds something of the player not yet forgotten: a redelivery changes nothing. */
function forget(state: PostState, { payload }: PostForget): Decision<PostEvent> {
  const { userId } = payload;
  if (!isId(userId)) return reject(Code.POST_FORGET_INVALID, 'post.forget needs the userId of the deleted player');
  const holdsText = state.post?.authorId === userId && state.post.text !== forgottenText;
  const holdsComments = state.comments.some((comment) => comment.userId === userId && comment.text !== forgottenText);
  if (!holdsText && !holdsComments) return accept([]);
  return accept([{ type: 'social.post.player.forgotten', data: { authorId: state.post?.authorId ?? null, userId } }]);
}

function addComment(state: PostState, post: PostDefinition, userId: string, { payload, meta }: CommentAdd): Decision<PostEvent> {
  const { commentId, text } = payload;
  const { textMaxLength, maxPerPost, maxPerPlayer } = postRules.comments;
  if (!isId(commentId)) return reject(Code.COMMENT_ID_INVALID, 'commentId must be an id (A-Z a-z 0-9 . _ : @ -)');
  if (!isText(text, textMaxLength)) return reject(Code.COMMENT_TEXT_INVALID, `text must be 1 to ${textMaxLength} characters`);
  if (state.comments.some((comment) => comment.commentId === commentId)) return reject(Code.COMMENT_ALREADY_EXISTS, `comment ${commentId} exists`);
  if (state.comments.length >= maxPerPost) return reject(Code.COMMENT_LIMIT, `a post keeps at most ${maxPerPost} comments`);
  if (state.comments.filter((comment) => comment.userId === userId).length >= maxPerPlayer) {
    return reject(Code.COMMENT_LIMIT, `a player keeps at most ${maxPerPlayer} comments on a post`);
  }
  return accept([{ type: 'social.comment.added', data: { authorId: post.authorId, commentId, userId, text: text.trim(), at: meta.now } }]);
}

function deleteComment(state: PostState, post: PostDefinition, userId: string, { payload }: CommentDelete): Decision<PostEvent> {
  const comment = state.comments.find((known) => known.commentId === payload.commentId);
  if (!comment) return reject(Code.COMMENT_UNKNOWN, `no comment ${String(payload.commentId)}`);
  if (comment.userId !== userId) return reject(Code.COMMENT_NOT_AUTHOR, 'only its author deletes a comment');
  return accept([{ type: 'social.comment.deleted', data: { authorId: post.authorId, commentId: comment.commentId, userId } }]);
}
