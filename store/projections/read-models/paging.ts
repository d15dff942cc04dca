/** Bounds a caller's page size or count to `min..max` (a bad number gives `min`). */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.trunc(Number.isFinite(value) ? value : min)));
}

/** An opaque page cursor: the sort key of the last item of a page. */
export function encodeCursor(parts: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The parts of a cursor, or undefined when it is not one of ours (a client sent garbage). */
export function decodeCursor(cursor: string, shape: readonly ('number' | 'string')[]): (number | string)[] | undefined {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parts) || parts.length !== shape.length) return undefined;
    return parts.every((part, i) => typeof part === shape[i]) ? (parts as (number | string)[]) : undefined;
  } catch {
    return undefined;
  }
}
