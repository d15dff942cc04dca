import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { answerFrame, errFrame, parseClientFrame, parseServerFrame } from '../frames.js';
import { clientFrame, serverFrame } from './arbitraries.js';

const refused = (frame: unknown, code: ErrorCode, extra: Record<string, unknown> = {}) =>
  expect(parseClientFrame(frame)).toMatchObject({ ok: false, code, ...extra });

const clientRefusals = [
  ErrorCode.FRAME_INVALID,
  ErrorCode.FRAME_UNKNOWN,
  ErrorCode.TOPIC_INVALID,
  ErrorCode.COMMAND_INVALID,
  ErrorCode.COMMAND_UNKNOWN,
];

describe('parseClientFrame', () => {
  it('refuses what is not an object with a string t', () => {
    for (const frame of [null, 1, 'hello', [], [{ t: 'ping' }], {}, { t: 1 }, { token: 'x' }]) refused(frame, ErrorCode.FRAME_INVALID);
  });

  it('refuses frame types a client does not send', () => {
    for (const t of ['welcome', 'ack', 'evt', 'bye', 'Hello', 'x'.repeat(10_000)]) refused({ t }, ErrorCode.FRAME_UNKNOWN);
  });

  it('refuses unknown fields, missing fields and fields of the wrong type', () => {
    refused({ t: 'hello' }, ErrorCode.FRAME_INVALID);
    refused({ t: 'hello', token: '' }, ErrorCode.FRAME_INVALID);
    refused({ t: 'hello', token: 42 }, ErrorCode.FRAME_INVALID);
    refused({ t: 'hello', token: 'x'.repeat(4097) }, ErrorCode.FRAME_INVALID);
    refused({ t: 'hello', token: 'x', admin: true }, ErrorCode.FRAME_INVALID);
    refused({ t: 'ping', n: -1 }, ErrorCode.FRAME_INVALID);
    refused({ t: 'ping', n: 1.5 }, ErrorCode.FRAME_INVALID);
    refused({ t: 'sub', topic: 'user/u1', fromVersion: '3' }, ErrorCode.FRAME_INVALID, { topic: 'user/u1' });
    refused({ t: 'sub', topic: 'user/u1', fromVersion: Number.MAX_SAFE_INTEGER + 2 }, ErrorCode.FRAME_INVALID);
    refused({ t: 'sub' }, ErrorCode.FRAME_INVALID);
    refused({ t: 'unsub', topic: ['user/u1'] }, ErrorCode.FRAME_INVALID);
  });

  it('says which topic a refused sub was about', () => {
    refused({ t: 'sub', topic: 'users/u1' }, ErrorCode.TOPIC_INVALID, { topic: 'users/u1' });
    refused({ t: 'sub', topic: 'leaderboard/weekly' }, ErrorCode.TOPIC_INVALID, { topic: 'leaderboard/weekly' });
    refused({ t: 'unsub', topic: 'user/' + 'a'.repeat(65) }, ErrorCode.TOPIC_INVALID);
  });

  it('refuses commands with the codes of the HTTP API, naming the command id when it has one', () => {
    const cmd = { t: 'cmd', id: 'c1', to: 'user/u1', type: 'water.log', payload: { ml: 250, drankAt: 1 } };
    expect(parseClientFrame(cmd)).toEqual({ ok: true, value: cmd });
    refused({ ...cmd, id: undefined }, ErrorCode.COMMAND_INVALID);
    refused({ ...cmd, payload: { ml: -1, drankAt: 1 } }, ErrorCode.COMMAND_INVALID, { id: 'c1' });
    refused({ ...cmd, extra: 1 }, ErrorCode.COMMAND_INVALID, { id: 'c1' });
    refused({ ...cmd, to: 'group/g1' }, ErrorCode.COMMAND_INVALID, { id: 'c1' });
    refused({ ...cmd, type: 'points.award' }, ErrorCode.COMMAND_UNKNOWN, { id: 'c1' });
    refused({ ...cmd, to: 'challenge/c1' }, ErrorCode.COMMAND_UNKNOWN, { id: 'c1' });
  });

  it('makes challenge.create create the challenge its "to" names', () => {
    const create = {
      t: 'cmd',
      id: 'c1',
      to: 'challenge/c7',
      type: 'challenge.create',
      payload: { title: 'Water week', kind: 'water-ml', startsAt: 1, endsAt: 2, maxParticipants: 10 },
    };
    expect(parseClientFrame(create)).toMatchObject({ ok: true, value: { payload: { challengeId: 'c7' } } });
    refused({ ...create, payload: { ...create.payload, challengeId: 'c8' } }, ErrorCode.COMMAND_INVALID, { id: 'c1' });
  });

  it('never throws, and refuses with a realtime or command code, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true }), (value) => {
        const parsed = parseClientFrame(value);
        if (!parsed.ok) expect(clientRefusals).toContain(parsed.code);
      }),
      { numRuns: 10_000 },
    );
  });

  it('never throws on a valid frame with one field replaced by anything', () => {
    const mutated = fc
      .tuple(clientFrame, fc.string({ maxLength: 12 }), fc.anything({ withBigInt: true, withNullPrototype: true }))
      .map(([frame, key, value]) => {
        const keys = Object.keys(frame);
        const field = keys.includes(key) || key.length > 6 ? key : keys[key.length % keys.length]!;
        return { ...frame, [field]: value } as unknown;
      });
    fc.assert(
      fc.property(mutated, (frame) => {
        const parsed = parseClientFrame(frame);
        if (!parsed.ok) expect(clientRefusals).toContain(parsed.code);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('parseServerFrame', () => {
  it('accepts every frame a server sends, and ignores fields added by a newer server', () => {
    fc.assert(
      fc.property(serverFrame, (frame) => {
        expect(parseServerFrame(frame)).toEqual({ ok: true, value: frame });
        expect(parseServerFrame({ ...frame, addedLater: 1 })).toMatchObject({ ok: true });
      }),
    );
  });

  it('refuses frames a server does not send, and malformed ones', () => {
    expect(parseServerFrame({ t: 'hello', token: 'x' })).toMatchObject({ ok: false, code: ErrorCode.FRAME_UNKNOWN });
    expect(parseServerFrame({ t: 'evt', topic: 'user/u1', version: 0, event: { type: 'x', data: 1 } })).toMatchObject({
      ok: false,
      code: ErrorCode.FRAME_INVALID,
    });
    expect(parseServerFrame({ t: 'ack', id: 'c1', version: 1 })).toMatchObject({ ok: false, code: ErrorCode.FRAME_INVALID });
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withNullPrototype: true }), (value) => {
        const parsed = parseServerFrame(value);
        if (!parsed.ok) expect([ErrorCode.FRAME_INVALID, ErrorCode.FRAME_UNKNOWN]).toContain(parsed.code);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('answers', () => {
  it('answers a command outcome as the HTTP API does', () => {
    expect(answerFrame('c1', { status: 'ok', version: 3, duplicate: false })).toEqual({ t: 'ack', id: 'c1', version: 3, duplicate: false });
    expect(answerFrame('c1', { status: 'rejected', code: 'USER_ALREADY_REGISTERED', message: 'twice' })).toEqual({
      t: 'err',
      id: 'c1',
      code: ErrorCode.CMD_REJECTED,
      message: 'twice',
      reason: 'USER_ALREADY_REGISTERED',
    });
    expect(answerFrame('c1', { status: 'failed', code: ErrorCode.ACTOR_UNAVAILABLE, message: 'later' })).toEqual({
      t: 'err',
      id: 'c1',
      code: ErrorCode.ACTOR_UNAVAILABLE,
      message: 'later',
    });
  });

  it('turns a refusal into an err frame carrying its id or topic', () => {
    const parsed = parseClientFrame({ t: 'sub', topic: 'nope' });
    expect(!parsed.ok && errFrame(parsed)).toEqual({ t: 'err', topic: 'nope', code: ErrorCode.TOPIC_INVALID, message: expect.any(String) });
  });
});
