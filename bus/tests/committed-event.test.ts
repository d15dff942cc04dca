import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors.js';
import { eventSubject, streamEventOf } from '../committed-event.js';
import { checkSubject } from '../subjects.js';

describe('the subject of a stream', () => {
  it('is g.evt.<type>.<id>, with what would split, widen or break a subject escaped', () => {
    expect(eventSubject('user/u42')).toBe('g.evt.user.u42');
    expect(eventSubject('challenge/spring.cup')).toBe('g.evt.challenge.spring%2Ecup');
    expect(eventSubject('feed/a*b>c d\te%f')).toBe('g.evt.feed.a%2Ab%3Ec%20d%09e%25f');
    expect(eventSubject('user/ü\u2028')).toBe('g.evt.user.ü%E2%80%A8');
    expect(eventSubject('user/*')).toBe('g.evt.user.%2A');
  });

  it('is a valid NATS subject without wildcards, and never shared by two streams', () => {
    const ids = ['user/a.b', 'user/a_b', 'user/a%2Eb', 'user/>', 'user/*', 'user/ ', 'user/a/b', 'user/..'];
    const subjects = ids.map(eventSubject);
    for (const subject of subjects) expect(() => checkSubject(subject, false)).not.toThrow();
    expect(new Set(subjects).size).toBe(ids.length);
  });

  it('refuses a stream id that is not type/id', () => {
    for (const id of ['user', 'user/', '/u1']) {
      expect(() => eventSubject(id), id).toThrow(expect.objectContaining({ code: ErrorCode.BUS_SUBJECT_INVALID }));
    }
  });
});

describe('streamEventOf', () => {
  it("takes only a well-formed event of the stream it is asked about", () => {
    const message = { streamId: 'user/u1', version: 3, event: { type: 'user.registered', data: {} } };
    expect(streamEventOf(message, 'user/u1')).toBe(message);
    expect(streamEventOf(message, 'user/u2')).toBeUndefined();
    expect(streamEventOf({ ...message, version: 0 }, 'user/u1')).toBeUndefined();
    expect(streamEventOf({ ...message, event: { data: {} } }, 'user/u1')).toBeUndefined();
    expect(streamEventOf(null, 'user/u1')).toBeUndefined();
  });
});
