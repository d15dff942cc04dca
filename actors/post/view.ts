import type { Folded } from '../runtime/fold.js';
import type { PostState } from './state.js';

/**
 * What watchers of `post/<id>` see in a `snap`: the post, its count of likes and its comments.
 * Who liked is not in it (each like is its own actor's); the feed read says whether the reader did.
 */
export function postView(postId: string, folded: Folded<PostState>) {
  const { post, likes, comments } = folded.state;
  return {
    postId,
    /** `unpublished`, `published` or `deleted`. */
    state: folded.lifecycle ?? 'unpublished',
    authorId: post?.authorId ?? null,
    kind: post?.kind ?? null,
    text: post?.text ?? null,
    data: post?.data ?? {},
    createdAt: post?.createdAt ?? null,
    likes,
    comments: comments.map((comment) => ({ ...comment })),
  };
}

export type PostView = ReturnType<typeof postView>;
