import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors.js';
import { eventually } from '../../test/support/services.js';
import type { Bus } from '../bus.js';
import { eventSubject } from '../committed-event.js';
import { BusHandlerError } from '../errors.js';

export interface BusTarget {
  /** Two ends that reach each other: two connections on NATS (two nodes), one bus twice in-process. */
  connect(): Promise<{ a: Bus; b: Bus; close(): Promise<void> }>;
}

/** A subject prefix no other test (or test run) uses. */
export const uniquePrefix = () => `t.${randomUUID().replaceAll('-', '')}`;
const prefix = uniquePrefix;

/** Collects what a subscription receives. */
export function collect(bus: Bus, subject: string, options?: { queue?: string }): Array<{ subject: string; message: unknown }> {
  const got: Array<{ subject: string; message: unknown }> = [];
  bus.subscribe(subject, (received, message) => got.push({ subject: received, message }), options);
  return got;
}

/**
 * Resolves when a message `from` publishes now has reached every bus of `to`: what `from`
 * published before has then reached them too (NATS keeps one publisher's order per connection).
 */
export async function settle(from: Bus, to: Bus[]): Promise<void> {
  const subject = `${prefix()}.settle`;
  const heard = new Set<number>();
  const subs = to.map((bus, i) => bus.subscribe(subject, () => heard.add(i)));
  await Promise.all(to.map((bus) => bus.flush()));
  from.publish(subject, null);
  await eventually(async () => (heard.size === to.length ? true : undefined), 5_000, 'the settling message');
  for (const sub of subs) sub.unsubscribe();
}

export const codeOf = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: { code?: unknown }) => error.code,
  );

