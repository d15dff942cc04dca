import { StreamIdInvalidError } from './errors.js';
import type { StreamId } from './types.js';

const streamIdPattern = /^([a-z][a-z0-9-]{0,31})\/[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** Returns the stream's type (`user` for `user/u42`) or throws `STREAM_ID_INVALID`. */
export function streamTypeOf(streamId: StreamId): string {
  const match = typeof streamId === 'string' ? streamIdPattern.exec(streamId) : null;
  if (!match) throw new StreamIdInvalidError(streamId);
  return match[1]!;
}

export function isStreamId(value: unknown): value is StreamId {
  return typeof value === 'string' && streamIdPattern.test(value);
}
