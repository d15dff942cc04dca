/**
 * Every tunable number of a post, in one table a designer can change. (A post's own text and the
 * rate of posting are the author's rules: actors/user/rules.ts, `posts`.)
 *
 * @example
 * postRules.comments.maxPerPost // 200
 */
export const postRules = {
  comments: {
    textMaxLength: 280,
    /** Comments a post keeps at most (deleted ones free their place). */
    maxPerPost: 200,
    /** Comments one player keeps on one post at most. */
    maxPerPlayer: 20,
  },
} as const;
