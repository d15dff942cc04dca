import { describe, expect, it } from 'vitest';
import { command, spec } from '../runtime/spec.js';
import type { CommandMeta, Effect } from '../runtime/types.js';
import type { LikeCommand } from './commands.js';
import { LikeErrorCode as Code } from './errors.js';
import type { LikeEvent } from './events.js';
import { likeActorType as like } from './index.js';

const liker = 'u2';
const by = (type: LikeCommand['type'], postId = 'p1', meta: Partial<CommandMeta> = { userId: liker }) => command<LikeCommand>(type, { postId }, meta);
const liked = (seq: number): LikeEvent => ({ type: 'social.post.liked', data: { postId: 'p1', userId: liker, seq } });
const unliked = (seq: number): LikeEvent => ({ type: 'social.post.unliked', data: { postId: 'p1', userId: liker, seq } });
const count = (liked: boolean, seq: number): Effect => ({ kind: 'send', to: 'post/p1', command: { type: 'post.like.count', payload: { userId: liker, liked, seq } } });

describe('like: liking a post', () => {
  it('likes it and tells the post', () => {
    spec(like).given([]).when(by('post.like')).then([liked(1)], [count(true, 1)]);
  });

  it('likes once: liking again changes nothing', () => {
    spec(like).given([liked(1)]).when(by('post.like')).then([], []);
  });

  it('takes the like back, and may like again', () => {
    spec(like).given([liked(1)]).when(by('post.unlike')).then([unliked(2)], [count(false, 2)]);
    spec(like).given([liked(1), unliked(2)]).when(by('post.like')).then([liked(3)], [count(true, 3)]);
  });

  it('takes back nothing when there is no like', () => {
    spec(like).given([]).when(by('post.unlike')).then([]);
  });

  it('stays four fields, however often it changes', () => {
    const given = spec(like).given([liked(1), unliked(2), liked(3)]);
    expect(given.state).toEqual({ postId: 'p1', userId: liker, liked: true, seq: 3 });
  });
});

describe('like: rejections', () => {
  it('rejects a command without a player, or for a post id that is not one', () => {
    spec(like).given([]).when(by('post.like', 'p1', { origin: 'actor' })).thenRejected(Code.LIKE_PLAYER_REQUIRED);
    spec(like).given([]).when(by('post.like', 'p@1')).thenRejected(Code.LIKE_POST_INVALID);
  });

  it('rejects another player, or another post, on this like', () => {
    spec(like).given([liked(1)]).when(by('post.unlike', 'p1', { userId: 'u3' })).thenRejected(Code.LIKE_FORBIDDEN);
    spec(like).given([liked(1)]).when(by('post.unlike', 'p2')).thenRejected(Code.LIKE_FORBIDDEN);
  });

  it('rejects a payload that is not an object, and a command it does not take', () => {
    spec(like).given([]).when(command<LikeCommand>('post.like', null as never, { userId: liker })).thenRejected(Code.LIKE_PAYLOAD_INVALID);
    spec(like).given([]).when(command<LikeCommand>('post.love' as 'post.like', { postId: 'p1' }, { userId: liker })).thenRejected(Code.LIKE_COMMAND_UNKNOWN);
  });
});
