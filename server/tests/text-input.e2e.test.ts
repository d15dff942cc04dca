import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPlayer, startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres } from '../../test/support/services.js';
import { RawClient } from '../gateway/tests/raw-client.js';

const available = await needPostgres();

/**
 * Hostile text (issue 16, findings 1 and 2): a lone surrogate or a NUL in a name once got into
 * the event log and broke every read model for good, or crashed and quarantined the sender's
 * actor. Such text is refused at the door, over HTTP and over both WebSocket subprotocols.
 */
describe.skipIf(!available)('text a player sends (PostgreSQL)', () => {
  let running: TestServer;
  let ada: HttpPlayer;
  const sockets: RawClient[] = [];
  const admin = async (path: string) => {
    const response = await fetch(`${running.url}${path}`, { headers: { authorization: 'Bearer dev-admin-token' } });
    return { status: response.status, body: (await response.json()) as any };
  };
  const lunch = (mealId: string, foodName: string) => ({
    mealId,
    mealType: 'lunch',
    eatenAt: Date.now(),
    foods: [{ name: foodName, quantity: 1, unit: 'g', calories: 10, proteinG: 1, carbsG: 1, fatG: 1 }],
  });

  async function socket(protocol: 'json' | 'msgpack', userId: string): Promise<RawClient> {
    const token = ((await (await fetch(`${running.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId }) })).json()) as { token: string }).token;
    const client = await RawClient.open(`${running.url.replace('http', 'ws')}/v1/ws`, protocol);
    sockets.push(client);
    expect((await client.hello(token)).t).toBe('welcome');
    return client;
  }
  async function answer(client: RawClient, id: string, send: () => void) {
    const from = client.frames.length;
    send();
    // A frame refused before it is parsed (not MessagePack, not JSON) is answered by an err without id.
    const answers = (frame: { t: string; id?: string }) => (frame.t === 'ack' && frame.id === id) || (frame.t === 'err' && (frame.id ?? id) === id);
    return client.waitFor(answers, `the answer to ${id}`, from);
  }

  beforeAll(async () => {
    running = await startTestServer('postgres');
    ada = await new HttpPlayer(running.url, 'ada').login();
    expect((await ada.command('user/ada', 'user.register', { displayName: 'Ada', timezone: 'UTC' })).status).toBe(200);
  });
  afterAll(async () => {
    for (const client of sockets) client.close();
    await running?.close();
  });

  it('refuses a display name or a title holding a lone surrogate, and the read models stay live for everyone', async () => {
    const eve = await new HttpPlayer(running.url, 'eve').login();
    const http = await eve.command('user/eve', 'user.register', { displayName: 'F\udfff', timezone: 'UTC' });
    expect(http).toMatchObject({ status: 400, body: { error: { code: 'COMMAND_INVALID' } } });
    expect(http.body.error.message).toContain('displayName');

    const json = await socket('json', 'eve');
    const text = '{"t":"cmd","id":"j1","to":"user/eve","type":"user.register","payload":{"displayName":"F\\udfff","timezone":"UTC"}}';
    expect(await answer(json, 'j1', () => json.sendRaw(text))).toMatchObject({ t: 'err', code: 'COMMAND_INVALID' });
    const msgpack = await socket('msgpack', 'eve');
    const frame = { t: 'cmd', id: 'm1', to: 'user/eve', type: 'user.register', payload: { displayName: '\ud800F', timezone: 'UTC' } };
    // The SDK's encoder writes a lone surrogate as bytes that are not UTF-8: the frame is not MessagePack text.
    expect(await answer(msgpack, 'm1', () => msgpack.send(frame))).toMatchObject({ t: 'err', code: 'FRAME_INVALID' });

    const title = await ada.command('challenge/c-lone', 'challenge.create', {
      title: 'Lone \udfff',
      kind: 'points',
      startsAt: Date.now() + 60_000,
      endsAt: Date.now() + 120_000,
      maxParticipants: 10,
    });
    expect(title).toMatchObject({ status: 400, body: { error: { code: 'COMMAND_INVALID' } } });

    // Nothing was written: neither stream exists.
    expect((await admin('/v1/admin/streams/user/eve/events')).body.error.code).toBe('STREAM_NOT_FOUND');
    expect((await admin('/v1/admin/streams/challenge/c-lone/events')).body.error.code).toBe('STREAM_NOT_FOUND');
    const newcomer = await new HttpPlayer(running.url, 'newcomer').login();
    expect((await newcomer.command('user/newcomer', 'user.register', { displayName: 'Newcomer', timezone: 'UTC' })).status).toBe(200);
    const profile = await eventually(async () => {
      const { status, body } = await newcomer.request('GET', '/v1/players/newcomer');
      return status === 200 ? body : undefined;
    });
    expect(profile).toMatchObject({ userId: 'newcomer', displayName: 'Newcomer' });
    const { body } = await admin('/v1/admin/projections');
    expect(body.projections.filter((p: { state: string }) => p.state === 'failed')).toEqual([]);
  });

  it('refuses a food name holding a NUL as often as it is sent, and the player goes on logging meals', async () => {
    for (let i = 1; i <= 4; i++) {
      const { status, body } = await ada.command('user/ada', 'meal.log', lunch(`nul-${i}`, 'a\u0000'), `nul-${i}`);
      expect(status).toBe(400);
      expect(body.error.code).toBe('COMMAND_INVALID');
    }
    const json = await socket('json', 'ada');
    const text = JSON.stringify({ t: 'cmd', id: 'nul-ws', to: 'user/ada', type: 'meal.log', payload: lunch('nul-ws', 'a\u0000') });
    expect(await answer(json, 'nul-ws', () => json.sendRaw(text))).toMatchObject({ t: 'err', code: 'COMMAND_INVALID' });

    expect((await ada.request('GET', '/v1/commands/nul-1%00?to=user/ada')).body.error.code).toBe('QUERY_INVALID');

    expect(await ada.command('user/ada', 'meal.log', lunch('fine', 'apple'))).toMatchObject({ status: 200, body: { status: 'ok' } });
    const types = (await admin('/v1/admin/streams/user/ada/events')).body.events.map((e: { type: string }) => e.type);
    expect(types.filter((type: string) => type === 'nutrition.meal.logged')).toHaveLength(1);
    expect((await admin('/v1/admin/dead-letters?actor=user/ada')).body.deadLetters).toEqual([]);
  });
});
