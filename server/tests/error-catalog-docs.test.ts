import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog } from '../../protocol/errors.js';

describe('the error catalog and docs/API.md', () => {
  it('list the same codes with the same statuses', () => {
    const docs = readFileSync(new URL('../../docs/API.md', import.meta.url), 'utf8');
    const table = docs.slice(docs.indexOf('## Error codes'));
    const documented = Object.fromEntries(
      [...table.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((match) => [match[1]!, Number(match[2])]),
    );
    const catalog = Object.fromEntries(Object.entries(errorCatalog).map(([code, info]) => [code, info.status]));
    expect(documented).toEqual(catalog);
  });
});
