/** One player's like of one post: four fields, whatever the post's count. */
export interface LikeState {
  /** Null until the first like. */
  postId: string | null;
  userId: string | null;
  liked: boolean;
  /** Changes so far. */
  seq: number;
}

export const initialLikeState: LikeState = { postId: null, userId: null, liked: false, seq: 0 };
