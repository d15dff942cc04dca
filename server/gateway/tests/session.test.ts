// The session's rules on an in-memory connection and a simulated clock: exact counts, no sockets.
import { describe, expect, it } from 'vitest';
import { SimulatedClock, type CommandEnvelope, type Outcome } from '../../../actors/runtime/index.js';
import { CloseCode } from '../../../protocol/close-codes.js';
import { createCodec, Subprotocol } from '../../../protocol/codecs.js';
import { ErrorCode, GamifierError } from '../../../protocol/errors.js';
import type { Topic } from '../../../protocol/topics.js';
import { createLogger } from '../../log.js';
import { RateBudgets } from '../rate-limit.js';
import { Session, type SessionContext } from '../session.js';
import { gatewaySettings, type GatewayOverrides } from '../settings.js';
import type { TopicSink, TopicSource } from '../topics/source.js';
import { MemoryConnection } from './memory-transport.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const flush = () => new Promise((resolve) => setImmediate(resolve));

function fakeSource() {
  const watches: Array<{ topic: Topic; from: number | undefined; sink: TopicSink; closed: boolean }> = [];
  const source: TopicSource = {
    watch(topic, from, sink) {
      const watch = { topic, from, sink, closed: false };
      watches.push(watch);
      return { close: () => void (watch.closed = true) };
    },
    stats: () => ({ topics: 0, watchers: watches.filter((watch) => !watch.closed).length }),
  };
  return { source, watches };
}

function setup(overrides: GatewayOverrides = {}, options: { subprotocol?: Subprotocol; outcome?: Outcome; budgets?: RateBudgets } = {}) {
  const clock = new SimulatedClock(T0);
  const commands: CommandEnvelope[] = [];
  const ended: Session[] = [];
  const streams = fakeSource();
  const codecs = { [Subprotocol.json]: createCodec(Subprotocol.json), [Subprotocol.msgpack]: createCodec(Subprotocol.msgpack) };
  const settings = gatewaySettings({ helloTimeoutMs: 1_000, ...overrides });
  const context: SessionContext & { draining: boolean } = {
    settings,
    clock,
    node: 'node-a',
    log: createLogger('silent'),
    draining: false,
    codec: (subprotocol) => codecs[subprotocol],
    verify: async (token) => {
      // `ok-<player>`, or `ok-<player>|<ms to live>`
      const [userId, ttlMs] = token.slice(3).split('|');
      if (token.startsWith('ok-')) return { userId: userId!, expiresAt: clock.now() + Number(ttlMs ?? 3_600_000) };
      throw new GamifierError(ErrorCode.AUTH_INVALID, 'the token is not valid');
    },
    send: async (envelope) => {
      commands.push(envelope);
      return options.outcome ?? { status: 'ok', version: commands.length, events: [], duplicate: false };
    },
    source: (topic) => (topic.kind === 'user' || topic.kind === 'challenge' ? streams.source : undefined),
    track: () => undefined,
    budgets: options.budgets ?? new RateBudgets(settings.limits.ratePerSec, settings.limits.burst),
    admit: () => undefined,
    ended: (session) => void ended.push(session),
  };
  const connection = new MemoryConnection(options.subprotocol);
  const session = new Session(connection, context);
  connection.handler = session;
  const welcome = async (userId = 'ada') => {
    connection.receive({ t: 'hello', token: `ok-${userId}` });
    await flush();
    expect(connection.sent.at(-1)).toMatchObject({ t: 'welcome', userId: userId.split('|')[0] });
  };
  return { clock, connection, session, commands, ended, streams, context, welcome };
}

