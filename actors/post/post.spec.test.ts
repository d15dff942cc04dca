import { describe, expect, it } from 'vitest';
import { spec } from '../runtime/spec.js';
import { PostErrorCode as Code } from './errors.js';
import { postActorType as post } from './index.js';
import { author, by, definition, deleted, friend, fromActor, likeCounted, noon, postId, published } from './tests/fixtures.js';

describe('post: publishing (from the author\'s actor)', () => {
  it('publishes the post', () => {
    spec(post).given([]).when(fromActor('post.publish', definition)).then([published()]);
  });

  it('publishes once: a redelivery, or another author\'s publish of the same id, changes nothing', () => {
    spec(post).given([published()]).when(fromActor('post.publish', definition)).then([]);
    spec(post).given([published()]).when(fromActor('post.publish', { ...definition, authorId: friend, text: 'mine now' })).then([]);
  });

  it('refuses a publish without what a post needs', () => {
    spec(post).given([]).when(fromActor('post.publish', { ...definition, kind: 'poem' as 'text' })).thenRejected(Code.POST_PUBLISH_INVALID);
    spec(post).given([]).when(fromActor('post.publish', { ...definition, postId: 'p@1' })).thenRejected(Code.POST_PUBLISH_INVALID);
  });
});

describe('post: deleting', () => {
  it('is the author\'s: the post and its comments go', () => {
    const when = spec(post).given([published()]).when(by(author, 'post.delete', {}));
    when.then([deleted]);
    expect(when.stateAfter().comments).toEqual([]);
  });

  it('rejects another player, an unknown post, a deleted post, and a command without a player', () => {
    spec(post).given([published()]).when(by(friend, 'post.delete', {})).thenRejected(Code.POST_NOT_AUTHOR);
    spec(post).given([]).when(by(author, 'post.delete', {})).thenRejected(Code.POST_NOT_FOUND);
    spec(post).given([published(), deleted]).when(by(author, 'post.delete', {})).thenRejected(Code.POST_DELETED);
    spec(post).given([published()]).when(fromActor('post.delete', {})).thenRejected(Code.POST_PLAYER_REQUIRED);
  });

  it('rejects a payload that is not an object, and a command it does not take', () => {
    spec(post).given([published()]).when(by(author, 'post.delete', null as never)).thenRejected(Code.POST_PAYLOAD_INVALID);
    spec(post).given([published()]).when(by(author, 'post.edit' as 'post.delete', {})).thenRejected(Code.POST_COMMAND_UNKNOWN);
  });
});

describe('post: counting likes (from the likes\' actors)', () => {
  it('counts a like and a like taken back', () => {
    spec(post).given([published()]).when(fromActor('post.like.count', { userId: friend, liked: true, seq: 1 })).then([likeCounted(friend, true, 1, 1)]);
    spec(post).given([published(), likeCounted(friend, true, 1, 1)]).when(fromActor('post.like.count', { userId: friend, liked: false, seq: 2 })).then([likeCounted(friend, false, 2, 0)]);
  });

  it('keeps a count, not the likers: 10,000 likes are one number', () => {
    const likes = Array.from({ length: 10_000 }, (_, i) => likeCounted(`u${i}`, true, 1, i + 1));
    const given = spec(post).given([published(), ...likes]);
    expect(given.state.likes).toBe(10_000);
    expect(Object.keys(given.state)).toEqual(['post', 'likes', 'comments']);
  });

  it('counts a like that arrives before the post, so that its unlike after the post does not count −1', () => {
    const early = { type: 'social.post.like.counted', data: { authorId: null, userId: friend, liked: true, seq: 1, likes: 1 } } as const;
    spec(post).given([]).when(fromActor('post.like.count', { userId: friend, liked: true, seq: 1 })).then([early]);
    spec(post).given([early, published()]).when(fromActor('post.like.count', { userId: friend, liked: false, seq: 2 })).then([likeCounted(friend, false, 2, 0)]);
  });

  it('counts nothing for a deleted post', () => {
    spec(post).given([published(), deleted]).when(fromActor('post.like.count', { userId: friend, liked: true, seq: 1 })).then([]);
  });

  it('refuses a count without a player, a flag and a change number', () => {
    spec(post).given([published()]).when(fromActor('post.like.count', { userId: friend, liked: true, seq: 0 })).thenRejected(Code.POST_LIKE_INVALID);
  });
});

describe('post: its view', () => {
  it('shows text, author, likes and comments', () => {
    const folded = { state: spec(post).given([published(), likeCounted(friend, true, 1, 1)]).state, lifecycle: 'published', version: 2 };
    expect(post.view!(postId, folded, noon)).toMatchObject({ postId, state: 'published', authorId: author, text: 'Oats again', likes: 1, comments: [] });
  });
});
