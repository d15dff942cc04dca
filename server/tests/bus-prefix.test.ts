import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';

const secrets = { GAMIFIER_MODE: 'development' };

describe('the bus prefix (BUS_PREFIX)', () => {
  it('names the deployment after its database and schema unless set', () => {
    expect(loadConfig({ ...secrets, DATABASE_URL: 'postgres://u@db-a:5432/game', DATABASE_SCHEMA: 'eu' }).busPrefix).toBe('gamifier.game.eu');
    // Nodes that reach the same database by another host name agree on it.
    expect(loadConfig({ ...secrets, DATABASE_URL: 'postgres://u@10.0.0.7/game', DATABASE_SCHEMA: 'eu' }).busPrefix).toBe('gamifier.game.eu');
    expect(loadConfig({ ...secrets, DATABASE_URL: 'postgres://u@db/game' }).busPrefix).toBe('gamifier.game.search-path');
    expect(loadConfig({ ...secrets, DATABASE_URL: 'postgres://alice@db' }).busPrefix).toBe('gamifier.alice.search-path');
    expect(loadConfig({ ...secrets, DATABASE_URL: 'postgres://u@db/my.db' }).busPrefix).toBe('gamifier.my%2Edb.search-path');
  });

  it('gives every PGlite node a prefix of its own', () => {
    const [a, b] = [loadConfig({ ...secrets, DATA_DIR: 'memory' }), loadConfig({ ...secrets, DATA_DIR: 'memory' })];
    expect(a.busPrefix).toMatch(/^gamifier\.pglite\.[0-9a-f]{8}$/);
    expect(a.busPrefix).not.toBe(b.busPrefix);
  });

  it('takes BUS_PREFIX as given, and refuses one that is not plain subject tokens', () => {
    expect(loadConfig({ ...secrets, BUS_PREFIX: 'gamifier.prod-eu', DATABASE_URL: 'postgres://u@db/game' }).busPrefix).toBe('gamifier.prod-eu');
    for (const bad of ['a..b', 'a.*', 'a b', 'a.>', '.a']) {
      expect(() => loadConfig({ ...secrets, BUS_PREFIX: bad })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('BUS_PREFIX') }));
    }
  });
});
