import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** A master key: an id (stored beside every key it wraps) and 32 bytes of material. */
export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

/** A data key as stored: wrapped by the master key `masterKeyId`. */
export interface WrappedKey {
  readonly masterKeyId: string;
  readonly wrapped: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;
const masterKeyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The master keys of this process, first one first: the first wraps new data keys (and re-wraps
 * old ones in a rotation), every one unwraps. Wrapping is AES-256-GCM with the master key id as
 * associated data, so a wrapped key cannot be passed off as another master key's.
 *
 * @example
 * const ring = new MasterKeyring(parseMasterKeys('k2:…base64…,k1:…base64…'));
 * const stored = ring.wrap(randomBytes(32)); // { masterKeyId: 'k2', wrapped }
 */
export class MasterKeyring {
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(readonly keys: readonly MasterKey[]) {
    if (keys.length === 0) throw new Error('a master keyring needs at least one key');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!masterKeyIdPattern.test(id)) throw new Error(`master key id ${JSON.stringify(id)} is not 1 to 32 letters, digits, _ or -`);
      if (key.length !== KEY_BYTES) throw new Error(`master key ${id} is ${key.length} bytes, not ${KEY_BYTES}`);
      if (byId.has(id)) throw new Error(`master key ${id} is given twice`);
      byId.set(id, key);
    }
    this.byId = byId;
  }

  /** The id of the key that wraps. */
  get current(): string {
    return this.keys[0]!.id;
  }

  get ids(): string[] {
    return this.keys.map((key) => key.id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  wrap(dataKey: Buffer): WrappedKey {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { masterKeyId: id, wrapped: Buffer.concat([iv, cipher.getAuthTag(), body]) };
  }

  unwrap(stored: WrappedKey): Buffer {
    const key = this.byId.get(stored.masterKeyId);
    if (!key) throw new Error(`master key ${stored.masterKeyId} is not in the keyring`);
    const iv = stored.wrapped.subarray(0, IV_BYTES);
    const tag = stored.wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(stored.masterKeyId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(stored.wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  /**
   * A value that tells whether a key is the one an id named before, without revealing it: an
   * HMAC of a fixed text under the key, 16 bytes in hex.
   */
  checkValue(id: string): string {
    const key = this.byId.get(id);
    if (!key) throw new Error(`master key ${id} is not in the keyring`);
    return createHmac('sha256', key).update('gamifier master key check v1').digest('hex').slice(0, 32);
  }
}

/**
 * Parses `id:base64,id:base64` (the DATA_KEYS variable), first key first. Throws a plain Error
 * naming the entry at fault (the caller turns it into its configuration error).
 */
export function parseMasterKeys(text: string): MasterKey[] {
  const keys = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, i) => {
      const colon = entry.indexOf(':');
      if (colon < 1) throw new Error(`entry ${i + 1} is not id:base64`);
      const id = entry.slice(0, colon);
      const material = entry.slice(colon + 1);
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(material)) throw new Error(`key ${id} is not base64`);
      return { id, key: Buffer.from(material, 'base64') };
    });
  new MasterKeyring(keys); // validates ids, lengths, duplicates
  return keys;
}
