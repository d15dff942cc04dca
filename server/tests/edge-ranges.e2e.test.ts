import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../gateway/tests/raw-client.js';
import { HttpPlayer, startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres } from '../../test/support/services.js';

const available = await needPostgres();

/**
 * Numbers, days and cursors a client sends are checked at the edge against what the server can
 * hold: out of range is a 4xx or an `err` with a stable code, never a failed query or a silent
 * "first page".
 */
describe.skipIf(!available)('values at the edge (PostgreSQL)', () => {
  let running: TestServer;
  let ada: HttpPlayer;

  beforeAll(async () => {
    running = await startTestServer('postgres');
    ada = await new HttpPlayer(running.url, 'ada').login();
    await ada.command('user/ada', 'user.register', { displayName: 'Ada', timezone: 'UTC' });
  });
  afterAll(() => running?.close());

  it('refuses a sub from a version beyond what a stream can reach, and serves one at the limit', async () => {
    const response = await fetch(`${running.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId: 'ada' }) });
    const { token } = (await response.json()) as { token: string };
    const client = await RawClient.open(`${running.url.replace('http', 'ws')}/v1/ws`, 'json');
    try {
      expect(await client.hello(token)).toMatchObject({ t: 'welcome' });
      for (const fromVersion of [2 ** 31, 2 ** 53 - 1]) {
        const from = client.frames.length;
        client.send({ t: 'sub', topic: 'user/ada', fromVersion });
        expect(await client.waitFor((frame) => frame.t === 'err', `err for ${fromVersion}`, from)).toMatchObject({ code: 'FRAME_INVALID' });
      }
      const from = client.frames.length;
      client.send({ t: 'sub', topic: 'user/ada', fromVersion: 2 ** 31 - 1 });
      client.send({ t: 'ping', n: 7 });
      await client.waitFor((frame) => frame.t === 'pong', 'pong', from);
      expect(client.frames.slice(from).filter((frame) => frame.t === 'err')).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('reads an empty range from the store for versions beyond its integers', async () => {
    expect(await running.server.store.store.readStream('user/ada', { fromVersion: 2 ** 31 + 5 })).toEqual([]);
    expect((await running.server.store.store.readStream('user/ada', { toVersion: 2 ** 40 })).length).toBe(1);
  });

  it.each([
    ['a month 13', '/v1/players/ada/nutrition/2026-13-45'],
    ['February 30th', '/v1/players/ada/nutrition/2026-02-30'],
    ['day zero of year zero', '/v1/players/ada/nutrition?from=0000-00-00&to=9999-99-99'],
    ['a range of 367 days', '/v1/players/ada/nutrition?from=2025-01-01&to=2026-01-02'],
    ['a feed cursor the server never made', '/v1/players/ada/feed?before=bm90LWEtY3Vyc29y'],
    ['a directory cursor of the wrong shape', `/v1/challenges?after=${Buffer.from('[1.5,"x"]').toString('base64url')}`],
  ])('answers QUERY_INVALID for %s', async (_what, path) => {
    const { status, body } = await ada.request('GET', path);
    expect(status).toBe(400);
    expect(body.error.code).toBe('QUERY_INVALID');
  });

  it('answers PLAYER_NOT_FOUND for the nutrition of an id nobody registered, as for the profile', async () => {
    for (const path of ['/v1/players/nobody', '/v1/players/nobody/nutrition/2024-02-29', '/v1/players/nobody/nutrition?from=2024-01-01&to=2024-01-31']) {
      const { status, body } = await ada.request('GET', path);
      expect([path, status, body.error?.code]).toEqual([path, 404, 'PLAYER_NOT_FOUND']);
    }
  });

  it('serves real days, a full year, and the cursors it hands out', async () => {
    // Once the profile read model knows ada (before, her reads answer PLAYER_NOT_FOUND like her profile).
    await eventually(async () => ((await ada.request('GET', '/v1/players/ada')).status === 200 ? true : undefined));
    expect((await ada.request('GET', '/v1/players/ada/nutrition/2024-02-29')).status).toBe(200);
    expect((await ada.request('GET', '/v1/players/ada/nutrition?from=2024-01-01&to=2024-12-31')).status).toBe(200);
    const startsAt = Date.now() + 3_600_000;
    for (const id of ['dir-a', 'dir-b']) {
      await ada.command(`challenge/${id}`, 'challenge.create', { title: id, kind: 'points', startsAt, endsAt: startsAt + 3_600_000, maxParticipants: 5 });
    }
    const first = await eventually(async () => {
      const page = await ada.request('GET', '/v1/challenges?state=scheduled,open&limit=1');
      return page.status === 200 && page.body.next ? page.body : undefined;
    });
    const second = await ada.request('GET', `/v1/challenges?state=scheduled,open&limit=1&after=${first.next}`);
    expect(second.status).toBe(200);
    expect(second.body.items.map((item: { challengeId: string }) => item.challengeId)).not.toEqual(first.items.map((item: { challengeId: string }) => item.challengeId));
  });
});
