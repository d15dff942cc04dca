import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { createCodec, negotiateSubprotocol, Subprotocol } from '../codecs.js';
import { ErrorCode } from '../errors.js';
import { parseClientFrame, parseServerFrame } from '../frames.js';
import { clientFrame, serverFrame } from './arbitraries.js';

const codecs = [createCodec(Subprotocol.msgpack), createCodec(Subprotocol.json)];

describe.each(codecs)('the $subprotocol codec', (codec) => {
  it('decodes every client frame it encoded to the same frame, which the server accepts', () => {
    fc.assert(
      fc.property(clientFrame, (frame) => {
        const decoded = codec.decode(codec.encode(frame));
        expect(decoded).toEqual({ ok: true, value: frame });
        expect(parseClientFrame(decoded.ok && decoded.value)).toEqual({ ok: true, value: frame });
      }),
      { numRuns: 500 },
    );
  });

  it('decodes every server frame it encoded to the same frame, which the SDK accepts', () => {
    fc.assert(
      fc.property(serverFrame, (frame) => {
        const decoded = codec.decode(codec.encode(frame));
        expect(decoded).toEqual({ ok: true, value: frame });
        expect(parseServerFrame(decoded.ok && decoded.value)).toEqual({ ok: true, value: frame });
      }),
      { numRuns: 500 },
    );
  });

  it('decodes a frame lying inside a larger buffer, as a socket hands it over, reading no byte beyond it', () => {
    const frame = { t: 'evt', topic: 'user/u1', version: 3, event: { type: 'test.applied', data: { id: 'c1', ml: 250.5 } } } as const;
    const encoded = codec.encode(frame);
    const bytes = typeof encoded === 'string' ? new TextEncoder().encode(encoded) : encoded;
    const chunk = new Uint8Array(bytes.byteLength + 16).fill(0xc1); // a byte neither codec accepts
    chunk.set(bytes, 7);
    for (const view of [Buffer.from(chunk.buffer, 7, bytes.byteLength), new Uint8Array(chunk.buffer, 7, bytes.byteLength), new DataView(chunk.buffer, 7, bytes.byteLength)]) {
      expect(codec.decode(view)).toEqual({ ok: true, value: frame });
    }
    expect(codec.decode(Buffer.from(chunk.buffer, 7, bytes.byteLength - 1))).toMatchObject({ ok: false, code: ErrorCode.FRAME_INVALID });
  });

  it('encodes binary frames for msgpack and text frames for JSON', () => {
    const encoded = codec.encode({ t: 'ping', n: 1 });
    expect(typeof encoded === 'string').toBe(!codec.binary);
  });

  it('leaves out fields set to undefined, as JSON does', () => {
    const decoded = codec.decode(codec.encode({ t: 'err', id: undefined, code: ErrorCode.INTERNAL, message: 'x' }));
    expect(decoded).toEqual({ ok: true, value: { t: 'err', code: 'INTERNAL', message: 'x' } });
    expect(decoded.ok && Object.keys(decoded.value as object)).toEqual(['t', 'code', 'message']);
  });

  it('refuses input beyond its size limit before parsing it', () => {
    const small = createCodec(codec.subprotocol, { maxBytes: 100, maxDepth: 32 });
    const big = codec.encode({ t: 'hello', token: 'x'.repeat(200) });
    expect(small.decode(big)).toMatchObject({ ok: false, code: ErrorCode.FRAME_TOO_LARGE });
    expect(small.decode(new Uint8Array(101))).toMatchObject({ ok: false, code: ErrorCode.FRAME_TOO_LARGE });
  });

  it('refuses nesting beyond its depth limit', () => {
    const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);
    const limited = createCodec(codec.subprotocol, { maxBytes: 1_000, maxDepth: 8 });
    expect(limited.decode(codec.encode({ t: 'snap', topic: 'user/u1', version: 1, state: nested(7) }))).toMatchObject({ ok: true });
    expect(limited.decode(codec.encode({ t: 'snap', topic: 'user/u1', version: 1, state: nested(8) }))).toMatchObject({
      ok: false,
      code: ErrorCode.FRAME_INVALID,
    });
  });

  it('never throws, whatever the bytes or text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })), (data) => {
        const decoded = codec.decode(data);
        if (!decoded.ok) expect([ErrorCode.FRAME_INVALID, ErrorCode.FRAME_TOO_LARGE]).toContain(decoded.code);
      }),
      { numRuns: 10_000 },
    );
    for (const odd of [undefined, null, 42, {}, [new Uint8Array(1)], Symbol('x')]) {
      expect(codec.decode(odd)).toMatchObject({ ok: false, code: ErrorCode.FRAME_INVALID });
    }
  });
});

