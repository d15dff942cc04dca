import { describe, expect, it } from 'vitest';
import { KnownVersions } from '../postgres/known-versions.js';

describe('versions known to be stored', () => {
  it('knows every version up to the highest seen, never a later one, and never goes back', () => {
    const known = new KnownVersions();
    expect(known.has('user/u1', 1)).toBe(false);
    expect(known.has('user/u1', 0)).toBe(true);
    known.saw('user/u1', 3);
    known.saw('user/u1', 2);
    expect([1, 2, 3, 4].map((v) => known.has('user/u1', v))).toEqual([true, true, true, false]);
    expect(known.has('user/u2', 1)).toBe(false);
  });

  it('forgets the stream updated longest ago beyond its capacity', () => {
    const known = new KnownVersions(2);
    known.saw('user/a', 1);
    known.saw('user/b', 1);
    known.saw('user/a', 2); // a is now the latest update
    known.saw('user/c', 1);
    expect(known.size).toBe(2);
    expect([known.has('user/a', 2), known.has('user/b', 1), known.has('user/c', 1)]).toEqual([true, false, true]);
  });
});
