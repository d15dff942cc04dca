import type { Comment, PostDefinition } from './events.js';

/**
 * The post's state: what decide needs, and what `post/<id>` watchers see. Likes are a count: who
 * liked is each like's own actor's state, so a post with 10,000 likes is as small as one with none.
 * Comments are at most `postRules.comments.maxPerPost`.
 */
export interface PostState {
  /** Null until `social.post.published`. */
  post: PostDefinition | null;
  likes: number;
  /** Oldest first. */
  comments: Comment[];
}

export const initialPostState: PostState = { post: null, likes: 0, comments: [] };
