// What the gateway does with clients that misbehave, over real sockets on both transports: every
// bad frame gets an err and reaches no actor; abuse closes that connection only, with its code.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type GamifierClient } from '../../../protocol/client/index.js';
import { CloseCode } from '../../../protocol/close-codes.js';
import type { SnapFrame } from '../../../protocol/frames.js';
import { eventually } from '../../../test/support/services.js';
import type { TopicSource, TransportKind } from '../index.js';
import { startStack, uniqueId, type RunningGateway, type Stack } from './harness.js';
import { RawClient, type Frame } from './raw-client.js';

/** A leaderboard whose snap is ~48 KiB: output piles up fast for a client that does not read. */
function bigLeaderboard(): TopicSource {
  const rows = Array.from({ length: 400 }, (_, i) => ({ rank: i + 1, userId: `player-${i}`, displayName: 'x'.repeat(80), points: 1_000 - i, level: 3 }));
  const snap: SnapFrame = { t: 'snap', topic: 'leaderboard/global', version: 1, state: rows };
  return {
    watch: (_topic, _from, sink) => {
      sink.snap(snap);
      return { close: () => undefined };
    },
    stats: () => ({ topics: 1, watchers: 0 }),
  };
}

const isErr = (code: string) => (frame: Frame) => frame.t === 'err' && frame.code === code;

