// The messages that pass between actor types, in one place that each type imports: the player's
// and the challenge's actors depend on these, never on each other.

/** What a challenge counts. */
export const challengeKinds = ['meals-logged', 'water-ml', 'goal-days', 'points'] as const;
export type ChallengeKind = (typeof challengeKinds)[number];

/** The payload of `challenge.progress.record`, which the player's actor sends to the challenges it tracks. */
export interface ProgressRecordPayload {
  userId: string;
  delta: number;
  sourceEventId: string;
  /** When the player's event happened (the player actor's `meta.now`): the challenge counts it only inside its window. */
  at: number;
}

/** What a post is: a player's own words, or a moment of the game shared for them. */
export const postKinds = ['text', 'achievement', 'level', 'challenge-won'] as const;
export type PostKind = (typeof postKinds)[number];

/**
 * The payload of `post.publish`, which the author's actor sends to `post/<postId>` once it has
 * taken the post (its own `post.create`, or a moment it shares). `createdAt`: epoch ms.
 */
export interface PostPublishPayload {
  postId: string;
  authorId: string;
  kind: PostKind;
  text: string;
  data: Record<string, string | number>;
  createdAt: number;
}

/**
 * The payload of `post.like.count`, which a like's actor (`like/<postId>@<userId>`) sends to the
 * post when the player likes it or takes the like back. `seq` counts the like's changes (1, 2, 3…):
 * the later of two changes of one like is the one with the greater `seq`, whatever order they
 * arrive in.
 */
export interface LikeCountPayload {
  userId: string;
  liked: boolean;
  seq: number;
}

/**
 * A post id: 1–40 of `A-Z a-z 0-9 . _ : -`, starting with a letter or digit. No `@`, so that a
 * like's address `like/<postId>@<userId>` splits at its first `@`.
 */
export function isPostId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._:-]{0,39}$/.test(value);
}

/** The address of one player's like of one post: `like/<postId>@<userId>`. */
export function likeAddress(postId: string, userId: string): string {
  return `like/${postId}@${userId}`;
}

/**
 * A post id derived from a seed (FNV-1a, 64 bits): `s-` and 16 hex digits. Pure, so a retried
 * decision derives the same id and the post is published once.
 */
export function derivedPostId(seed: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < seed.length; i++) {
    hash ^= BigInt(seed.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `s-${hash.toString(16).padStart(16, '0')}`;
}
