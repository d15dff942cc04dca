import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors.js';
import { toJsonText } from '../serialize.js';

const nested = (depth: number, leaf: unknown): unknown => (depth === 0 ? leaf : { next: nested(depth - 1, leaf) });

describe('toJsonText', () => {
  it('writes plain JSON as JSON.stringify does, however deep', () => {
    const value = { a: [1, 'two', true, null, { b: -0.5 }], deep: nested(200, 'end'), empty: Object.create(null) };
    expect(toJsonText(value, 'data')).toBe(JSON.stringify(value));
  });

  it('names the path of the first value JSON cannot carry', () => {
    const cycle: Record<string, unknown> = { list: [] };
    (cycle.list as unknown[]).push({ back: cycle });
    const cases: Array<[unknown, string]> = [
      [{ a: [1, { b: undefined }] }, 'data.a[1].b'],
      [{ when: new Date(0) }, 'data.when'],
      [{ s: 'x\u0000y' }, 'data.s'],
      [{ ['k\u0000']: 1 }, 'data'],
      [{ list: ['ok', 'F\udfff'] }, 'data.list[1]'],
      [{ ['k\ud800']: 1 }, 'data'],
      [{ n: [Infinity] }, 'data.n[0]'],
      [cycle, 'data.list[0].back'],
      [nested(100, 1n), `data${'.next'.repeat(100)}`],
      [[, 1], 'data[0]'],
    ];
    for (const [value, path] of cases) {
      expect(() => toJsonText(value, 'data')).toThrowError(expect.objectContaining({ code: ErrorCode.EVENT_NOT_SERIALIZABLE, path }));
    }
  });
});
