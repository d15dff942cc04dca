import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { toJsonText } from '../serialize.js';
import type { EventCodec, NewEvent, StoredData, StreamId } from '../types.js';
import { compilePolicy, subjectOfPath, visitPath, type CompiledPath, type PersonalDataPolicy } from './policy.js';
import type { SubjectKeys } from './subject-keys.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'v1:';

/** An encrypted field as stored: `{"$enc": "v1:<subject>:<base64 of iv, tag, ciphertext>"}`. */
export interface EncryptedField {
  $enc: string;
}

/** Whether a stored value is an encrypted field (anything else is plaintext, e.g. written before encryption). */
export function isEncryptedField(value: unknown): value is EncryptedField {
  return value !== null && typeof value === 'object' && typeof (value as EncryptedField).$enc === 'string' && (value as EncryptedField).$enc.startsWith(PREFIX);
}

export class PersonalFieldUnreadableError extends Error {
  constructor(type: string, path: string, cause: unknown) {
    super(`the encrypted field ${path} of a ${type} event does not decrypt with its subject's key (altered, or from another database)`, { cause });
  }
}

/**
 * Encrypts the personal fields of events on append and decrypts them on every read, with the
 * per-subject keys of {@link SubjectKeys} (AES-256-GCM; the subject is the associated data).
 * A field of a subject whose key was destroyed reads as its redaction value; a forgotten
 * subject's new events are stored with the redaction value itself. A field stored as plaintext
 * (written before encryption, or with `encrypt: false`) reads as it is.
 *
 * @example
 * const codec = new PersonalDataCodec(personalData, await SubjectKeys.open(sql, keyring));
 * await openStore({ ...config, codec });
 */
export class PersonalDataCodec implements EventCodec {
  private readonly paths: Map<string, CompiledPath[]>;
  private readonly encrypt: boolean;

  constructor(
    private readonly policy: PersonalDataPolicy,
    readonly keys: SubjectKeys,
    options: { encrypt?: boolean } = {},
  ) {
    this.paths = compilePolicy(policy);
    this.encrypt = options.encrypt ?? true;
  }

  async encode(streamId: StreamId, events: readonly NewEvent[]): Promise<readonly NewEvent[]> {
    if (!this.encrypt) return events;
    // The subject of each personal path of each event (undefined: nobody's, left as it is).
    const subjects: Array<Array<string | undefined> | undefined> = events.map((event) => {
      const paths = event !== null && typeof event === 'object' ? this.paths.get(event.type) : undefined;
      if (!paths || !isPlainObject(event.data)) return undefined;
      const data = event.data;
      let ofEvent: { subject: string | undefined } | undefined;
      const eventSubject = () => (ofEvent ??= { subject: this.policy.subjectOf(streamId, event) }).subject;
      return paths.map((path) => subjectOfPath(path, data, eventSubject));
    });
    const wanted = subjects.flatMap((list) => list ?? []).filter((subject): subject is string => subject !== undefined);
    if (wanted.length === 0) return events;
    const keys = await this.keys.forWriting(wanted);
    return events.map((event, i) => {
      const ofPaths = subjects[i];
      if (!ofPaths || ofPaths.every((subject) => subject === undefined)) return event;
      let data = event.data as Record<string, unknown>;
      this.paths.get(event.type)!.forEach((path, p) => {
        const subject = ofPaths[p];
        if (subject === undefined) return;
        const key = keys.get(subject) ?? null;
        data = copyAlong(data, path, 0) as Record<string, unknown>;
        visitPath(data, path, (holder, field) => {
          holder[field] = key ? seal(key, subject, toJsonText(holder[field], () => `events[${i}].data.${path.text}`)) : path.redacted;
        });
      });
      return { ...event, data };
    });
  }

  async decode(events: readonly StoredData[]): Promise<void> {
    const sites: Array<{ holder: Record<string, unknown>; field: string; subject: string; body: string; path: CompiledPath; type: string }> = [];
    for (const event of events) {
      const paths = event.type === null ? undefined : this.paths.get(event.type);
      if (!paths) continue;
      for (const path of paths) {
        visitPath(event.data, path, (holder, field) => {
          const value = holder[field];
          if (!isEncryptedField(value)) return;
          const text = value.$enc;
          const colon = text.lastIndexOf(':');
          sites.push({ holder, field, subject: text.slice(PREFIX.length, colon), body: text.slice(colon + 1), path, type: event.type! });
        });
      }
    }
    if (sites.length === 0) return;
    const keys = await this.keys.forReading(sites.map((site) => site.subject));
    for (const site of sites) {
      const key = keys.get(site.subject) ?? null;
      if (!key) {
        site.holder[site.field] = site.path.redacted;
        continue;
      }
      try {
        site.holder[site.field] = JSON.parse(open(key, site.subject, site.body));
      } catch (error) {
        throw new PersonalFieldUnreadableError(site.type, site.path.text, error);
      }
    }
  }
}

/**
 * Random IVs drawn from a pool filled 4 KiB at a time: `randomBytes(12)` cost about 6 µs a call
 * here, as much as the cipher itself, for what one fill of the pool gives 341 fields.
 */
const ivPool = { bytes: Buffer.alloc(IV_BYTES * 341), at: IV_BYTES * 341 };
function nextIv(): Buffer {
  if (ivPool.at + IV_BYTES > ivPool.bytes.length) {
    ivPool.bytes = randomFillSync(Buffer.alloc(ivPool.bytes.length));
    ivPool.at = 0;
  }
  ivPool.at += IV_BYTES;
  return ivPool.bytes.subarray(ivPool.at - IV_BYTES, ivPool.at);
}

function seal(key: Buffer, subject: string, plaintext: string): EncryptedField {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(PREFIX + subject));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { $enc: `${PREFIX}${subject}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}` };
}

function open(key: Buffer, subject: string, body: string): string {
  const bytes = Buffer.from(body, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(PREFIX + subject));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A copy of `value` in which the containers along `path` are new, so that filling them leaves the caller's event alone. */
function copyAlong(value: unknown, path: CompiledPath, i: number): unknown {
  if (!isPlainObject(value)) return value;
  const copy = { ...value };
  const { key, each } = path.segments[i]!;
  if (!Object.prototype.hasOwnProperty.call(copy, key)) return copy;
  const next = copy[key];
  if (i === path.segments.length - 1) {
    if (each && Array.isArray(next)) copy[key] = [...next];
    return copy;
  }
  copy[key] = each ? (Array.isArray(next) ? next.map((element) => copyAlong(element, path, i + 1)) : next) : copyAlong(next, path, i + 1);
  return copy;
}
