import { describe, expect, it } from 'vitest';
import { spec } from '../runtime/spec.js';
import { PostErrorCode as Code } from './errors.js';
import { postActorType as post } from './index.js';
import { postRules } from './rules.js';
import { author, by, commented, deleted, friend, noon, published } from './tests/fixtures.js';

describe('post: adding a comment', () => {
  it('adds it, by the player who sent it, at the command\'s time', () => {
    const when = spec(post).given([published()]).when(by(friend, 'comment.add', { commentId: 'k1', text: '  Nice ' }));
    when.then([commented('k1', friend, 'Nice')]);
    expect(when.stateAfter().comments).toEqual([{ commentId: 'k1', userId: friend, text: 'Nice', at: noon }]);
  });

  it('rejects an unknown post, or a deleted one', () => {
    spec(post).given([]).when(by(friend, 'comment.add', { commentId: 'k1', text: 'Hi' })).thenRejected(Code.POST_NOT_FOUND);
    spec(post).given([published(), deleted]).when(by(friend, 'comment.add', { commentId: 'k1', text: 'Hi' })).thenRejected(Code.POST_DELETED);
  });

  it('rejects a bad id, an empty or too long text, and an id in use', () => {
    spec(post).given([published()]).when(by(friend, 'comment.add', { commentId: 'k/1', text: 'Hi' })).thenRejected(Code.COMMENT_ID_INVALID);
    spec(post).given([published()]).when(by(friend, 'comment.add', { commentId: 'k1', text: '  ' })).thenRejected(Code.COMMENT_TEXT_INVALID);
    spec(post).given([published()]).when(by(friend, 'comment.add', { commentId: 'k1', text: 'x'.repeat(postRules.comments.textMaxLength + 1) })).thenRejected(Code.COMMENT_TEXT_INVALID);
    spec(post).given([published(), commented('k1')]).when(by(author, 'comment.add', { commentId: 'k1', text: 'Hi' })).thenRejected(Code.COMMENT_ALREADY_EXISTS);
  });

  it('keeps at most 200 comments on a post, and 20 of one player', () => {
    const many = Array.from({ length: postRules.comments.maxPerPost }, (_, i) => commented(`k${i}`, `u${i}`));
    spec(post).given([published(), ...many]).when(by(friend, 'comment.add', { commentId: 'last', text: 'Hi' })).thenRejected(Code.COMMENT_LIMIT);
    const mine = Array.from({ length: postRules.comments.maxPerPlayer }, (_, i) => commented(`k${i}`));
    spec(post).given([published(), ...mine]).when(by(friend, 'comment.add', { commentId: 'last', text: 'Hi' })).thenRejected(Code.COMMENT_LIMIT);
    spec(post).given([published(), ...mine]).when(by(author, 'comment.add', { commentId: 'last', text: 'Hi' })).then([commented('last', author, 'Hi')]);
  });
});

describe('post: deleting a comment', () => {
  it('is the comment\'s author\'s', () => {
    const when = spec(post).given([published(), commented('k1'), commented('k2')]).when(by(friend, 'comment.delete', { commentId: 'k1' }));
    when.then([{ type: 'social.comment.deleted', data: { authorId: author, commentId: 'k1', userId: friend } }]);
    expect(when.stateAfter().comments.map((c) => c.commentId)).toEqual(['k2']);
  });

  it('rejects an unknown comment, and another player\'s (the post\'s author\'s included)', () => {
    spec(post).given([published()]).when(by(friend, 'comment.delete', { commentId: 'k1' })).thenRejected(Code.COMMENT_UNKNOWN);
    spec(post).given([published(), commented('k1')]).when(by(author, 'comment.delete', { commentId: 'k1' })).thenRejected(Code.COMMENT_NOT_AUTHOR);
  });
});
