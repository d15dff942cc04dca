import type { DomainEvent } from '../runtime/types.js';

type E<Type extends string, Data> = DomainEvent<Type, Data>;

/** `seq`: this like's change number, 1 for the first like, 2 for taking it back, … */
export type PostLiked = E<'social.post.liked', { postId: string; userId: string; seq: number }>;
export type PostUnliked = E<'social.post.unliked', { postId: string; userId: string; seq: number }>;

export type LikeEvent = PostLiked | PostUnliked;
export type LikeEventType = LikeEvent['type'];
