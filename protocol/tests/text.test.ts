import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, Subprotocol } from '../codecs.js';
import { parseClientFrame } from '../frames.js';
import { isText } from '../text.js';
import { validateClientCommand } from '../validate.js';

const register = (displayName: string) => ({ id: 'c1', to: 'user/u1', type: 'user.register', payload: { displayName, timezone: 'UTC' } });

describe('text (protocol/text.ts)', () => {
  it.each([
    ['a plain name', 'Ada', true],
    ['accents, CJK and an astral emoji', 'Zoë 李 🥗', true],
    ['an emoji sequence joined by ZWJ with a variation selector', '👩‍❤️‍👨', true],
    ['a flag of tag characters', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', true],
    ['right-to-left marks', 'שלום\u200fabc', true],
    ['a lone low surrogate', 'F\udfff', false],
    ['a lone high surrogate at the end', 'F\ud800', false],
    ['two high surrogates', '\ud800\ud800\udc00', false],
    ['NUL', 'a\u0000', false],
    ['a tab', 'a\tb', false],
    ['a newline', 'a\nb', false],
    ['DEL', 'a\u007f', false],
    ['a C1 control', 'a\u0085', false],
    ['a line separator', 'a\u2028', false],
    ['a right-to-left override', '\u202eevil', false],
    ['a first-strong isolate', '\u2068x', false],
    ['a byte order mark', '\ufeffx', false],
  ])('%s', (_what, value, expected) => {
    expect(isText(value)).toBe(expected);
    expect(validateClientCommand(register(value)).ok).toBe(expected);
  });

  it('says which field holds what, and where', () => {
    expect(validateClientCommand(register('F\udfff'))).toEqual({
      ok: false,
      code: 'COMMAND_INVALID',
      message: expect.stringMatching(/^payload\/displayName: holds an unpaired surrogate U\+DFFF at index 1/),
    });
    const food = { name: 'a\u0000', quantity: 1, unit: 'g', calories: 1, proteinG: 0, carbsG: 0, fatG: 0 };
    const meal = validateClientCommand({ id: 'c2', to: 'user/u1', type: 'meal.log', payload: { mealId: 'm', mealType: 'lunch', eatenAt: 0, foods: [food] } });
    expect(meal).toMatchObject({ ok: false, message: expect.stringMatching(/^payload\/foods\/0\/name: holds the character U\+0000 at index 1/) });
  });

  it('guards the envelope and every client frame too, without repeating bad text in the answer', () => {
    expect(parseClientFrame({ t: 'hello', token: 'abc\u0000' })).toMatchObject({ ok: false, code: 'FRAME_INVALID' });
    expect(parseClientFrame({ t: 'sub', topic: 'user/\udc00' })).toEqual({ ok: false, code: 'FRAME_INVALID', message: expect.any(String) });
    expect(parseClientFrame({ t: 'cmd', ...register('Ada'), id: 'x\ud800' })).toEqual({ ok: false, code: 'COMMAND_INVALID', message: expect.any(String) });
    expect(parseClientFrame({ t: 'cmd', ...register('Ada'), type: 'user.register\u0000' })).toMatchObject({ ok: false, id: 'c1' });
  });

  it('is what both codecs deliver: a MessagePack string that is not UTF-8 is refused, not mended', () => {
    const msgpack = createCodec(Subprotocol.msgpack);
    expect(msgpack.decode(msgpack.encode({ t: 'ping', s: 'F\udfff' } as never))).toMatchObject({ ok: false, code: 'FRAME_INVALID' });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        expect(msgpack.decode(msgpack.encode({ t: 'ping', s: value } as never))).toEqual({ ok: true, value: { t: 'ping', s: value } });
      }),
    );
  });
});