/** The bus contract: every implementation must pass it. */
export function busContract(name: string, target: BusTarget): void {
  describe(`bus contract: ${name}`, () => {
    let a: Bus;
    let b: Bus;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ a, b, close } = await target.connect());
    });
    afterAll(async () => {
      await close?.();
    });

    it('delivers to exact, `*` and `>` subscriptions what falls under them, in publish order, until unsubscribed', async () => {
      const p = prefix();
      const exact = collect(b, `${p}.a.b`);
      const star = collect(b, `${p}.*.b`);
      const rest = collect(b, `${p}.>`);
      const below = collect(b, `${p}.a.>`);
      const unsubscribed: unknown[] = [];
      const sub = b.subscribe(`${p}.a.b`, (_s, m) => unsubscribed.push(m));
      await b.flush();
      for (const [i, subject] of [`${p}.a.b`, `${p}.c.b`, `${p}.a.b.c`, `${p}.a`].entries()) a.publish(subject, i);
      await settle(a, [b]);
      sub.unsubscribe();
      await b.flush();
      a.publish(`${p}.a.b`, 4);
      await settle(a, [b]);
      expect(exact).toEqual([{ subject: `${p}.a.b`, message: 0 }, { subject: `${p}.a.b`, message: 4 }]);
      expect(star.map((m) => m.message)).toEqual([0, 1, 4]);
      expect(rest.map((m) => m.message)).toEqual([0, 1, 2, 3, 4]);
      expect(below.map((m) => m.subject)).toEqual([`${p}.a.b`, `${p}.a.b.c`, `${p}.a.b`]);
      expect(unsubscribed).toEqual([0]);
    });

    it('keeps delivering to the others when a handler throws, and counts the fault', async () => {
      const p = prefix();
      const before = b.stats().handlerErrors;
      b.subscribe(`${p}.x`, () => {
        throw new Error('boom');
      });
      const got = collect(b, `${p}.x`);
      await b.flush();
      a.publish(`${p}.x`, 'x');
      await settle(a, [b]);
      expect(got.map((m) => m.message)).toEqual(['x']);
      expect(b.stats().handlerErrors).toBe(before + 1);
    });

    it('gives each message to exactly one member of a queue group, and to every group and plain subscriber', async () => {
      const p = prefix();
      const members = [collect(a, `${p}.work`, { queue: 'g1' }), collect(b, `${p}.work`, { queue: 'g1' }), collect(b, `${p}.*`, { queue: 'g1' })];
      const other = collect(a, `${p}.work`, { queue: 'g2' });
      const plain = collect(b, `${p}.work`);
      await Promise.all([a.flush(), b.flush()]);
      const sent = Array.from({ length: 30 }, (_, i) => i);
      for (const i of sent) a.publish(`${p}.work`, i);
      await settle(a, [a, b]);
      const shared = members.flatMap((got) => got.map((m) => m.message as number));
      expect(shared.sort((x, y) => x - y)).toEqual(sent);
      expect(other.map((m) => m.message)).toEqual(sent);
      expect(plain.map((m) => m.message)).toEqual(sent);
    });

    it('answers a request with what the responder returns or resolves to', async () => {
      const p = prefix();
      b.serve(`${p}.echo`, (subject, message) => ({ subject, echoed: message }));
      b.serve(`${p}.later`, async (_subject, message) => (message as number) * 2);
      await b.flush();
      expect(await a.request(`${p}.echo`, { n: 1 }, { timeoutMs: 5_000 })).toEqual({ subject: `${p}.echo`, echoed: { n: 1 } });
      expect(await a.request(`${p}.later`, 21)).toBe(42);
    });

    it('asks one member of a queue group of responders', async () => {
      const p = prefix();
      let asked = 0;
      for (const bus of [a, b, b]) bus.serve(`${p}.one`, () => ++asked, { queue: 'responders' });
      await Promise.all([a.flush(), b.flush()]);
      expect(await a.request(`${p}.one`, null)).toBe(1);
      await settle(a, [a, b]);
      expect(asked).toBe(1);
    });

    it("fails with BUS_HANDLER_FAILED, carrying the responder's code, when the responder throws", async () => {
      const p = prefix();
      b.serve(`${p}.fail`, () => {
        throw Object.assign(new Error('not the owner'), { code: 'NOT_OWNER' });
      });
      b.serve(`${p}.reject`, () => Promise.reject(new Error('nope')));
      await b.flush();
      const error = await a.request(`${p}.fail`, null).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BusHandlerError);
      expect(error).toMatchObject({ code: ErrorCode.BUS_HANDLER_FAILED, remoteCode: 'NOT_OWNER', retryable: false });
      expect(await a.request(`${p}.reject`, null).catch((e: unknown) => e)).toMatchObject({ remoteCode: ErrorCode.INTERNAL });
    });

    it('fails with BUS_NO_RESPONDERS when nobody listens, without waiting for the timeout', async () => {
      const error = await a.request(`${prefix()}.nobody`, 1, { timeoutMs: 30_000 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: ErrorCode.BUS_NO_RESPONDERS, retryable: true });
    });

    it('fails with BUS_TIMEOUT when the listeners do not answer in time', async () => {
      const p = prefix();
      b.subscribe(`${p}.silent`, () => undefined);
      b.serve(`${p}.slow`, () => new Promise(() => undefined));
      await b.flush();
      expect(await codeOf(a.request(`${p}.silent`, 1, { timeoutMs: 200 }))).toBe(ErrorCode.BUS_TIMEOUT);
      expect(await codeOf(a.request(`${p}.slow`, 1, { timeoutMs: 200 }))).toBe(ErrorCode.BUS_TIMEOUT);
    });

    it('carries a message of exactly maxPayload bytes and refuses one byte more with BUS_PAYLOAD_TOO_LARGE', async () => {
      const p = prefix();
      expect(a.maxPayload).toBe(1024 * 1024); // nats-server's default, and the in-process bus'
      const got = collect(b, `${p}.big`);
      b.serve(`${p}.big-reply`, (_s, message) => message);
      await b.flush();
      const largest = new Uint8Array(a.maxPayload - 5).fill(7); // msgpack bin32: 5 bytes of header
      a.publish(`${p}.big`, largest);
      expect(() => a.publish(`${p}.big`, new Uint8Array(a.maxPayload - 4))).toThrow(expect.objectContaining({ code: ErrorCode.BUS_PAYLOAD_TOO_LARGE }));
      await settle(a, [b]);
      expect(got).toHaveLength(1);
      expect(Buffer.from(got[0]!.message as Uint8Array).equals(Buffer.from(largest))).toBe(true);
      expect(await codeOf(a.request(`${p}.big-reply`, new Uint8Array(a.maxPayload)))).toBe(ErrorCode.BUS_PAYLOAD_TOO_LARGE);
      // The reply wraps the value: the largest request cannot come back whole, and the requester is told so.
      const reply = await a.request(`${p}.big-reply`, largest).catch((e: unknown) => e);
      expect(reply).toMatchObject({ code: ErrorCode.BUS_HANDLER_FAILED, remoteCode: ErrorCode.BUS_PAYLOAD_TOO_LARGE });
    });

    it('round-trips what the msgpack codec supports, and refuses what it cannot encode', async () => {
      const p = prefix();
      const got = collect(b, `${p}.codec`);
      await b.flush();
      const value = {
        text: 'ünïcødé ✓',
        numbers: [0, -1, 1.5, 2 ** 40, Number.MAX_SAFE_INTEGER, -(2 ** 31)],
        flags: [true, false, null],
        nested: { deeper: { list: [{ a: 1 }, []] } },
        when: new Date('2024-02-29T12:34:56.789Z'),
        bytes: new Uint8Array([0, 1, 254, 255]),
        huge: 2n ** 63n - 1n,
        missing: undefined,
      };
      a.publish(`${p}.codec`, value);
      a.publish(`${p}.codec`, new Map([['k', 1]]));
      await settle(a, [b]);
      const [first, second] = got.map((m) => m.message) as [typeof value, unknown];
      expect({ ...first, bytes: undefined }).toEqual({ ...value, bytes: undefined });
      expect(first.when).toBeInstanceOf(Date);
      expect([...first.bytes]).toEqual([0, 1, 254, 255]);
      expect(second).toEqual({ k: 1 }); // a Map arrives as a plain object
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      expect(() => a.publish(`${p}.codec`, cycle)).toThrow(expect.objectContaining({ code: ErrorCode.BUS_MESSAGE_INVALID }));
    });

    it('refuses bad subjects with BUS_SUBJECT_INVALID, and carries event subjects of any stream id', async () => {
      const p = prefix();
      for (const subject of [`${p}..x`, `${p}.*`, `${p}.>`, `${p}.a b`, `${p}.a*`, '']) {
        expect(() => a.publish(subject, 1), subject).toThrow(expect.objectContaining({ code: ErrorCode.BUS_SUBJECT_INVALID }));
      }
      expect(() => b.subscribe(`${p}.>.x`, () => undefined)).toThrow(expect.objectContaining({ code: ErrorCode.BUS_SUBJECT_INVALID }));
      const id = `${randomUUID()}.a*b > c%\t.`;
      const got = collect(b, eventSubject(`challenge/${id}`));
      await b.flush();
      a.publish(eventSubject(`challenge/${id}`), 'mine');
      a.publish(eventSubject(`challenge/${id.replaceAll('.', '_')}`), 'another stream');
      await settle(a, [b]);
      expect(got.map((m) => m.message)).toEqual(['mine']);
    });

    it('refuses everything with BUS_CLOSED once closed, and fails the requests it was waiting on', async () => {
      const pair = await target.connect();
      const p = prefix();
      pair.b.serve(`${p}.never`, () => new Promise(() => undefined));
      await pair.b.flush();
      const waiting = codeOf(pair.a.request(`${p}.never`, 1, { timeoutMs: 30_000 }));
      await pair.close();
      expect(await waiting).toBe(ErrorCode.BUS_CLOSED);
      expect(() => pair.a.publish(`${p}.x`, 1)).toThrow(expect.objectContaining({ code: ErrorCode.BUS_CLOSED }));
      expect(await codeOf(pair.a.request(`${p}.x`, 1))).toBe(ErrorCode.BUS_CLOSED);
      expect(() => pair.a.subscribe(`${p}.x`, () => undefined)).toThrow(expect.objectContaining({ code: ErrorCode.BUS_CLOSED }));
    });
  });
}
