import { describe, expect, it } from 'vitest';
import { command, spec } from '../runtime/spec.js';
import type { PostCommand } from './commands.js';
import { PostErrorCode as Code } from './errors.js';
import type { PostEvent } from './events.js';
import { postActorType as post } from './index.js';
import { author, commented, deleted, friend, published } from './tests/fixtures.js';

const forget = (userId: string) => command<PostCommand>('post.forget', { userId }, { origin: 'actor' });
const forgotten = (userId: string, authorId: string | null = author): PostEvent => ({ type: 'social.post.player.forgotten', data: { authorId, userId } });

describe("post: forgetting a deleted player", () => {
  it("forgets a commenter's comments and leaves the post and others' comments alone", () => {
    const when = spec(post).given([published(), commented('k1', friend, 'mine'), commented('k2', author, 'theirs')]).when(forget(friend));
    when.then([forgotten(friend)]);
    const after = when.stateAfter();
    expect(after.comments.map((comment) => [comment.userId, comment.text])).toEqual([[friend, '(deleted)'], [author, 'theirs']]);
    expect(after.post?.text).not.toBe('(deleted)');
  });

  it("forgets the author's text, of a deleted post too", () => {
    expect(spec(post).given([published()]).when(forget(author)).stateAfter().post?.text).toBe('(deleted)');
    spec(post).given([published(), deleted]).when(forget(author)).then([forgotten(author)]);
  });

  it('changes nothing when the post holds nothing of the player, or forgot them already', () => {
    spec(post).given([published()]).when(forget(friend)).then([]);
    spec(post).given([published(), commented('k1'), forgotten(friend)]).when(forget(friend)).then([]);
    spec(post).given([]).when(forget(friend)).then([]);
  });

  it('rejects a forget without a player id', () => {
    spec(post).given([published()]).when(forget('')).thenRejected(Code.POST_FORGET_INVALID);
  });

  it('is not a client command', () => {
    expect(post.clientCommands).not.toContain('post.forget');
  });
});
