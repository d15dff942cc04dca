import { Packr, Unpackr, type Options } from 'msgpackr';
import { ErrorCode } from './errors.js';
import type { Frame } from './frames.js';
import type { Checked } from './validate.js';

/**
 * How frames travel, chosen per connection by WebSocket subprotocol: MessagePack in binary
 * messages (the SDK's default) or JSON in text messages (k6, debugging). Both carry the same data
 * model, JSON's: objects with string keys, arrays, strings, finite numbers, booleans and null.
 *
 * @example
 * const codec = createCodec(negotiateSubprotocol(request.headers['sec-websocket-protocol']) ?? Subprotocol.msgpack);
 * const decoded = codec.decode(message); // never throws
 * if (decoded.ok) handle(decoded.value); else reply(decoded.code, decoded.message);
 */
export const Subprotocol = {
  msgpack: 'gamifier.v1.msgpack',
  json: 'gamifier.v1.json',
} as const;

export type Subprotocol = (typeof Subprotocol)[keyof typeof Subprotocol];

/** Where the server accepts WebSocket upgrades, on the same port as the HTTP API. */
export const WEBSOCKET_PATH = '/v1/ws';

const supported: ReadonlySet<string> = new Set(Object.values(Subprotocol));

/**
 * Picks the subprotocol from a `Sec-WebSocket-Protocol` request header (or its values): the
 * first one the client offers that we speak. No header at all means msgpack; a header offering
 * none of ours gives undefined (refuse the upgrade). Echo the result in the response only when
 * the client sent the header: browsers fail a connection whose server picks an unoffered one.
 */
export function negotiateSubprotocol(offered: string | readonly string[] | undefined | null): Subprotocol | undefined {
  const list = (typeof offered === 'string' ? offered.split(',') : (offered ?? [])).map((name) => name.trim()).filter(Boolean);
  if (list.length === 0) return Subprotocol.msgpack;
  return list.find((name): name is Subprotocol => supported.has(name));
}

export interface CodecLimits {
  /** Larger input is refused with FRAME_TOO_LARGE before it is parsed. */
  maxBytes: number;
  /** Deeper nesting of objects and arrays is refused with FRAME_INVALID. */
  maxDepth: number;
}

export const defaultCodecLimits: CodecLimits = { maxBytes: 64 * 1024, maxDepth: 32 };

export interface Codec {
  readonly subprotocol: Subprotocol;
  /** True when frames travel as binary WebSocket messages, false for text. */
  readonly binary: boolean;
  /** Encodes a frame; throws only for data outside the JSON model (a bug of the caller). */
  encode(frame: Frame): Uint8Array | string;
  /** Decodes one message. Never throws: bad input gives FRAME_TOO_LARGE or FRAME_INVALID. */
  decode(data: unknown): Checked<unknown>;
}

const invalid = (message: string): Checked<unknown> => ({ ok: false, code: ErrorCode.FRAME_INVALID, message });
const tooLarge = (size: number, max: number): Checked<unknown> => ({
  ok: false,
  code: ErrorCode.FRAME_TOO_LARGE,
  message: `the frame has ${size} bytes; the limit is ${max}`,
});

