import fc from 'fast-check';
import { CloseCode } from '../close-codes.js';
import { ErrorCode } from '../errors.js';
import { MAX_STREAM_VERSION, type ClientFrame, type ServerFrame } from '../frames.js';

/** JSON data as both codecs carry it: no -0 (JSON writes it 0), no `__proto__` key (refused). */
export const jsonData: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4 }).map(function clean(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '__proto__').map(([key, item]) => [key, clean(item)]));
  }
  return value;
});

const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/);
const count = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const streamVersion = fc.nat({ max: MAX_STREAM_VERSION });
export const topic = fc.oneof(
  id.map((value) => `user/${value}`),
  id.map((value) => `challenge/${value}`),
  id.map((value) => `feed/${value}`),
  fc.constant('leaderboard/global'),
);
const epochMs = fc.integer({ min: 0, max: 4_102_444_800_000 });

/** Client frames that parseClientFrame accepts unchanged. */
export const clientFrame: fc.Arbitrary<ClientFrame> = fc.oneof(
  fc.record({ t: fc.constant('hello' as const), token: fc.string({ minLength: 1, maxLength: 300 }) }),
  fc.record({ t: fc.constant('sub' as const), topic, fromVersion: streamVersion }, { requiredKeys: ['t', 'topic'] }),
  fc.record({ t: fc.constant('unsub' as const), topic }),
  fc.record({ t: fc.constant('ping' as const), n: count }, { requiredKeys: ['t'] }),
  fc.record({
    t: fc.constant('cmd' as const),
    id: fc.string({ minLength: 1, maxLength: 128 }),
    to: id.map((value) => `user/${value}`),
    type: fc.constant('water.log' as const),
    payload: fc.record({ ml: fc.double({ min: 0, max: 5_000, noNaN: true }).map((ml) => (Object.is(ml, -0) ? 0 : ml)), drankAt: epochMs }),
  }),
  fc.record({
    t: fc.constant('cmd' as const),
    id: fc.uuid(),
    to: id.map((value) => `user/${value}`),
    type: fc.constant('meal.log' as const),
    payload: fc.record({
      mealId: id,
      mealType: fc.constantFrom('breakfast', 'lunch', 'dinner', 'snack'),
      eatenAt: epochMs,
      foods: fc.array(
        fc.record({
          name: fc.string({ minLength: 1, maxLength: 60 }),
          quantity: fc.integer({ min: 0, max: 1000 }),
          unit: fc.constantFrom('g', 'ml', 'piece'),
          calories: fc.integer({ min: 0, max: 2000 }),
          proteinG: fc.integer({ min: 0, max: 200 }),
          carbsG: fc.integer({ min: 0, max: 200 }),
          fatG: fc.integer({ min: 0, max: 200 }),
        }),
        { maxLength: 5 },
      ),
    }),
  }),
  fc.record({ t: fc.constant('cmd' as const), id: fc.uuid(), to: id.map((value) => `challenge/${value}`), type: fc.constant('challenge.join' as const), payload: fc.constant({}) }),
) as fc.Arbitrary<ClientFrame>;

const errorCode = fc.constantFrom(...Object.values(ErrorCode));
const closeCode = fc.constantFrom(...Object.values(CloseCode));

/** Server frames as a gateway sends them. */
export const serverFrame: fc.Arbitrary<ServerFrame> = fc.oneof(
  fc.record({
    t: fc.constant('welcome' as const),
    userId: id,
    node: fc.string(),
    serverTime: epochMs,
    limits: fc.record({ maxFrameBytes: count, maxSubscriptions: count, ratePerSec: count, burst: count, maxBufferedBytes: count, idleTimeoutMs: count }),
  }),
  fc.record({ t: fc.constant('ack' as const), id: fc.string({ minLength: 1 }), version: count, duplicate: fc.boolean() }),
  fc.record(
    { t: fc.constant('err' as const), id: fc.string(), topic, code: errorCode, message: fc.string(), reason: fc.string() },
    { requiredKeys: ['t', 'code', 'message'] },
  ),
  fc.record({ t: fc.constant('snap' as const), topic, version: count, state: jsonData }),
  fc.record({
    t: fc.constant('evt' as const),
    topic,
    version: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    event: fc.record({ type: fc.string({ minLength: 1 }), data: jsonData }),
  }),
  fc.record({ t: fc.constant('pong' as const), n: count, serverTime: epochMs }, { requiredKeys: ['t', 'serverTime'] }),
  fc.record({ t: fc.constant('bye' as const), code: closeCode, reason: fc.string() }),
) as fc.Arbitrary<ServerFrame>;
