import { EventNotSerializableError } from './errors.js';

/**
 * JSON text of a value that must survive a round trip through jsonb unchanged. Rejects what
 * JSON.stringify would silently drop or mangle (undefined, functions, NaN, Dates, class
 * instances) and what jsonb refuses (NUL characters, unpaired surrogates: JSON.stringify writes
 * one as a `\udfff` escape that the `json` column keeps and every `jsonb` or `->>` reading of it
 * then fails on), naming the offending path.
 */
export function toJsonText(value: unknown, path: string | (() => string)): string {
  // The quick walk allocates nothing; only a value it doubts is walked again to name the fault.
  if (!isPlainJson(value, 0)) explain(value, typeof path === 'string' ? path : path(), new Set());
  return JSON.stringify(value);
}

/** Deeper than this, the quick walk leaves the value to `explain`, which also detects cycles. */
const QUICK_DEPTH = 64;

function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return keepable(value);
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth >= QUICK_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      // for…in rather than Object.keys: no array of keys per object. A plain object's prototype
      // (Object.prototype, or none) has no enumerable properties, so it visits the own ones alone.
      for (const key in value) {
        if (!keepable(key) || !isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Throws for the first fault in `value`, with its path; returns if there is none. */
function explain(value: unknown, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
      if (!keepable(value)) throw new EventNotSerializableError(path, fault(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new EventNotSerializableError(path, `${value} is not a finite number`);
      return;
    case 'boolean':
      return;
    case 'object':
      break;
    default:
      throw new EventNotSerializableError(path, `a ${typeof value} has no JSON form`);
  }
  if (value === null) return;
  if (seen.has(value)) throw new EventNotSerializableError(path, 'it refers to itself');
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) explain(value[i], `${path}[${i}]`, seen);
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new EventNotSerializableError(path, `a ${proto?.constructor?.name ?? 'class'} instance is not a plain object`);
    }
    for (const key of Object.keys(value)) {
      if (!keepable(key)) throw new EventNotSerializableError(path, `a key ${fault(key)}`);
      explain((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
    }
  }
  seen.delete(value);
}

/** `String.prototype.isWellFormed` (Node 20; ES2024, newer than the lib the project compiles against). */
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Text that PostgreSQL's jsonb can hold and give back: no NUL, no unpaired surrogate. */
function keepable(text: string): boolean {
  return text.indexOf('\u0000') === -1 && isWellFormed(text);
}

function fault(text: string): string {
  return text.includes('\u0000') ? 'contains a NUL character' : 'contains an unpaired surrogate';
}