describe.each<TransportKind>(['uws', 'ws'])('gateway protection over %s', (kind) => {
  let stack: Stack;
  let plain: RunningGateway;
  let tight: RunningGateway;
  let idle: RunningGateway;
  let slow: RunningGateway;
  const raws: RawClient[] = [];
  const clients: GamifierClient[] = [];

  beforeAll(async () => {
    stack = await startStack('pglite');
    plain = await stack.gateway(kind);
    tight = await stack.gateway(kind, { helloTimeoutMs: 300 });
    idle = await stack.gateway(kind, { limits: { idleTimeoutMs: 400 } });
    slow = await stack.gateway(
      kind,
      { limits: { maxBufferedBytes: 64 * 1024, ratePerSec: 1_000_000, burst: 1_000_000, maxSubscriptions: 2 }, closeTimeoutMs: 60_000 },
      { sources: { leaderboard: bigLeaderboard() } },
    );
  });
  afterAll(async () => {
    for (const raw of raws) raw.close();
    await Promise.all(clients.map((client) => client.close()));
    await stack?.close();
  });

  async function raw(gateway: RunningGateway, protocol: 'json' | 'msgpack' = 'json', userId = uniqueId('raw')) {
    const client = await RawClient.open(gateway.url, protocol);
    raws.push(client);
    return { client, userId, welcome: () => stack.token(userId).then((token) => client.hello(token)) };
  }

  async function stillServes(client: RawClient) {
    // Pings until one is answered pong (a ping may itself meet an empty token bucket).
    for (let n = 1_000; ; n++) {
      const from = client.frames.length;
      client.send({ t: 'ping', n });
      const answer = await client.waitFor((frame) => frame.t === 'pong' || (frame.t === 'err' && frame.code === 'RATE_LIMITED'), 'pong', from);
      if (answer.t === 'pong') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('answers each bad frame with an err, lets none reach an actor, and keeps the connection', async () => {
    const { client, userId, welcome } = await raw(plain, 'json');
    client.send({ t: 'cmd', id: 'early', to: `user/${userId}`, type: 'water.log', payload: { ml: 1, drankAt: Date.now() } });
    expect(await client.waitFor((frame) => frame.t === 'err')).toMatchObject({ code: 'HELLO_REQUIRED', id: 'early' });
    expect(await welcome()).toMatchObject({ t: 'welcome', userId, limits: { maxFrameBytes: 65_536 } });

    const cases: Array<[string, () => void, Record<string, unknown>]> = [
      ['not JSON', () => client.sendRaw('{"t": "ping",'), { code: 'FRAME_INVALID' }],
      ['not an object', () => client.sendRaw('[1,2,3]'), { code: 'FRAME_INVALID' }],
      ['a binary message on the JSON subprotocol', () => client.sendRaw(Buffer.from('{"t":"ping"}'), true), { code: 'FRAME_INVALID' }],
      ['an unknown frame', () => client.send({ t: 'shout' }), { code: 'FRAME_UNKNOWN' }],
      ['an unknown field', () => client.send({ t: 'ping', n: 1, extra: true }), { code: 'FRAME_INVALID' }],
      ['a second hello with a bad token', () => client.send({ t: 'hello', token: 'again' }), { code: 'AUTH_INVALID' }],
      ['a bad payload', () => client.send({ t: 'cmd', id: 'c1', to: `user/${userId}`, type: 'water.log', payload: { ml: -5, drankAt: 1 } }), { code: 'COMMAND_INVALID', id: 'c1' }],
      ['an unknown command', () => client.send({ t: 'cmd', id: 'c2', to: `user/${userId}`, type: 'meal.eat', payload: {} }), { code: 'COMMAND_UNKNOWN', id: 'c2' }],
      ['a system command', () => client.send({ t: 'cmd', id: 'c3', to: `user/${userId}`, type: 'points.award', payload: { amount: 1_000, reason: 'x', sourceId: 'y' } }), { code: 'COMMAND_UNKNOWN', id: 'c3' }],
      ['the wrong actor type', () => client.send({ t: 'cmd', id: 'c4', to: `challenge/${userId}`, type: 'water.log', payload: { ml: 1, drankAt: 1 } }), { code: 'COMMAND_UNKNOWN', id: 'c4' }],
      ["another player's actor", () => client.send({ t: 'cmd', id: 'c5', to: 'user/someone-else', type: 'water.log', payload: { ml: 1, drankAt: 1 } }), { code: 'AUTH_FORBIDDEN', id: 'c5' }],
      ['a bad topic', () => client.send({ t: 'sub', topic: 'user/../x' }), { code: 'TOPIC_INVALID', topic: 'user/../x' }],
      ["another player's topic", () => client.send({ t: 'sub', topic: 'user/someone-else' }), { code: 'TOPIC_FORBIDDEN', topic: 'user/someone-else' }],
      ['a frame over maxFrameBytes', () => client.send({ t: 'ping', n: 1, pad: 'x'.repeat(70_000) }), { code: 'FRAME_TOO_LARGE' }],
    ];
    for (const [what, send, expected] of cases) {
      const from = client.frames.length;
      send();
      expect(await client.waitFor((frame) => frame.t === 'err', what, from), what).toMatchObject(expected);
    }
    await stillServes(client);
    expect(client.isOpen).toBe(true);
    expect(await stack.store.store.streamVersion(`user/${userId}`)).toBe(0);
    expect(await stack.store.store.streamVersion('user/someone-else')).toBe(0);
  });

  it('refuses MessagePack that is not the JSON data model, and text on the binary subprotocol', async () => {
    const { client, welcome } = await raw(plain, 'msgpack');
    await welcome();
    for (const bytes of [Buffer.from([0xc1]), Buffer.from([0xd6, 0xff, 0, 0, 0, 0]), Buffer.from([0x81, 0xa1, 0x74])]) {
      const from = client.frames.length;
      client.sendRaw(bytes, true);
      expect(await client.waitFor((frame) => frame.t === 'err', 'err', from)).toMatchObject({ code: 'FRAME_INVALID' });
    }
    const from = client.frames.length;
    client.sendRaw('{"t":"ping"}', false);
    expect(await client.waitFor((frame) => frame.t === 'err', 'err', from)).toMatchObject({ code: 'FRAME_INVALID' });
    await stillServes(client);
  });

  it('closes a connection that floods bad frames 4004, and only that one', async () => {
    const bystander = await connect({ url: plain.url, token: await stack.token(uniqueId('ok')), WebSocket, reconnect: false });
    clients.push(bystander);
    const { client, welcome } = await raw(plain, 'json');
    await welcome();
    for (let i = 0; i < 40; i++) client.sendRaw(`not json ${i}`);
    const closed = await client.closed;
    expect(closed.code).toBe(CloseCode.TOO_MANY_BAD_FRAMES);
    expect(client.frames.filter(isErr('FRAME_INVALID')).length).toBe(21);
    expect(client.frames.at(-1)).toMatchObject({ t: 'bye', code: CloseCode.TOO_MANY_BAD_FRAMES });
    const userId = bystander.welcome!.userId;
    expect(await bystander.send({ to: `user/${userId}`, type: 'user.register', payload: { displayName: 'Still here', timezone: 'UTC' } })).toMatchObject({
      status: 'ok',
    });
  });

  it('answers frames over the rate RATE_LIMITED, then closes a client that keeps going 4003', async () => {
    const { client, welcome } = await raw(plain, 'json');
    await welcome();
    for (let n = 0; n < 150; n++) client.send({ t: 'sub', topic: `challenge/c${n}` });
    const limited = await client.waitFor(isErr('RATE_LIMITED'));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', topic: expect.stringMatching(/^challenge\/c\d+$/) });
    await stillServes(client);
    expect(client.isOpen).toBe(true);

    const abuser = await raw(plain, 'json');
    await abuser.welcome();
    for (let n = 0; n < 400; n++) abuser.client.send({ t: 'ping', n });
    expect((await abuser.client.closed).code).toBe(CloseCode.RATE_LIMIT_ABUSE);
    expect(abuser.client.frames.at(-1)).toMatchObject({ t: 'bye', code: CloseCode.RATE_LIMIT_ABUSE });
    expect(client.isOpen).toBe(true);
  });

  it('drops a connection that sends a message beyond the transport limit', async () => {
    const { client, welcome } = await raw(plain, 'json');
    await welcome();
    client.send({ t: 'ping', pad: 'x'.repeat(200_000) });
    // uWS cuts it (the client sees 1006); ws closes 1009.
    expect([CloseCode.ABNORMAL, CloseCode.FRAME_TOO_LARGE]).toContain((await client.closed).code);
  });

  it('refuses a bad token AUTH_INVALID and closes 4001', async () => {
    const { client } = await raw(plain, 'json');
    client.send({ t: 'hello', token: 'not-a-token' });
    expect((await client.closed).code).toBe(CloseCode.AUTH_FAILED);
    expect(client.frames.map((frame) => frame.t)).toEqual(['err', 'bye']);
    expect(client.frames[0]).toMatchObject({ code: 'AUTH_INVALID' });
    await expect(connect({ url: plain.url, token: 'not-a-token', WebSocket, reconnect: false })).rejects.toMatchObject({ code: 'AUTH_INVALID' });
  });

  it('refuses an upgrade offering none of our subprotocols; no offer means MessagePack', async () => {
    await expect(RawClient.open(plain.url, ['chat.v2'])).rejects.toMatchObject({ status: 400 });
    const { client } = { client: await RawClient.open(plain.url, []) };
    raws.push(client);
    expect(client.socket.protocol).toBe('');
    expect(await client.hello(await stack.token(uniqueId('mp')))).toMatchObject({ t: 'welcome' });
    const http = await fetch(plain.url.replace('ws://', 'http://'));
    expect(http.status).toBeGreaterThanOrEqual(400);
  });

  it('closes 4001 without a hello in time, and 4005 when idle', async () => {
    const silent = await raw(tight, 'msgpack');
    expect((await silent.client.closed).code).toBe(CloseCode.AUTH_FAILED);
    expect(silent.client.frames).toMatchObject([{ t: 'err', code: 'AUTH_REQUIRED' }, { t: 'bye', code: CloseCode.AUTH_FAILED }]);

    const quiet = await raw(idle, 'json');
    await quiet.welcome();
    expect((await quiet.client.closed).code).toBe(CloseCode.IDLE_TIMEOUT);
    expect(quiet.client.frames.at(-1)).toMatchObject({ t: 'bye', code: CloseCode.IDLE_TIMEOUT });
  });

  it('caps subscriptions per connection', async () => {
    const { client, welcome } = await raw(slow, 'json');
    await welcome();
    client.send({ t: 'sub', topic: 'challenge/a' });
    client.send({ t: 'sub', topic: 'challenge/b' });
    client.send({ t: 'sub', topic: 'challenge/a' }); // a re-sub replaces, it does not count twice
    client.send({ t: 'sub', topic: 'challenge/c' });
    expect(await client.waitFor((frame) => frame.t === 'err')).toMatchObject({ code: 'SUBSCRIPTION_LIMIT', topic: 'challenge/c' });
    // The first watch of challenge/a was replaced before its snap: one snap per topic.
    await client.waitForCount((frame) => frame.t === 'snap', 2, 'snaps');
    client.send({ t: 'unsub', topic: 'challenge/b' });
    const from = client.frames.length;
    client.send({ t: 'sub', topic: 'challenge/c' });
    expect(await client.waitFor((frame) => frame.t === 'snap' || frame.t === 'err', 'snap', from)).toMatchObject({ t: 'snap', topic: 'challenge/c' });
  });

  it('closes a consumer that does not read 4002, without growing its buffer', async () => {
    const { client, welcome } = await raw(slow, 'json');
    await welcome();
    const welcomed = slow.gateway.stats().welcomed;
    client.pause();
    // Each sub answers a ~48 KiB snap; the kernel's buffers fill, then the gateway's cap is hit.
    for (let i = 0; i < 600; i++) client.send({ t: 'sub', topic: 'leaderboard/global' });
    await eventually(async () => (slow.gateway.stats().welcomed === welcomed - 1 ? true : undefined), 20_000, 'the gateway to give up on the reader');
    client.resume();
    expect((await client.closed).code).toBe(CloseCode.SLOW_CONSUMER);
    expect(client.frames.at(-1)).toMatchObject({ t: 'bye', code: CloseCode.SLOW_CONSUMER });
    // Every frame that arrived is whole (large frames under backpressure included), and the
    // gateway stopped at its cap: far fewer snaps than were asked for.
    const snaps = client.frames.filter((frame) => frame.t === 'snap');
    expect(client.frames.filter((frame) => frame.t === '!undecodable')).toEqual([]);
    expect(snaps.every((snap) => snap.state.length === 400)).toBe(true);
    expect(snaps.length).toBeLessThan(600);
  });
});

describe.each<TransportKind>(['uws', 'ws'])('large frames to a slow reader over %s', (kind) => {
  let stack: Stack;
  let roomy: RunningGateway;

  beforeAll(async () => {
    stack = await startStack('pglite');
    roomy = await stack.gateway(
      kind,
      { limits: { maxBufferedBytes: 64 * 1024 * 1024, ratePerSec: 1_000_000, burst: 1_000_000 } },
      { sources: { leaderboard: bigLeaderboard() } },
    );
  });
  afterAll(() => stack?.close());

  it('arrive whole, however full the buffers were when they were sent', async () => {
    const client = await RawClient.open(roomy.url, 'msgpack');
    await client.hello(await stack.token(uniqueId('reader')));
    client.pause();
    for (let i = 0; i < 200; i++) client.send({ t: 'sub', topic: 'leaderboard/global' });
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the kernel's buffers fill up
    client.resume();
    const snaps = await client.waitForCount((frame) => frame.t === 'snap', 200, 'snaps');
    expect(snaps.every((snap) => snap.state.length === 400)).toBe(true);
    expect(client.frames.filter((frame) => frame.t === '!undecodable')).toEqual([]);
    expect(client.isOpen).toBe(true);
    client.close();
  });
});
