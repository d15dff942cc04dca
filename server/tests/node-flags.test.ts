import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serverNodeFlags } from '../node-flags.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the node flags the server runs with', () => {
  it('are the same in npm start, the Dockerfile, CI and the benchmarks', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    const dockerCmd = read('Dockerfile').split('\n').find((line) => line.startsWith('CMD ['))!;
    const ciStart = read('.ci/run').split('\n').find((line) => line.includes('dist/server/cli.js start'))!;
    const flags = serverNodeFlags.join(' ');
    expect(scripts.start).toContain(`node ${flags} dist/server/cli.js start`);
    expect(scripts.bench).toContain(`node ${flags} `);
    expect(dockerCmd).toContain(`["node", ${serverNodeFlags.map((flag) => JSON.stringify(flag)).join(', ')}, "dist/server/cli.js"`);
    expect(ciStart).toContain(`node ${flags} dist/server/cli.js start`);
  });
});
