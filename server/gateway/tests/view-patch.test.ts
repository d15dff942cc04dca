import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPush, applyRowsDiff } from '../../../protocol/client/topic-state.js';
import type { EvtFrame } from '../../../protocol/frames.js';
import { viewPatch } from '../topics/view-patch.js';

const evt = (topic: string, patch: EvtFrame['patch'], data: unknown = {}): EvtFrame =>
  ({ t: 'evt', topic, version: 2, event: { type: 'x', data }, ...(patch ? { patch } : {}) }) as EvtFrame;

/** A JSON value of the kind views hold: objects, arrays, numbers, strings, booleans and nulls. */
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'today', 'streak', '~x', 'y/z'), tie('value'), { maxKeys: 4 }),
})).object;

describe('the patch of a view, as the server makes it and the SDK applies it', () => {
  it('turns any view into any other, and leaves the view it was applied to as it was', () => {
    fc.assert(
      fc.property(json, json, (before, after) => {
        const frozen = structuredClone(before);
        const patched = applyPush(before, evt('user/u1', viewPatch(before, after)));
        expect(patched).toEqual(after);
        expect(before).toEqual(frozen);
      }),
      { numRuns: 300 },
    );
  });

  it('restates the members that depend on the day whole, so a copy made on another day still comes right', () => {
    const before = { points: 5, today: { meals: 1, water: 250 }, streak: { days: 3 } };
    const after = { points: 8, today: { meals: 2, water: 250 }, streak: { days: 3 } };
    const patch = viewPatch(before, after, ['today', 'streak']);
    expect(patch).toEqual([
      { op: 'replace', path: '/points', value: 8 },
      { op: 'add', path: '/today', value: { meals: 2, water: 250 } },
      { op: 'add', path: '/streak', value: { days: 3 } },
    ]);
    // The client's copy was made yesterday: its `today` differs from the server's `before`.
    const yesterdays = { points: 5, today: { meals: 4, water: 1_000 }, streak: { days: 2 } };
    expect(applyPush(yesterdays, evt('user/u1', patch))).toEqual(after);
  });

  it('refuses a patch that does not apply, so the SDK asks for a fresh snap', () => {
    expect(() => applyPush({ points: 5 }, evt('user/u1', [{ op: 'replace', path: '/ranking/3/score', value: 1 }]))).toThrow();
  });
});

describe('the rows diff of leaderboard/ and feed/', () => {
  const rows = [
    { userId: 'a', points: 30 },
    { userId: 'b', points: 20 },
    { userId: 'c', points: 10 },
  ];

  it('drops removed rows, replaces known ones in place, appends new ones, then follows the order', () => {
    const diff = { upsert: [{ userId: 'c', points: 40 }, { userId: 'd', points: 5 }], remove: ['b'], order: ['c', 'a', 'd'] };
    expect(applyRowsDiff(rows, diff, 'userId')).toEqual([
      { userId: 'c', points: 40 },
      { userId: 'a', points: 30 },
      { userId: 'd', points: 5 },
    ]);
    expect(applyPush(rows, evt('leaderboard/global', undefined, diff))).toEqual(applyRowsDiff(rows, diff, 'userId'));
    expect(rows.map((row) => row.userId)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the order it had when the diff names none', () => {
    expect(applyRowsDiff(rows, { upsert: [{ userId: 'b', points: 25 }], remove: [] }, 'userId').map((row) => row.points)).toEqual([30, 25, 10]);
  });

  it('refuses an order naming a row it does not have', () => {
    expect(() => applyRowsDiff(rows, { upsert: [], remove: ['a'], order: ['a', 'b', 'c'] }, 'userId')).toThrow(/order names a/);
  });
});
