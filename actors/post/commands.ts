import type { Command } from '../runtime/types.js';
import type { LikeCountPayload, PostPublishPayload } from '../domain/contracts.js';

type C<Type extends string, Payload> = Command<Type, Payload>;

// Commands players send to `post/<id>`; `meta.userId` (the authenticated player) says who.
/** The author only. */
export type PostDelete = C<'post.delete', Record<string, never>>;
/** `commentId`: chosen by the commenter, unique within the post. */
export type CommentAdd = C<'comment.add', { commentId: string; text: string }>;
/** The comment's author only. */
export type CommentDelete = C<'comment.delete', { commentId: string }>;

// From other actors: the author's (`user/<id>`) and the likes' (`like/<postId>@<userId>`).
/** Idempotent: a post is published once; a second publish of its id changes nothing. */
export type PostPublish = C<'post.publish', PostPublishPayload>;
export type PostLikeCount = C<'post.like.count', LikeCountPayload>;
/**
 * From the outbox once a player's account is deleted: the post forgets what it holds of them (its
 * text if they wrote it, their comments' texts) in memory and in its later snapshots.
 */
export type PostForget = C<'post.forget', { userId: string }>;

export type PostClientCommand = PostDelete | CommentAdd | CommentDelete;
export type PostSystemCommand = PostPublish | PostLikeCount | PostForget;
export type PostCommand = PostClientCommand | PostSystemCommand;

export const postClientCommands = ['post.delete', 'comment.add', 'comment.delete'] as const satisfies readonly PostClientCommand['type'][];
export const postSystemCommands = ['post.publish', 'post.like.count', 'post.forget'] as const satisfies readonly PostSystemCommand['type'][];
