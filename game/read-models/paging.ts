import { ErrorCode, GamifierError } from '../../protocol/errors.js';

/** Bounds a caller's page size or count to `min..max` (a bad number gives `min`). */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.trunc(Number.isFinite(value) ? value : min)));
}

/** An opaque page cursor: the sort key of the last item of a page. */
export function encodeCursor(parts: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** A page cursor the server did not make: answered QUERY_INVALID, never read as "the first page". */
export class CursorInvalidError extends GamifierError {
  constructor(name: string) {
    super(ErrorCode.QUERY_INVALID, `${name} is not a cursor this server returned; pass the \`next\` of a previous page`);
  }
}

/** The parts of a cursor named `name`; throws CursorInvalidError when it is not one of ours. */
export function decodeCursor(cursor: string, shape: readonly ('number' | 'string')[], name: string): (number | string)[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorInvalidError(name);
  }
  const valid =
    Array.isArray(parts) &&
    parts.length === shape.length &&
    parts.every((part, i) => typeof part === shape[i] && (typeof part !== 'number' || Number.isSafeInteger(part)));
  if (!valid) throw new CursorInvalidError(name);
  return parts as (number | string)[];
}
