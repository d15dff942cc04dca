import type { DomainEvent } from '../runtime/types.js';
import type { PostPublishPayload } from '../domain/contracts.js';

type E<Type extends string, Data> = DomainEvent<Type, Data>;

/** The post as its author's actor published it (`data`: what a shared moment was, `{}` for text). */
export type PostDefinition = PostPublishPayload;

export interface Comment {
  commentId: string;
  userId: string;
  text: string;
  /** Epoch ms. */
  at: number;
}

// Every event names the post's author (once known), so a read model files it under the author's feed.
/** The post exists: its first event. */
export type PostPublished = E<'social.post.published', PostDefinition>;
/**
 * A like was given (`liked`) or taken back, as the like's own actor decided it; `likes` is the
 * post's count after it, `seq` the like's change number (the greater is the later). `authorId` is
 * null for a like that arrived before the post was published (it counts all the same).
 */
export type PostLikeCounted = E<'social.post.like.counted', { authorId: string | null; userId: string; liked: boolean; seq: number; likes: number }>;
export type CommentAdded = E<'social.comment.added', Comment & { authorId: string }>;
export type CommentDeleted = E<'social.comment.deleted', { authorId: string; commentId: string; userId: string }>;
/** The post is gone, with its comments and likes; nothing changes it afterwards. */
export type PostDeleted = E<'social.post.deleted', { authorId: string }>;

/**
 * A player's account was deleted: what the post holds of them reads as {@link forgottenText} —
 * the post's text if `userId` is its author, their comments' texts — as it does in the log once
 * their key is destroyed, so a replay and the live actor agree. `authorId`: null for a post never
 * published.
 */
export type PlayerForgotten = E<'social.post.player.forgotten', { authorId: string | null; userId: string }>;

/** What a forgotten player's text reads as: the store's redaction value (store/personal-data `REDACTED`). */
export const forgottenText = '(deleted)';

export type PostEvent = PostPublished | PostLikeCounted | CommentAdded | CommentDeleted | PostDeleted | PlayerForgotten;
export type PostEventType = PostEvent['type'];
