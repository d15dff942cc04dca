/**
 * Which fields of which events are personal, and whose: declared by the layer that owns the event
 * types (the game's table is `personalData` in actors/user/personal-data.ts); the store knows no
 * event of its own.
 *
 * A path names a field of the event's data: `displayName`, `foods[].name` (the `name` of every
 * element of `foods`), `tags[]` (every element of `tags`). A field that is absent is left alone. Each field reads as its `redacted`
 * value once the subject's key is destroyed (default {@link REDACTED}).
 *
 * A field's subject is the event's (`subjectOf`) unless the field names its own: `subject` is the
 * top-level field of the event's data that holds the id of the person the field belongs to (a
 * comment's text is its commenter's, in the post's stream). An event without that id leaves the
 * field alone.
 *
 * @example
 * const policy: PersonalDataPolicy = {
 *   fields: { 'user.registered': ['displayName', { path: 'timezone', redacted: 'UTC' }] },
 *   subjectOf: (streamId) => (streamId.startsWith('user/') ? streamId.slice(5) : undefined),
 * };
 */
export interface PersonalDataPolicy {
  readonly fields: Readonly<Record<string, readonly PersonalField[]>>;
  /** Whose data the event holds (the subject whose key encrypts it); undefined: nobody's. */
  subjectOf(streamId: string, event: { type: string; data: unknown }): string | undefined;
}

export type PersonalField = string | { readonly path: string; readonly redacted?: unknown; readonly subject?: string };

/** What a personal field reads as once its subject's key is destroyed, unless its policy says otherwise. */
export const REDACTED = '(deleted)';

/** A path split at its dots; `each`: the segment is an array whose every element goes on. */
export interface CompiledPath {
  readonly text: string;
  readonly segments: ReadonlyArray<{ key: string; each: boolean }>;
  readonly redacted: unknown;
  /** The data field holding the subject's id; undefined: the event's subject. */
  readonly subject: string | undefined;
}

const segmentPattern = /^([A-Za-z_$][A-Za-z0-9_$]*)(\[\])?$/;

export function compilePolicy(policy: PersonalDataPolicy): Map<string, CompiledPath[]> {
  const compiled = new Map<string, CompiledPath[]>();
  for (const [type, fields] of Object.entries(policy.fields)) {
    compiled.set(
      type,
      fields.map((field) => {
        const text = typeof field === 'string' ? field : field.path;
        const segments = text.split('.').map((part) => {
          const match = segmentPattern.exec(part);
          if (!match) throw new Error(`personal field ${type} ${text}: ${JSON.stringify(part)} is not a name or name[]`);
          return { key: match[1]!, each: match[2] !== undefined };
        });
        const subject = typeof field === 'string' ? undefined : field.subject;
        if (subject !== undefined && !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(subject)) throw new Error(`personal field ${type} ${text}: subject ${JSON.stringify(subject)} is not a field name`);
        const redacted = typeof field === 'string' || !('redacted' in field) ? REDACTED : field.redacted;
        return { text, segments, redacted, subject };
      }),
    );
  }
  return compiled;
}

/** The subject of `path` in an event: its own subject field's value, or the event's subject. */
export function subjectOfPath(path: CompiledPath, data: Record<string, unknown>, eventSubject: () => string | undefined): string | undefined {
  if (path.subject === undefined) return eventSubject();
  const value = Object.prototype.hasOwnProperty.call(data, path.subject) ? data[path.subject] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Calls `visit` with the object holding each field `path` names in `data` (present ones only), and
 * the field's key.
 */
export function visitPath(data: unknown, path: CompiledPath, visit: (holder: Record<string, unknown>, key: string) => void): void {
  const walk = (value: unknown, i: number): void => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const holder = value as Record<string, unknown>;
    const { key, each } = path.segments[i]!;
    if (!Object.prototype.hasOwnProperty.call(holder, key)) return;
    if (i === path.segments.length - 1) {
      if (!each) return visit(holder, key);
      const list = holder[key];
      if (Array.isArray(list)) for (let j = 0; j < list.length; j++) visit(list as unknown as Record<string, unknown>, String(j));
      return;
    }
    const next = holder[key];
    if (each) {
      if (Array.isArray(next)) for (const element of next) walk(element, i + 1);
    } else walk(next, i + 1);
  };
  walk(data, 0);
}
