import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../protocol/client/index.js';
import { isCloseCode } from '../../../protocol/close-codes.js';
import { createCodec, Subprotocol } from '../../../protocol/codecs.js';
import { defaultLimits } from '../../../protocol/frames.js';
import { RawClient } from './raw-client.js';
import { startStack, type RunningGateway, type Stack } from './harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const FRAMES = 100_000;
const SOCKETS = 6;
const msgpack = createCodec(Subprotocol.msgpack);
const frameTypes = ['hello', 'cmd', 'sub', 'unsub', 'ping', 'ack', 'nope', '', '__proto__'];

/**
 * Malformed input of every shape: random bytes, random text, truncated frames, wrong-typed and
 * unknown frames, deep nesting, and frames just over the size limit. Every object carries a field
 * no frame has, so none is valid by accident: each must be answered by exactly one `err`.
 */
const badFrame: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 200 }),
  fc.string({ maxLength: 200 }),
  fc.record({ t: fc.constantFrom(...frameTypes), zz: fc.jsonValue({ maxDepth: 3 }) }).map((frame) => JSON.stringify(frame)),
  fc
    .record({ t: fc.constantFrom(...frameTypes), id: fc.oneof(fc.integer(), fc.constant(null)), to: fc.anything({ maxDepth: 1 }), zz: fc.boolean() })
    .map((frame) => msgpack.encode(frame as never) as Uint8Array),
  fc
    .record({ t: fc.constant('cmd'), id: fc.string(), to: fc.constant('user/fuzz'), type: fc.constant('meal.log'), payload: fc.anything(), zz: fc.nat() })
    .chain((frame) => {
      const text = JSON.stringify(frame) ?? '';
      return fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut));
    }),
  fc.nat({ max: 40 }).map((depth) => '['.repeat(depth + 33) + ']'.repeat(depth + 33)),
  fc.constant(() => JSON.stringify({ t: 'ping', zz: 'x'.repeat(defaultLimits.maxFrameBytes + 10) })).map((make) => make()),
);

describe('fuzzing the live gateway', () => {
  let stack: Stack;
  let gateway: RunningGateway;

  beforeAll(async () => {
    stack = await startStack('pglite');
    // Generous limits so that the fuzzers' sockets stay open and every frame is answered; the
    // closes for abuse are tested in protection.e2e.test.ts.
    gateway = await stack.gateway('uws', {
      limits: { ...defaultLimits, ratePerSec: 10_000_000, burst: 10_000_000 },
      maxBadFrames: Number.MAX_SAFE_INTEGER,
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(`answers ${FRAMES.toLocaleString('en')} malformed frames with err, keeps serving others, and frees the memory`, async () => {
    const bystanderToken = await stack.token('bystander');
    const bystander = await connect({ url: gateway.url, token: bystanderToken, WebSocket: WebSocket as never });
    expect((await bystander.send({ to: 'user/bystander', type: 'user.register', payload: { displayName: 'B', timezone: 'UTC' } })).status).toBe('ok');

    gc();
    const baseline = process.memoryUsage().heapUsed;
    const fuzzers = await Promise.all(
      Array.from({ length: SOCKETS }, async (_, i) => {
        const client = await RawClient.open(gateway.url, i % 2 === 0 ? 'json' : 'msgpack');
        expect((await client.hello(await stack.token(`fuzz${i}`))).t).toBe('welcome');
        return client;
      }),
    );
    const frames = fc.sample(badFrame, { numRuns: FRAMES, seed: 20_261_122 });
    const sent = new Array<number>(SOCKETS).fill(0);
    let bystanderOk = 0;
    for (let start = 0; start < frames.length; start += 2_000) {
      frames.slice(start, start + 2_000).forEach((frame, j) => {
        const socket = (start + j) % SOCKETS;
        fuzzers[socket]!.socket.send(frame, { binary: typeof frame !== 'string' });
        sent[socket]! += 1;
      });
      const answer = await bystander.send({ to: 'user/bystander', type: 'water.log', payload: { ml: 10, drankAt: Date.now() } });
      if (answer.status === 'ok') bystanderOk += 1;
      await Promise.all(fuzzers.map((client, i) => client.waitForCount(() => true, sent[i]! + 1, 'answers', 60_000)));
    }

    for (const [i, client] of fuzzers.entries()) {
      const answers = client.frames.slice(1);
      expect(answers.length).toBe(sent[i]);
      expect(answers.filter((frame) => frame.t !== 'err')).toEqual([]);
      const allowed = ['FRAME_INVALID', 'FRAME_UNKNOWN', 'FRAME_TOO_LARGE', 'COMMAND_INVALID', 'COMMAND_UNKNOWN', 'TOPIC_INVALID'];
      expect([...new Set(answers.map((frame) => frame.code))].filter((code) => !allowed.includes(code))).toEqual([]);
      // Answered, not dropped: the socket is still open after all of it.
      expect(client.socket.readyState).toBe(WebSocket.OPEN);
      client.close();
      expect(isCloseCode((await client.closed).code)).toBe(true);
    }
    expect(bystanderOk).toBe(FRAMES / 2_000);
    bystander.close();
    for (const client of fuzzers) client.frames.length = 0;
    frames.length = 0;

    gc();
    const grown = process.memoryUsage().heapUsed - baseline;
    expect(grown).toBeLessThan(32 * 1024 * 1024);
  }, 120_000);
});
