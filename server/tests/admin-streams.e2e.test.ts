import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPlayer, startTestServer, type TestServer } from '../../test/support/server.js';

/**
 * The three operator views of one stream (events, state, snapshot) answer alike: a stream
 * without events is 404 STREAM_NOT_FOUND on each, a stream without a snapshot yet is no error, and
 * a state of an address no actor type answers to is ACTOR_TYPE_UNKNOWN.
 */
describe('the operator views of a stream answer consistently (PGlite)', () => {
  let running: TestServer;
  // Snapshots every 3 events: ada gets one, a stream of 2 events has none.
  beforeAll(async () => {
    running = await startTestServer('pglite', { SNAPSHOT_EVERY: '3' });
    const ada = await new HttpPlayer(running.url, 'ada').login();
    await ada.command('user/ada', 'user.register', { displayName: 'Ada', timezone: 'UTC' });
    for (let i = 0; i < 3; i++) await ada.command('user/ada', 'water.log', { ml: 250, drankAt: Date.now() });
    const bob = await new HttpPlayer(running.url, 'bob').login();
    await bob.command('user/bob', 'user.register', { displayName: 'Bob', timezone: 'UTC' });
  }, 60_000);
  afterAll(() => running?.close());

  const admin = async (path: string) => {
    const response = await fetch(`${running.url}${path}`, { headers: { authorization: 'Bearer dev-admin-token' } });
    return { status: response.status, body: (await response.json()) as any };
  };

  it.each(['events', 'state', 'snapshot'])('%s of a stream without events: 404 STREAM_NOT_FOUND', async (view) => {
    const { status, body } = await admin(`/v1/admin/streams/user/nobody/${view}`);
    expect(status).toBe(404);
    expect(body.error.code).toBe('STREAM_NOT_FOUND');
  });

  it.each(['events', 'state', 'snapshot'])('%s of a malformed stream id: 400 STREAM_ID_INVALID', async (view) => {
    const { status, body } = await admin(`/v1/admin/streams/user/${encodeURIComponent('a b')}/${view}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('STREAM_ID_INVALID');
  });

  it('state of an address no actor type answers to: 400 ACTOR_TYPE_UNKNOWN; its events and snapshot: 404', async () => {
    const state = await admin('/v1/admin/streams/planet/mars/state');
    expect(state.status).toBe(400);
    expect(state.body.error.code).toBe('ACTOR_TYPE_UNKNOWN');
    expect(state.body.error.message).toContain('user, challenge');
    expect((await admin('/v1/admin/streams/planet/mars/events')).body.error.code).toBe('STREAM_NOT_FOUND');
    expect((await admin('/v1/admin/streams/planet/mars/snapshot')).body.error.code).toBe('STREAM_NOT_FOUND');
  });

  it('a stream with events: events, state and snapshot all answer 200 with its current version', async () => {
    const events = await admin('/v1/admin/streams/user/ada/events');
    expect(events.status).toBe(200);
    const current = events.body.version as number;
    expect(current).toBeGreaterThanOrEqual(4);
    expect(events.body.events).toHaveLength(current);
    const state = await admin('/v1/admin/streams/user/ada/state?version=1');
    expect(state).toMatchObject({ status: 200, body: { version: 1, currentVersion: current } });
    const snapshot = await admin('/v1/admin/streams/user/ada/snapshot');
    expect(snapshot).toMatchObject({ status: 200, body: { streamId: 'user/ada', currentVersion: current } });
    expect(snapshot.body.version).toBeGreaterThanOrEqual(3);
  });

  it('a stream with events and no snapshot yet: 200, snapshot null (no error)', async () => {
    const { status, body } = await admin('/v1/admin/streams/user/bob/snapshot');
    expect(status).toBe(200);
    expect(body).toEqual({ streamId: 'user/bob', snapshot: null, currentVersion: 1 });
  });

  it('an events page past the end of an existing stream is an empty page, not an error', async () => {
    const { status, body } = await admin('/v1/admin/streams/user/bob/events?from=5');
    expect(status).toBe(200);
    expect(body).toMatchObject({ streamId: 'user/bob', version: 1, events: [] });
  });
});