function bytesOf(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

// Extensions (records, structured clones, bundled strings, Date, Set, RegExp, Error, typed arrays,
// bigint) are refused by scanMsgpack before msgpackr sees the bytes; these options say the same.
const msgpackOptions: Options & { skipValues: unknown[] } = {
  useRecords: false,
  mapsAsObjects: true,
  structuredClone: false,
  moreTypes: false,
  bundleStrings: false,
  int64AsType: 'number', // scanMsgpack refuses integers beyond 2^53
  encodeUndefinedAsNil: true, // an undefined in an array travels as null, as in JSON…
  skipValues: [undefined], // …and a field set to undefined is left out, as in JSON
};

export function msgpackCodec(limits: CodecLimits = defaultCodecLimits): Codec {
  const packr = new Packr(msgpackOptions);
  const unpackr = new Unpackr(msgpackOptions);
  return {
    subprotocol: Subprotocol.msgpack,
    binary: true,
    encode: (frame) => packr.pack(frame),
    decode(data) {
      const bytes = bytesOf(data);
      if (!bytes) return invalid(typeof data === 'string' ? `${Subprotocol.msgpack} frames are binary` : 'not a WebSocket message');
      if (bytes.byteLength > limits.maxBytes) return tooLarge(bytes.byteLength, limits.maxBytes);
      const refused = scanMsgpack(bytes, limits.maxDepth);
      if (refused) return invalid(`not a MessagePack frame: ${refused}`);
      try {
        return { ok: true, value: unpackr.unpack(bytes) as unknown };
      } catch (error) {
        return invalid(`not a MessagePack frame: ${(error as Error).message}`);
      }
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export function jsonCodec(limits: CodecLimits = defaultCodecLimits): Codec {
  return {
    subprotocol: Subprotocol.json,
    binary: false,
    encode: (frame) => JSON.stringify(frame),
    decode(data) {
      let text: string;
      if (typeof data === 'string') {
        // A UTF-16 unit is at least one UTF-8 byte: count bytes only when the length is unclear.
        const size = data.length > limits.maxBytes || data.length * 3 <= limits.maxBytes ? data.length : encoder.encode(data).byteLength;
        if (size > limits.maxBytes) return tooLarge(size, limits.maxBytes);
        text = data;
      } else {
        const bytes = bytesOf(data);
        if (!bytes) return invalid('not a WebSocket message');
        if (bytes.byteLength > limits.maxBytes) return tooLarge(bytes.byteLength, limits.maxBytes);
        try {
          text = utf8.decode(bytes);
        } catch {
          return invalid('a JSON frame is UTF-8 text');
        }
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        return invalid(`not a JSON frame: ${(error as Error).message}`);
      }
      const refused = checkJsonValue(value, limits.maxDepth);
      return refused ? invalid(refused) : { ok: true, value };
    },
  };
}

/** Depth, and no `__proto__` key (JSON.parse makes it an own property; a careless copy would not). */
function checkJsonValue(value: unknown, maxDepth: number, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= maxDepth) return `nested deeper than ${maxDepth}`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const refused = checkJsonValue(item, maxDepth, depth + 1);
      if (refused) return refused;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return 'the key __proto__ is not allowed';
    const refused = checkJsonValue((value as Record<string, unknown>)[key], maxDepth, depth + 1);
    if (refused) return refused;
  }
  return undefined;
}

const PROTO_KEY = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f]; // "__proto__"

type Check = 'float32' | 'float64' | 'uint64' | 'int64';
type Token =
  | { kind: 'str' | 'array' | 'map'; inline: number; header: 0 | 1 | 2 | 4 }
  | { kind: 'scalar'; size: number; check?: Check };

/** What a MessagePack token byte starts, among the types of the JSON model; undefined otherwise. */
function classify(token: number): Token | undefined {
  if (token <= 0x7f || token >= 0xe0 || token === 0xc0 || token === 0xc2 || token === 0xc3) return { kind: 'scalar', size: 0 };
  if (token <= 0x8f) return { kind: 'map', inline: token & 0x0f, header: 0 };
  if (token <= 0x9f) return { kind: 'array', inline: token & 0x0f, header: 0 };
  if (token <= 0xbf) return { kind: 'str', inline: token & 0x1f, header: 0 };
  switch (token) {
    case 0xca: return { kind: 'scalar', size: 4, check: 'float32' };
    case 0xcb: return { kind: 'scalar', size: 8, check: 'float64' };
    case 0xcc: case 0xd0: return { kind: 'scalar', size: 1 };
    case 0xcd: case 0xd1: return { kind: 'scalar', size: 2 };
    case 0xce: case 0xd2: return { kind: 'scalar', size: 4 };
    case 0xcf: return { kind: 'scalar', size: 8, check: 'uint64' };
    case 0xd3: return { kind: 'scalar', size: 8, check: 'int64' };
    case 0xd9: return { kind: 'str', inline: 0, header: 1 };
    case 0xda: return { kind: 'str', inline: 0, header: 2 };
    case 0xdb: return { kind: 'str', inline: 0, header: 4 };
    case 0xdc: return { kind: 'array', inline: 0, header: 2 };
    case 0xdd: return { kind: 'array', inline: 0, header: 4 };
    case 0xde: return { kind: 'map', inline: 0, header: 2 };
    case 0xdf: return { kind: 'map', inline: 0, header: 4 };
    default: return undefined; // 0xc1 (never used), bin 0xc4–0xc6, ext 0xc7–0xc9 and 0xd4–0xd8
  }
}

// classify's answer for every token byte, looked up by the scan rather than worked out (and
// allocated) for every item of every frame: the kind (REFUSED for a byte outside the JSON model),
// how many bytes follow the token (a scalar's value, or a str's, array's or map's length), the
// length held in the token itself, and which numbers need their value checked.
const REFUSED = 0;
const SCALAR = 1;
const STR = 2;
const ARRAY = 3;
const MAP = 4;
const kindCodes = { scalar: SCALAR, str: STR, array: ARRAY, map: MAP };
const kindOf = new Uint8Array(256);
const sizeOf = new Uint8Array(256);
const inlineOf = new Uint8Array(256);
const checkOf: Array<Check | undefined> = [];
for (let byte = 0; byte < 256; byte++) {
  const token = classify(byte);
  if (!token) continue;
  kindOf[byte] = kindCodes[token.kind];
  if (token.kind === 'scalar') {
    sizeOf[byte] = token.size;
    checkOf[byte] = token.check;
  } else {
    sizeOf[byte] = token.header;
    inlineOf[byte] = token.inline;
  }
}

/**
 * Walks MessagePack bytes without building anything and says what is wrong with them, if
 * anything: only the JSON model is allowed (no ext types — so none of msgpackr's records,
 * structured clones, bundled strings, Date, Set, RegExp, Error, typed arrays or bigint — no bin,
 * no NaN or Infinity, no integer beyond 2^53, string map keys only, no `__proto__` key), at most
 * `maxDepth` nested containers, no byte missing or left over. Iterative, so hostile nesting cannot
 * exhaust the stack; a container announcing more items than bytes remain is refused at once.
 */
function scanMsgpack(bytes: Uint8Array, maxDepth: number): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  let pos = 0;
  // Items still to read in each open container (a map counts keys and values), up to `top`; the root holds one.
  const remaining = [1];
  const isMap = [false];
  let top = 0;
  for (;;) {
    if (remaining[top] === 0) {
      if (top === 0) break;
      top -= 1;
      continue;
    }
    const isKey = isMap[top]! && remaining[top]! % 2 === 0;
    remaining[top]! -= 1;
    if (pos >= end) return 'truncated';
    const token = bytes[pos]!;
    const kind = kindOf[token]!;
    if (kind === REFUSED) return `type 0x${token.toString(16)} is not allowed (ext, bin or reserved)`;
    pos += 1;
    if (isKey && kind !== STR) return 'map keys must be strings';
    const size = sizeOf[token]!;
    if (pos + size > end) return 'truncated';
    if (kind === SCALAR) {
      const check = checkOf[token];
      const refused = check && checkNumber(view, pos, check);
      if (refused) return refused;
      pos += size;
      continue;
    }
    const length = size === 0 ? inlineOf[token]! : size === 1 ? bytes[pos]! : size === 2 ? view.getUint16(pos) : view.getUint32(pos);
    pos += size;
    if (kind === STR) {
      if (pos + length > end) return 'truncated';
      if (isKey && length === PROTO_KEY.length && PROTO_KEY.every((byte, i) => bytes[pos + i] === byte)) return 'the key __proto__ is not allowed';
      if (!isUtf8(bytes, pos, length)) return 'a string is not UTF-8 (an unpaired surrogate, or bytes that are no character)';
      pos += length;
      continue;
    }
    const items = kind === MAP ? 2 * length : length;
    if (items > end - pos) return 'a container announces more items than there are bytes';
    if (top + 1 > maxDepth) return `nested deeper than ${maxDepth}`;
    top += 1;
    remaining[top] = items;
    isMap[top] = kind === MAP;
  }
  return pos === end ? undefined : 'bytes left over after the frame';
}