describe('a session', () => {
  it('welcomes a valid hello with the limits it enforces', async () => {
    const { connection, welcome } = setup({ limits: { ratePerSec: 7 } });
    await welcome('ada');
    expect(connection.sent).toEqual([
      { t: 'welcome', userId: 'ada', node: 'node-a', serverTime: T0, limits: expect.objectContaining({ ratePerSec: 7 }), expiresAt: T0 + 3_600_000 },
    ]);
  });

  it('refuses a bad token AUTH_INVALID, then says bye and closes 4001', async () => {
    const { connection, ended, session } = setup();
    connection.receive({ t: 'hello', token: 'forged' });
    await flush();
    expect(connection.sent).toMatchObject([
      { t: 'err', code: 'AUTH_INVALID' },
      { t: 'bye', code: CloseCode.AUTH_FAILED },
    ]);
    expect(connection.closedWith?.code).toBe(CloseCode.AUTH_FAILED);
    expect(ended).toEqual([session]);
  });

  it('answers anything before the welcome HELLO_REQUIRED, naming the command', async () => {
    const { connection, commands } = setup();
    connection.receive({ t: 'cmd', id: 'c1', to: 'user/ada', type: 'water.log', payload: { ml: 1, drankAt: 1 } });
    connection.receive({ t: 'hello', token: 'ok-ada' });
    connection.receive({ t: 'sub', topic: 'user/ada' }); // while the hello is being checked
    await flush();
    expect(connection.sent).toMatchObject([
      { t: 'err', code: 'HELLO_REQUIRED', id: 'c1' },
      { t: 'err', code: 'HELLO_REQUIRED', topic: 'user/ada' },
      { t: 'welcome' },
    ]);
    expect(commands).toEqual([]);
  });

  it('closes 4001 when no hello comes in time', async () => {
    const { connection, clock } = setup({ helloTimeoutMs: 500 });
    await clock.advance(499);
    expect(connection.closedWith).toBeUndefined();
    await clock.advance(1);
    expect(connection.sent).toMatchObject([{ t: 'err', code: 'AUTH_REQUIRED' }, { t: 'bye', code: CloseCode.AUTH_FAILED }]);
    expect(connection.closedWith?.code).toBe(CloseCode.AUTH_FAILED);
  });

  it('closes 4005 after idleTimeoutMs without a frame; a ping keeps it open', async () => {
    const { connection, clock, session, welcome } = setup({ limits: { idleTimeoutMs: 1_000 } });
    await welcome();
    await clock.advance(900);
    connection.receive({ t: 'ping', n: 3 });
    expect(connection.sent.at(-1)).toEqual({ t: 'pong', n: 3, serverTime: T0 + 900 });
    await clock.advance(900);
    session.checkIdle(clock.now());
    expect(connection.closedWith).toBeUndefined();
    await clock.advance(101);
    session.checkIdle(clock.now());
    expect(connection.closedWith?.code).toBe(CloseCode.IDLE_TIMEOUT);
    expect(connection.sent.at(-1)).toMatchObject({ t: 'bye', code: CloseCode.IDLE_TIMEOUT });
  });

  it('drops frames beyond the token bucket RATE_LIMITED, refills with time, and closes 4003 on abuse', async () => {
    const { connection, clock, welcome } = setup({ limits: { ratePerSec: 2, burst: 5 }, maxRateLimited: 3 });
    await welcome(); // the hello took one of the connection's tokens; from now on the player's budget counts
    for (let n = 0; n < 7; n++) connection.receive({ t: 'ping', n });
    expect(connection.frames('pong')).toHaveLength(5);
    expect(connection.frames('err')).toMatchObject([{ code: 'RATE_LIMITED' }, { code: 'RATE_LIMITED' }]);
    await clock.advance(500); // one token back
    connection.receive({ t: 'sub', topic: 'user/ada' });
    connection.receive({ t: 'sub', topic: 'user/ada' });
    expect(connection.frames('err').at(-1)).toMatchObject({ code: 'RATE_LIMITED', topic: 'user/ada' });
    expect(connection.closedWith).toBeUndefined();
    connection.receive({ t: 'ping' }); // the fourth refusal in the window
    expect(connection.closedWith?.code).toBe(CloseCode.RATE_LIMIT_ABUSE);
    expect(connection.sent.at(-1)).toMatchObject({ t: 'bye', code: CloseCode.RATE_LIMIT_ABUSE });
  });

  it('answers each bad frame with its code and closes 4004 past the budget', async () => {
    const { connection, commands, welcome } = setup({ maxBadFrames: 3 });
    await welcome();
    connection.receiveRaw('{oops', false);
    connection.receive({ t: 'cmd', id: 'c1', to: 'user/ada', type: 'water.log', payload: { ml: -1, drankAt: 1 } });
    connection.receive({ t: 'cmd', id: 'c2', to: 'user/bob', type: 'water.log', payload: { ml: 1, drankAt: 1 } });
    expect(connection.frames('err')).toMatchObject([
      { code: 'FRAME_INVALID' },
      { code: 'COMMAND_INVALID', id: 'c1' },
      { code: 'AUTH_FORBIDDEN', id: 'c2' },
    ]);
    expect(connection.closedWith).toBeUndefined();
    connection.receive({ t: 'unsub', topic: 'nope' });
    expect(connection.frames('err').at(-1)).toMatchObject({ code: 'TOPIC_INVALID', topic: 'nope' });
    expect(connection.closedWith?.code).toBe(CloseCode.TOO_MANY_BAD_FRAMES);
    expect(commands).toEqual([]);
  });

  it('refuses text on the MessagePack subprotocol', async () => {
    const { connection, welcome } = setup({}, { subprotocol: Subprotocol.msgpack });
    await welcome();
    connection.receiveRaw('{"t":"ping"}', false);
    expect(connection.sent.at(-1)).toMatchObject({ t: 'err', code: 'FRAME_INVALID' });
  });

  it('sends a command on as the player, as HTTP does, and answers with the outcome', async () => {
    const { connection, commands, welcome } = setup({}, { outcome: { status: 'rejected', code: 'CHALLENGE_FULL', message: 'full' } });
    await welcome('ada');
    connection.receive({ t: 'cmd', id: 'k1', to: 'challenge/c7', type: 'challenge.create', payload: { title: 'T', kind: 'points', startsAt: 1, endsAt: 2, maxParticipants: 2 } });
    await flush();
    expect(commands).toEqual([
      {
        id: 'k1',
        to: 'challenge/c7',
        type: 'challenge.create',
        payload: { title: 'T', kind: 'points', startsAt: 1, endsAt: 2, maxParticipants: 2, challengeId: 'c7' },
        meta: { origin: 'client', userId: 'ada', correlationId: 'k1' },
      },
    ]);
    expect(connection.sent.at(-1)).toEqual({ t: 'err', id: 'k1', code: 'CMD_REJECTED', message: 'full', reason: 'CHALLENGE_FULL' });
  });

  it('refuses new commands RUNTIME_STOPPED while the gateway drains', async () => {
    const { connection, commands, context, welcome } = setup();
    await welcome();
    context.draining = true;
    connection.receive({ t: 'cmd', id: 'k1', to: 'user/ada', type: 'water.log', payload: { ml: 1, drankAt: 1 } });
    expect(connection.sent.at(-1)).toMatchObject({ t: 'err', id: 'k1', code: 'RUNTIME_STOPPED' });
    expect(commands).toEqual([]);
  });

  it('caps subscriptions, replaces a re-sub, and reports a failed watch with its topic', async () => {
    const { connection, streams, session, welcome } = setup({ limits: { maxSubscriptions: 2 } });
    await welcome('ada');
    connection.receive({ t: 'sub', topic: 'user/ada' });
    connection.receive({ t: 'sub', topic: 'challenge/c1', fromVersion: 4 });
    connection.receive({ t: 'sub', topic: 'challenge/c1', fromVersion: 6 });
    connection.receive({ t: 'sub', topic: 'challenge/c2' });
    expect(connection.frames('err')).toMatchObject([{ code: 'SUBSCRIPTION_LIMIT', topic: 'challenge/c2' }]);
    expect(streams.watches.map((watch) => [watch.topic.name, watch.from, watch.closed])).toEqual([
      ['user/ada', undefined, false],
      ['challenge/c1', 4, true],
      ['challenge/c1', 6, false],
    ]);
    connection.receive({ t: 'sub', topic: 'leaderboard/global' });
    expect(connection.frames('err').at(-1)).toMatchObject({ code: 'TOPIC_INVALID', topic: 'leaderboard/global' });

    streams.watches[2]!.sink.fail(ErrorCode.STORE_UNAVAILABLE, 'down');
    expect(connection.sent.at(-1)).toEqual({ t: 'err', code: 'STORE_UNAVAILABLE', message: 'down', topic: 'challenge/c1' });
    expect(streams.watches[2]!.closed).toBe(true);
    expect(session.watching).toBe(1);
    streams.watches[2]!.sink.evt({ t: 'evt', topic: 'challenge/c1', version: 7, event: { type: 'x', data: {} } });
    expect(connection.sent.at(-1)).toMatchObject({ t: 'err' }); // nothing after a watch ended
  });

  it('closes a consumer whose buffered output passes the cap 4002, and ends its watches', async () => {
    const { connection, streams, session, ended, welcome } = setup({ limits: { maxBufferedBytes: 1_000 } });
    await welcome('ada');
    connection.receive({ t: 'sub', topic: 'user/ada' });
    const sink = streams.watches[0]!.sink;
    sink.snap({ t: 'snap', topic: 'user/ada', version: 1, state: {} });
    connection.buffered = 1_001;
    sink.evt({ t: 'evt', topic: 'user/ada', version: 2, event: { type: 'x', data: {} } });
    expect(connection.closedWith?.code).toBe(CloseCode.SLOW_CONSUMER);
    expect(streams.watches[0]!.closed).toBe(true);
    expect(sink.open).toBe(false);
    expect(ended).toEqual([session]);
  });

  it('closes 4002 when the transport drops a frame', async () => {
    const { connection, welcome } = setup();
    await welcome();
    connection.result = 'dropped';
    connection.receive({ t: 'ping' });
    expect(connection.closedWith?.code).toBe(CloseCode.SLOW_CONSUMER);
  });

  it('lets a long replay wait until buffered output is down to half the cap', async () => {
    const { connection, session, welcome } = setup({ limits: { maxBufferedBytes: 1_000 } });
    await welcome();
    connection.buffered = 600;
    let ready = false;
    void session.ready().then(() => (ready = true));
    session.drained();
    await flush();
    expect(ready).toBe(false);
    connection.buffered = 500;
    session.drained();
    await flush();
    expect(ready).toBe(true);
  });

  it('closes 1008 with a bye when the token expires, and answers nothing after', async () => {
    const { connection, clock, commands, welcome } = setup();
    await welcome('ada|60000');
    expect(connection.sent.at(-1)).toMatchObject({ t: 'welcome', expiresAt: T0 + 60_000 });
    connection.receive({ t: 'cmd', id: 'c1', to: 'user/ada', type: 'water.log', payload: { ml: 1, drankAt: T0 } });
    await flush();
    expect(connection.frames('ack')).toHaveLength(1);
    await clock.advance(60_000);
    expect(connection.closedWith?.code).toBe(CloseCode.POLICY_VIOLATION);
    expect(connection.sent.at(-1)).toMatchObject({ t: 'bye', code: CloseCode.POLICY_VIOLATION });
    expect(commands).toHaveLength(1);
  });

  it('takes a fresh token of the same player while open: a new welcome, and the old expiry no longer counts', async () => {
    const { connection, clock, welcome } = setup();
    await welcome('ada|60000');
    await clock.advance(50_000);
    connection.receive({ t: 'hello', token: 'ok-ada|60000' });
    await flush();
    expect(connection.sent.at(-1)).toMatchObject({ t: 'welcome', userId: 'ada', expiresAt: T0 + 110_000 });
    await clock.advance(30_000); // past the first token's expiry
    expect(connection.closedWith).toBeUndefined();
    connection.receive({ t: 'hello', token: 'ok-bob' });
    await flush();
    connection.receive({ t: 'hello', token: 'forged' });
    await flush();
    expect(connection.frames('err')).toMatchObject([{ code: 'AUTH_FORBIDDEN' }, { code: 'AUTH_INVALID' }]);
    expect(connection.closedWith).toBeUndefined();
    await clock.advance(30_000);
    expect(connection.closedWith?.code).toBe(CloseCode.POLICY_VIOLATION);
  });

  it("draws every connection of a player from the player's one budget", async () => {
    const budgets = new RateBudgets(1, 4);
    const first = setup({ limits: { ratePerSec: 1, burst: 4 } }, { budgets });
    const second = setup({ limits: { ratePerSec: 1, burst: 4 } }, { budgets });
    await first.welcome('ada');
    await second.welcome('ada');
    for (let n = 0; n < 3; n++) first.connection.receive({ t: 'ping', n });
    for (let n = 0; n < 3; n++) second.connection.receive({ t: 'ping', n });
    expect(first.connection.frames('pong').length + second.connection.frames('pong').length).toBe(4);
    expect(second.connection.frames('err')).toMatchObject([{ code: 'RATE_LIMITED' }, { code: 'RATE_LIMITED' }]);
  });
});
