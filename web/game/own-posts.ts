/** A post the signed-in player wrote, or that was shared for them, as its `social.post.created` event told. */
export interface OwnPost {
  postId: string;
  kind: string;
  text: string;
}

/**
 * The player's own posts seen in this tab, newest first (their feed shows only their friends'):
 * kept in sessionStorage with the session, so that a reload still lists them.
 */
const storageKey = (userId: string) => `gamifier.posts.${userId}`;
const kept = 20;

export function loadOwnPosts(userId: string): OwnPost[] {
  try {
    const stored = JSON.parse(sessionStorage.getItem(storageKey(userId)) ?? '[]') as unknown;
    return Array.isArray(stored) ? (stored as OwnPost[]).filter((post) => typeof post?.postId === 'string') : [];
  } catch {
    return [];
  }
}

/** The list with `post` first (once), saved. */
export function addOwnPost(userId: string, posts: readonly OwnPost[], post: OwnPost): OwnPost[] {
  const next = [post, ...posts.filter((other) => other.postId !== post.postId)].slice(0, kept);
  sessionStorage.setItem(storageKey(userId), JSON.stringify(next));
  return next;
}