/**
 * Whether a string's bytes are UTF-8, as JSON's text must be: msgpackr would turn bytes that are
 * not (a lone surrogate encoded as if it were a character) into U+FFFD, and the server would keep
 * something other than what the client sent. ASCII, most strings, is checked without a decode.
 */
function isUtf8(bytes: Uint8Array, start: number, length: number): boolean {
  const end = start + length;
  for (let i = start; i < end; i++) {
    if (bytes[i]! >= 0x80) {
      try {
        utf8.decode(bytes.subarray(i, end));
        return true;
      } catch {
        return false;
      }
    }
  }
  return true;
}

function checkNumber(view: DataView, pos: number, check: Check): string | undefined {
  if (check === 'float32' || check === 'float64') {
    return Number.isFinite(check === 'float32' ? view.getFloat32(pos) : view.getFloat64(pos)) ? undefined : 'NaN and Infinity are not allowed';
  }
  const high = check === 'uint64' ? view.getUint32(pos) : view.getInt32(pos);
  return Number.isSafeInteger(high * 0x1_0000_0000 + view.getUint32(pos + 4)) ? undefined : 'integers beyond 2^53 are not allowed';
}

/** The codec of a subprotocol. */
export function createCodec(subprotocol: Subprotocol, limits: CodecLimits = defaultCodecLimits): Codec {
  return subprotocol === Subprotocol.json ? jsonCodec(limits) : msgpackCodec(limits);
}
