import { forgottenText, type PostEvent } from './events.js';
import type { PostState } from './state.js';

/** Applies one event to the post's state. Pure; never rejects (events are facts). */
export function evolve(state: PostState, event: PostEvent): PostState {
  switch (event.type) {
    case 'social.post.published':
      return { ...state, post: { ...event.data } };
    case 'social.post.like.counted':
      return { ...state, likes: event.data.likes };
    case 'social.comment.added': {
      const { commentId, userId, text, at } = event.data;
      return { ...state, comments: [...state.comments, { commentId, userId, text, at }] };
    }
    case 'social.comment.deleted':
      return { ...state, comments: state.comments.filter((comment) => comment.commentId !== event.data.commentId) };
    case 'social.post.player.forgotten': {
      const { userId } = event.data;
      const post = state.post && state.post.authorId === userId ? { ...state.post, text: forgottenText } : state.post;
      const comments = state.comments.map((comment) => (comment.userId === userId ? { ...comment, text: forgottenText } : comment));
      return { ...state, post, comments };
    }
    case 'social.post.deleted':
      // Nothing of a deleted post is shown again: its comments go.
      return { ...state, comments: [] };
  }
}