describe('the msgpack codec against hostile input', () => {
  const codec = createCodec(Subprotocol.msgpack);
  // msgpackr's own encoder, with every extension it knows: what an attacker could send.
  const hostile = new Packr({ structuredClone: true, moreTypes: true, useRecords: true });
  const refused = (bytes: Uint8Array | number[]) => expect(codec.decode(Uint8Array.from(bytes))).toMatchObject({ ok: false, code: ErrorCode.FRAME_INVALID });

  it('refuses every extension type: records, structured clones, Date, Set, Map, RegExp, Error, typed arrays, bigint', () => {
    const cyclic: Record<string, unknown> = { t: 'ping' };
    cyclic.self = cyclic;
    for (const value of [
      { t: 'ping', at: new Date() },
      { t: 'ping', n: new Set([1]) },
      { t: 'ping', n: new Map([[1, 2]]) },
      { t: 'ping', n: /a+$/ },
      { t: 'ping', n: new Error('x') },
      { t: 'ping', n: new Float64Array(2) },
      { t: 'ping', n: 2n ** 70n },
      cyclic,
    ]) {
      refused(hostile.pack(value));
    }
    refused(new Packr({ useRecords: true }).pack([{ t: 'ping' }, { t: 'ping' }]));
  });

  it('refuses bin, the reserved byte, non-string keys, __proto__ keys, NaN, Infinity and integers beyond 2^53', () => {
    refused([0xc4, 0x01, 0x00]);
    refused([0xc1]);
    refused([0x81, 0x01, 0x02]);
    refused([0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0x80]);
    refused([0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]);
    refused([0xca, 0x7f, 0x80, 0, 0]);
    refused([0xcf, 0x00, 0x20, 0, 0, 0, 0, 0, 0]);
    refused([0xd3, 0xff, 0xe0, 0, 0, 0, 0, 0, 0]);
    expect(codec.decode(Uint8Array.from([0xcf, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
    expect(codec.decode(Uint8Array.from([0xd3, 0xff, 0xe0, 0, 0, 0, 0, 0, 1]))).toEqual({ ok: true, value: -Number.MAX_SAFE_INTEGER });
  });

  it('refuses truncated input, trailing bytes, and containers announcing more items than there are bytes', () => {
    refused([0x92, 0x01]);
    refused([0xa5, 0x61]);
    refused([0x01, 0x02]);
    refused([0xdd, 0xff, 0xff, 0xff, 0xff]);
    refused([0xdf, 0x7f, 0xff, 0xff, 0xff, 0xa1, 0x61]);
    refused(new Array(10_000).fill(0x91));
  });

  it('never throws on msgpack of anything msgpackr can encode', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true }), (value) => {
        let bytes: Uint8Array;
        try {
          bytes = hostile.pack(value);
        } catch {
          return;
        }
        const decoded = codec.decode(bytes);
        if (decoded.ok) parseClientFrame(decoded.value);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('negotiateSubprotocol', () => {
  it('takes the first subprotocol the client offers that we speak', () => {
    expect(negotiateSubprotocol('gamifier.v1.json, gamifier.v1.msgpack')).toBe(Subprotocol.json);
    expect(negotiateSubprotocol(['chat', 'gamifier.v1.msgpack', 'gamifier.v1.json'])).toBe(Subprotocol.msgpack);
    expect(negotiateSubprotocol(' chat ,gamifier.v1.json')).toBe(Subprotocol.json);
  });

  it('defaults to msgpack when the client offers none, and refuses a list without ours', () => {
    expect(negotiateSubprotocol(undefined)).toBe(Subprotocol.msgpack);
    expect(negotiateSubprotocol('')).toBe(Subprotocol.msgpack);
    expect(negotiateSubprotocol('chat, gamifier.v2.json')).toBeUndefined();
  });
});
