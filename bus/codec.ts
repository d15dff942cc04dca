import { Packr } from 'msgpackr';
import { ErrorCode } from '../protocol/errors.js';
import { BusHandlerError, BusMessageInvalidError, BusPayloadTooLargeError } from './errors.js';

/**
 * The one codec of the bus: MessagePack. What round-trips: null, booleans, numbers, strings,
 * arrays, plain objects, `undefined` (in objects and arrays), Date (the msgpack timestamp), binary
 * (a Uint8Array arrives as a Node Buffer), bigint beyond the safe integers (a small bigint arrives
 * as a number). A Map arrives as a plain object; class instances lose their prototype; functions
 * arrive as undefined; a cycle is refused (BUS_MESSAGE_INVALID). No records or structure sharing:
 * each message stands alone, so nodes of different versions read each other's messages.
 */
const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  moreTypes: false,
  bundleStrings: false,
  mapsAsObjects: true,
  // 'auto' (numbers when safe, bigint beyond): msgpackr supports it, its typings lag.
  int64AsType: 'auto' as 'bigint',
});

export function encode(subject: string, message: unknown, maxPayload: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = packr.pack(message);
  } catch (error) {
    throw new BusMessageInvalidError(`a message on ${subject} cannot be encoded: ${(error as Error).message}`, { cause: error });
  }
  if (bytes.byteLength > maxPayload) throw new BusPayloadTooLargeError(subject, bytes.byteLength, maxPayload);
  return bytes;
}

export function decode(subject: string, bytes: Uint8Array): unknown {
  try {
    return packr.unpack(bytes);
  } catch (error) {
    throw new BusMessageInvalidError(`a message on ${subject} cannot be decoded: ${(error as Error).message}`, { cause: error });
  }
}

/** A reply as it travels: the responder's value, or its failure. */
type Reply = { ok: true; value: unknown } | { ok: false; code: string; message: string };

export function encodeReply(subject: string, value: unknown, maxPayload: number): Uint8Array {
  return encode(subject, { ok: true, value } satisfies Reply, maxPayload);
}

export function encodeFailure(subject: string, error: unknown, maxPayload: number): Uint8Array {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : ErrorCode.INTERNAL;
  const message = error instanceof Error ? error.message : String(error);
  return encode(subject, { ok: false, code, message: message.slice(0, 1000) } satisfies Reply, maxPayload);
}

/** The value of a reply, or throws its failure as BUS_HANDLER_FAILED. */
export function decodeReply(subject: string, bytes: Uint8Array): unknown {
  const reply = decode(subject, bytes) as { ok?: unknown; value?: unknown; code?: unknown; message?: unknown } | null;
  if (typeof reply !== 'object' || reply === null || typeof reply.ok !== 'boolean') {
    throw new BusMessageInvalidError(`the reply on ${subject} is not a bus reply`);
  }
  if (reply.ok) return reply.value;
  throw new BusHandlerError(subject, String(reply.code), String(reply.message));
}
