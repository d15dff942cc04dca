import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect, ClientError, CloseCode, ErrorCode, type ClientOptions, type GamifierClient, type Watch, type WatchItem, type WebSocketLike } from '../client/index.js';
import { Subprotocol } from '../codecs.js';
import { answerFrame, type SubFrame } from '../frames.js';
import { FakeServer, type FakeConnection } from './fake-server.js';

let server: FakeServer;
const clients: GamifierClient[] = [];

beforeEach(async () => {
  server = await FakeServer.start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.stop();
});

async function open(options: Partial<ClientOptions> = {}): Promise<GamifierClient> {
  const client = await connect({
    url: server.url,
    token: 'token-u1',
    WebSocket,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  clients.push(client);
  return client;
}

function drain(watch: Watch): { items: WatchItem[]; done: Promise<void> } {
  const items: WatchItem[] = [];
  const done = (async () => {
    for await (const item of watch) items.push(item);
  })();
  done.catch(() => {});
  return { items, done };
}

const versions = (items: WatchItem[]) => items.map((item) => `${item.kind}${item.version}`);
const water = (id?: string) => ({ ...(id ? { id } : {}), to: 'user/u1', type: 'water.log' as const, payload: { ml: 250, drankAt: 1 } });
const subs = (topic: string) => server.frames().filter((frame): frame is SubFrame => frame.t === 'sub' && frame.topic === topic);

describe('the client SDK against a server over real sockets', () => {
  it('says hello and is welcomed, over msgpack by default and JSON on request', async () => {
    const binary = await open();
    expect(binary.welcome).toMatchObject({ userId: 'u1', node: 'fake' });
    const text = await open({ protocol: 'json' });
    expect(text.status).toBe('open');
    expect([...server.connections].map((connection) => connection.codec.subprotocol).sort()).toEqual([Subprotocol.json, Subprotocol.msgpack]);
  });

  it("works with a browser's WebSocket, which hands binary messages over as Blobs unless asked for ArrayBuffers", async () => {
    const received: string[] = [];
    class BrowserLikeWebSocket extends WebSocket {
      constructor(url: string, protocols: string | string[]) {
        super(url, protocols);
        (this as WebSocketLike).binaryType = 'blob'; // ws' typings predate its Blob support
        this.addEventListener('message', (event) => received.push(Object.prototype.toString.call(event.data)));
      }
    }
    const client = await open({ WebSocket: BrowserLikeWebSocket });
    expect(await client.send(water('c1'))).toEqual({ status: 'ok', id: 'c1', version: 1, duplicate: false });
    expect(new Set(received)).toEqual(new Set(['[object ArrayBuffer]']));
  });

  it('sends a command and resolves with its ack; the same id again is a duplicate, applied once', async () => {
    const client = await open();
    expect(await client.send(water('c1'))).toEqual({ status: 'ok', id: 'c1', version: 1, duplicate: false });
    expect(await client.send(water('c1'))).toEqual({ status: 'ok', id: 'c1', version: 1, duplicate: true });
    expect(server.version('user/u1')).toBe(1);
    expect(await client.send(water())).toMatchObject({ status: 'ok', version: 2, duplicate: false });
  });

  it("reports the game's refusal with its code and rule", async () => {
    const client = await open();
    server.onCommand = () => ({ status: 'rejected', code: 'WATER_TOO_MUCH', message: 'too much water' });
    expect(await client.send(water('c1'))).toEqual({
      status: 'error',
      id: 'c1',
      code: ErrorCode.CMD_REJECTED,
      message: 'too much water',
      reason: 'WATER_TOO_MUCH',
    });
  });

  it('refuses an invalid or oversized command without sending it', async () => {
    server.limits = { ...server.limits, maxFrameBytes: 300 };
    const client = await open();
    const invalid = await client.send({ to: 'user/u1', type: 'water.log', payload: { ml: -5, drankAt: 1 } });
    expect(invalid).toMatchObject({ status: 'error', code: ErrorCode.COMMAND_INVALID });
    const foods = Array.from({ length: 20 }, () => ({ name: 'rice', quantity: 1, unit: 'g', calories: 1, proteinG: 1, carbsG: 1, fatG: 1 }));
    const big = await client.send({ to: 'user/u1', type: 'meal.log', payload: { mealId: 'm1', mealType: 'lunch', eatenAt: 1, foods } });
    expect(big).toMatchObject({ status: 'error', code: ErrorCode.FRAME_TOO_LARGE });
    expect(server.frames().filter((frame) => frame.t === 'cmd')).toEqual([]);
  });

  it('measures a JSON command in UTF-8 bytes, not characters, against the limit', async () => {
    const payload = { mealId: 'm1', mealType: 'lunch' as const, eatenAt: 1, foods: [{ name: 'é'.repeat(60), quantity: 1, unit: 'g', calories: 1, proteinG: 1, carbsG: 1, fatG: 1 }] };
    const text = JSON.stringify({ t: 'cmd', id: 'c1', to: 'user/u1', type: 'meal.log', payload });
    const bytes = new TextEncoder().encode(text).byteLength;
    server.limits = { ...server.limits, maxFrameBytes: bytes - 1 };
    const client = await open({ protocol: 'json' });
    expect(text.length).toBeLessThan(bytes - 1);
    expect(await client.send({ id: 'c1', to: 'user/u1', type: 'meal.log', payload })).toMatchObject({
      status: 'error',
      code: ErrorCode.FRAME_TOO_LARGE,
      message: `the command takes ${bytes} bytes; the limit is ${bytes - 1}`,
    });
    server.limits = { ...server.limits, maxFrameBytes: bytes };
    const fits = await open({ protocol: 'json' });
    expect(await fits.send({ id: 'c2', to: 'user/u1', type: 'meal.log', payload })).toMatchObject({ status: 'ok' });
  });

  it('gives up waiting after the timeout with COMMAND_TIMEOUT', async () => {
    const client = await open();
    server.onCommand = () => 'ignore';
    expect(await client.send(water('c1'), { timeoutMs: 50 })).toMatchObject({ status: 'error', id: 'c1', code: ErrorCode.COMMAND_TIMEOUT });
  });

  it('watches a topic: a snap, then every event, as an iterator and through a listener', async () => {
    server.publish('challenge/c7', { type: 'challenge.created', data: { title: 'Water week' } });
    const client = await open();
    const iterated = drain(client.watch('challenge/c7'));
    const heard: WatchItem[] = [];
    client.watch('user/u1', { onItem: (item) => heard.push(item) });
    await vi.waitFor(() => expect(iterated.items).toHaveLength(1));
    server.publish('challenge/c7', { type: 'challenge.opened', data: {} });
    await client.send(water('c1'));
    await vi.waitFor(() => expect(versions(iterated.items)).toEqual(['snap1', 'evt2']));
    expect(iterated.items).toEqual([
      { kind: 'snap', topic: 'challenge/c7', version: 1, state: { events: 1 } },
      { kind: 'evt', topic: 'challenge/c7', version: 2, event: { type: 'challenge.opened', data: {} }, state: { events: 1 } }, // no patch: the state stays
    ]);
    await vi.waitFor(() => expect(versions(heard)).toEqual(['snap0', 'evt1']));
  });

  it("ends a watch the server refuses with the server's code", async () => {
    const client = await open();
    const watch = client.watch('user/u2');
    await expect(drain(watch).done).rejects.toMatchObject({ code: ErrorCode.TOPIC_FORBIDDEN });
    const ended = new Promise((resolve) => client.watch('feed/u3', { onItem: () => {}, onEnd: resolve }));
    expect(await ended).toBeInstanceOf(ClientError);
    expect(() => client.watch('users/u1')).toThrow(expect.objectContaining({ code: ErrorCode.TOPIC_INVALID }));
  });

  it('drops a duplicated event, and after a gap subscribes again from its last version', async () => {
    const client = await open();
    const watch = client.watch('user/u1');
    const { items } = drain(watch);
    await vi.waitFor(() => expect(items).toHaveLength(1));
    server.publish('user/u1', { type: 'e', data: 1 });
    server.pushEvent('user/u1', 1);
    server.publish('user/u1', { type: 'e', data: 2 }, { silently: true });
    server.publish('user/u1', { type: 'e', data: 3 });
    server.publish('user/u1', { type: 'e', data: 4 });
    await vi.waitFor(() => expect(versions(items)).toEqual(['snap0', 'evt1', 'evt2', 'evt3', 'evt4']));
    expect(watch.stats).toEqual({ duplicates: 1, gaps: 2 });
    expect(subs('user/u1').map((frame) => frame.fromVersion)).toEqual([undefined, 1]);
  });

  it('reconnects after the connection drops and resumes exactly after the last version it saw', async () => {
    const client = await open({
      onStatus: (status) => {
        // Events committed while the client is away: the resumed subscription must bring them.
        if (status === 'reconnecting') server.publish('user/u1', { type: 'e', data: server.version('user/u1') + 1 });
      },
    });
    const { items } = drain(client.watch('user/u1'));
    const expected = () => ['snap0', ...Array.from({ length: server.version('user/u1') }, (_, i) => `evt${i + 1}`)];
    await vi.waitFor(() => expect(versions(items)).toEqual(expected()));
    for (let round = 0; round < 4; round++) {
      server.publish('user/u1', { type: 'e', data: server.version('user/u1') + 1 });
      await vi.waitFor(() => expect(versions(items)).toEqual(expected()));
      server.dropAll();
      await vi.waitFor(() => expect(client.status).toBe('open'));
      server.publish('user/u1', { type: 'e', data: server.version('user/u1') + 1 });
    }
    await vi.waitFor(() => expect(versions(items)).toEqual(expected()));
    expect(server.version('user/u1')).toBe(12);
    expect(subs('user/u1').map((frame) => frame.fromVersion)).toEqual([undefined, 1, 4, 7, 10]);
    expect(server.frames().filter((frame) => frame.t === 'hello')).toHaveLength(5);
  });

  it('sends a pending command again with the same id after a reconnection, and it applies once', async () => {
    const client = await open();
    server.onCommand = (frame) => (server.applied.has(frame.id) ? 'apply' : 'apply-then-drop');
    expect(await client.send(water('c1'))).toEqual({ status: 'ok', id: 'c1', version: 1, duplicate: true });
    expect(server.frames().filter((frame) => frame.t === 'cmd').map((frame) => frame.t === 'cmd' && frame.id)).toEqual(['c1', 'c1']);
    expect(server.version('user/u1')).toBe(1);
  });

  it('reconnects after a graceful restart (1012) and resumes', async () => {
    const client = await open();
    const { items } = drain(client.watch('user/u1'));
    await vi.waitFor(() => expect(items).toHaveLength(1));
    server.closeAll(CloseCode.SERVICE_RESTART, 'draining');
    await vi.waitFor(() => expect(subs('user/u1')).toHaveLength(2));
    server.publish('user/u1', { type: 'e', data: 1 });
    await vi.waitFor(() => expect(versions(items)).toEqual(['snap0', 'evt1']));
    expect(subs('user/u1')[1]).toEqual({ t: 'sub', topic: 'user/u1', fromVersion: 0 });
  });

  it('gives up a silent connection after two ping intervals and connects again', async () => {
    const client = await open({ pingIntervalMs: 20 });
    const [first] = [...server.connections];
    first!.socket.pause(); // a half-open connection: nothing comes back
    await vi.waitFor(() => expect(server.frames().filter((frame) => frame.t === 'hello')).toHaveLength(2));
    await vi.waitFor(() => expect(client.status).toBe('open'));
  });

  it('gives up a connection attempt that is not welcomed in time, and tries again', async () => {
    server.unansweredHellos = 1;
    const client = await open({ connectTimeoutMs: 50 });
    expect(client.status).toBe('open');
    expect(server.frames().filter((frame) => frame.t === 'hello')).toHaveLength(2);
  });

  it('refuses the player for good when the server refuses the token (4001): no reconnection', async () => {
    const refused = connect({ url: server.url, token: 'forged', WebSocket, reconnect: { initialDelayMs: 5 } });
    await expect(refused).rejects.toMatchObject({ code: ErrorCode.AUTH_INVALID, closeCode: CloseCode.AUTH_FAILED });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.frames().filter((frame) => frame.t === 'hello')).toHaveLength(1);
  });

  it('on close, answers pending commands CONNECTION_CLOSED and ends watches', async () => {
    const client = await open();
    server.onCommand = () => 'ignore';
    const pending = client.send(water('c1'));
    const { done } = drain(client.watch('user/u1'));
    await client.close();
    expect(await pending).toMatchObject({ status: 'error', code: ErrorCode.CONNECTION_CLOSED });
    await expect(done).resolves.toBeUndefined();
    expect(client.status).toBe('closed');
    expect(await client.send(water('c2'))).toMatchObject({ status: 'error', code: ErrorCode.CONNECTION_CLOSED });
  });
});

describe('the client SDK retrying a command answered with a retryable code', () => {
  const quick = { initialDelayMs: 5, maxDelayMs: 20 };
  const cmds = (id: string) => server.frames().filter((frame) => frame.t === 'cmd' && frame.id === id);
  const failing = (code: ErrorCode) => ({ status: 'failed' as const, code, message: `${code} for the test` });

  it('sends it again with the same id until it is applied, and counts the retries', async () => {
    const client = await open({ retry: quick });
    const answers = [failing(ErrorCode.SHARD_UNAVAILABLE), failing(ErrorCode.STORE_UNAVAILABLE)];
    server.onCommand = () => answers.shift() ?? 'apply';
    expect(await client.send(water('c1'))).toEqual({ status: 'ok', id: 'c1', version: 1, duplicate: false });
    expect(cmds('c1')).toHaveLength(3);
    expect(client.stats.retries).toBe(2);
  });

  it('gives the caller the last error once the budget is spent', async () => {
    const client = await open({ retry: { ...quick, budgetMs: 150 } });
    const codes = [ErrorCode.SHARD_UNAVAILABLE, ErrorCode.RUNTIME_STOPPED, ErrorCode.ACTOR_UNAVAILABLE];
    let last: ErrorCode | undefined;
    server.onCommand = () => failing((last = codes[cmds('c1').length % codes.length]!));
    const result = await client.send(water('c1'));
    expect(result).toMatchObject({ status: 'error', id: 'c1', code: last });
    expect(cmds('c1').length).toBeGreaterThan(2);
    expect(client.stats.retries).toBe(cmds('c1').length - 1);
  });

  it('settles any other code at once, and retries nothing with `retry: false`', async () => {
    const client = await open({ retry: quick });
    server.onCommand = () => failing(ErrorCode.ACTOR_CRASHED);
    expect(await client.send(water('c1'))).toMatchObject({ status: 'error', code: ErrorCode.ACTOR_CRASHED });
    const strict = await open({ retry: false });
    server.onCommand = () => failing(ErrorCode.SHARD_UNAVAILABLE);
    expect(await strict.send(water('c2'))).toMatchObject({ status: 'error', code: ErrorCode.SHARD_UNAVAILABLE });
    expect([cmds('c1'), cmds('c2')].map((frames) => frames.length)).toEqual([1, 1]);
    expect(client.stats.retries + strict.stats.retries).toBe(0);
  });

  it('does not time the command out while it waits for its retry', async () => {
    const client = await open({ commandTimeoutMs: 100, retry: { initialDelayMs: 150, jitter: 0 } });
    const answers = [failing(ErrorCode.STREAM_VERSION_CONFLICT)];
    server.onCommand = () => answers.shift() ?? 'apply';
    expect(await client.send(water('c1'))).toMatchObject({ status: 'ok', version: 1 });
    expect(cmds('c1')).toHaveLength(2);
  });

  it('sends a command waiting for its retry once after a reconnection, not again when the retry falls due', async () => {
    const client = await open({ retry: { initialDelayMs: 200, jitter: 0 } });
    let resentOn: FakeConnection | undefined;
    server.onCommand = (_frame, connection) => {
      if (cmds('c1').length > 1) {
        resentOn = connection;
        return 'ignore'; // answered below, once the retry would have been due
      }
      setTimeout(() => server.dropAll(), 10); // the connection drops while c1 waits for its retry
      return failing(ErrorCode.SHARD_UNAVAILABLE);
    };
    const result = client.send(water('c1'));
    await vi.waitFor(() => expect(resentOn).toBeDefined());
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(cmds('c1')).toHaveLength(2);
    expect(server.frames().filter((frame) => frame.t === 'hello')).toHaveLength(2);
    server.send(resentOn!, answerFrame('c1', { status: 'ok', version: 1, duplicate: false }));
    expect(await result).toEqual({ status: 'ok', id: 'c1', version: 1, duplicate: false });
  });

  it('brings rate-limited commands back once each, with their own ids', async () => {
    server.limits = { ...server.limits, ratePerSec: 200 };
    const client = await open({ retry: { ...quick, jitter: 0 } });
    server.onCommand = (frame) => (cmds(frame.id).length === 1 ? failing(ErrorCode.RATE_LIMITED) : 'apply');
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const results = await Promise.all(ids.map((id) => client.send(water(id))));
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    // Refused once, sent again once. Their turns at the welcome's rate (one every 5 ms here, not a
    // new burst) are the retry policy's, tested without a clock in retry.test.ts.
    expect(ids.map((id) => cmds(id).length)).toEqual([2, 2, 2, 2, 2]);
  });
});
