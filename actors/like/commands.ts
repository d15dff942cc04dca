import type { Command } from '../runtime/types.js';

type C<Type extends string, Payload> = Command<Type, Payload>;

/**
 * Commands a player sends to their own like of a post, `like/<postId>@<userId>`; the edge fills in
 * `postId` from the address and lets only `<userId>` send them.
 */
export type PostLike = C<'post.like', { postId: string }>;
export type PostUnlike = C<'post.unlike', { postId: string }>;

export type LikeCommand = PostLike | PostUnlike;

export const likeClientCommands = ['post.like', 'post.unlike'] as const satisfies readonly LikeCommand['type'][];
export const likeSystemCommands = [] as const;
