import type { Folded } from '../runtime/fold.js';
import type { PostState } from './state.js';

/**
 * What watchers of `post/<id>` see in a `snap`: the post, its count of likes and its comments.
 * Who liked is not in it (each like is its own actor's); the feed read says whether the reader did.
 * A deleted post keeps its author and kind, and shows no text, data or comments.
 */
export function postView(postId: string, folded: Folded<PostState>) {
  const { post, likes, comments } = folded.state;
  const shown = folded.lifecycle === 'published' ? post : null;
  return {
    postId,
    /** `unpublished`, `published` or `deleted`. */
    state: folded.lifecycle ?? 'unpublished',
    authorId: post?.authorId ?? null,
    kind: post?.kind ?? null,
    text: shown?.text ?? null,
    data: { ...shown?.data },
    createdAt: post?.createdAt ?? null,
    likes,
    comments: comments.map((comment) => ({ ...comment })),
  };
}

export type PostView = ReturnType<typeof postView>;
