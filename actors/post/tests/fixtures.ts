// Builders for the post's specs.
import { command } from '../../runtime/spec.js';
import type { CommandMeta } from '../../runtime/types.js';
import type { PostCommand } from '../commands.js';
import type { PostDefinition, PostEvent } from '../events.js';

export const author = 'u1';
export const friend = 'u2';
export const postId = 'p1';
/** The specs' default clock: 2026-01-01T12:00:00Z. */
export const noon = Date.parse('2026-01-01T12:00:00Z');

type Cmd<T extends PostCommand['type']> = Extract<PostCommand, { type: T }>;
type Meta = Partial<CommandMeta> & { id?: string };

/** A command from a player (`meta.userId`). */
export function by<T extends PostCommand['type']>(userId: string, type: T, payload: Cmd<T>['payload'], meta: Meta = {}): PostCommand {
  return command<PostCommand>(type, payload, { userId, ...meta });
}

/** A command from another actor. */
export function fromActor<T extends PostCommand['type']>(type: T, payload: Cmd<T>['payload'], meta: Meta = {}): PostCommand {
  return command<PostCommand>(type, payload, { origin: 'actor', ...meta });
}

export const definition: PostDefinition = { postId, authorId: author, kind: 'text', text: 'Oats again', data: {}, createdAt: noon };
export const published = (overrides: Partial<PostDefinition> = {}): PostEvent => ({ type: 'social.post.published', data: { ...definition, ...overrides } });
export const commented = (commentId: string, userId = friend, text = 'Nice'): PostEvent => ({
  type: 'social.comment.added',
  data: { authorId: author, commentId, userId, text, at: noon },
});
export const likeCounted = (userId: string, liked: boolean, seq: number, likes: number): PostEvent => ({
  type: 'social.post.like.counted',
  data: { authorId: author, userId, liked, seq, likes },
});
export const deleted: PostEvent = { type: 'social.post.deleted', data: { authorId: author } };
