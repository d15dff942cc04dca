import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { authorizeTopic, canWatch, parseTopic, topicStream } from '../topics.js';
import { topic } from './arbitraries.js';

describe('topics', () => {
  it('parses the four kinds of topic', () => {
    expect(parseTopic('user/u42')).toEqual({ ok: true, value: { kind: 'user', id: 'u42', name: 'user/u42' } });
    expect(parseTopic('challenge/c-7.x')).toMatchObject({ ok: true, value: { kind: 'challenge', id: 'c-7.x' } });
    expect(parseTopic('feed/u42')).toMatchObject({ ok: true, value: { kind: 'feed', id: 'u42' } });
    expect(parseTopic('leaderboard/global')).toMatchObject({ ok: true, value: { kind: 'leaderboard', id: 'global' } });
    fc.assert(
      fc.property(topic, (name) => {
        expect(parseTopic(name)).toMatchObject({ ok: true, value: { name } });
      }),
    );
  });

  it('refuses anything else with TOPIC_INVALID', () => {
    for (const raw of ['', 'user', 'user/', 'user/u1/x', 'users/u1', 'User/u1', 'user/-u1', 'user/u 1', 'leaderboard/weekly', `user/${'a'.repeat(65)}`, 42, null, undefined, ['user/u1']]) {
      expect(parseTopic(raw)).toMatchObject({ ok: false, code: ErrorCode.TOPIC_INVALID });
    }
  });

  it('lets a player watch only their own user and feed, and any challenge and the leaderboard', () => {
    expect(authorizeTopic('u42', 'user/u42')).toMatchObject({ ok: true });
    expect(authorizeTopic('u42', 'feed/u42')).toMatchObject({ ok: true });
    expect(authorizeTopic('u42', 'challenge/c7')).toMatchObject({ ok: true });
    expect(authorizeTopic('u42', 'leaderboard/global')).toMatchObject({ ok: true });
    expect(authorizeTopic('u42', 'user/u43')).toMatchObject({ ok: false, code: ErrorCode.TOPIC_FORBIDDEN });
    expect(authorizeTopic('u42', 'feed/u43')).toMatchObject({ ok: false, code: ErrorCode.TOPIC_FORBIDDEN });
    expect(authorizeTopic('u42', 'feed/')).toMatchObject({ ok: false, code: ErrorCode.TOPIC_INVALID });
    fc.assert(
      fc.property(topic, fc.string({ minLength: 1 }), (name, userId) => {
        const parsed = parseTopic(name);
        if (!parsed.ok) throw new Error('unreachable');
        const mine = parsed.value.id === userId;
        expect(canWatch(userId, parsed.value)).toBe(mine || parsed.value.kind === 'challenge' || parsed.value.kind === 'leaderboard');
      }),
    );
  });

  it('maps actor topics to their stream, and read-model topics to none', () => {
    const stream = (raw: string) => {
      const parsed = parseTopic(raw);
      return parsed.ok ? topicStream(parsed.value) : 'invalid';
    };
    expect(stream('user/u42')).toBe('user/u42');
    expect(stream('challenge/c7')).toBe('challenge/c7');
    expect(stream('feed/u42')).toBeUndefined();
    expect(stream('leaderboard/global')).toBeUndefined();
  });
});
