import { randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';
import { DataKeyMismatchError, DataKeyUnknownError, storeError } from '../errors.js';
import { KEY_BYTES, type MasterKeyring } from './keyring.js';

export interface SubjectKeysOptions {
  /** Unwrapped keys kept in memory at most (the oldest go first). */
  cacheSize?: number;
  /**
   * How long a key (or a subject's being forgotten) is trusted from memory. A key destroyed on
   * another node stops being used here within this time.
   */
  cacheTtlMs?: number;
  now?: () => number;
}

interface Cached {
  /** The key; null: the subject was forgotten. */
  key: Buffer | null;
  until: number;
}

interface KeyRow {
  subject: string;
  master_key_id: string | null;
  wrapped_key: Buffer | null;
}

/**
 * Per-subject data keys (random 256-bit AES keys) in the `subject_keys` table, wrapped by the
 * master keyring, unwrapped in a bounded in-memory cache. A key is created on first use, race-safe
 * across nodes (insert … on conflict do nothing, then read what won); `destroy` deletes it and
 * marks the subject forgotten in the same row, so no node ever creates a key for it again.
 *
 * @example
 * const keys = await SubjectKeys.open(sql, keyring);
 * const key = (await keys.forWriting(['u42'])).get('u42'); // a Buffer, or null once forgotten
 * await keys.destroy('u42');
 */
export class SubjectKeys {
  private readonly cache = new Map<string, Cached>();
  private readonly cacheSize: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  private constructor(
    private readonly sql: Sql,
    readonly keyring: MasterKeyring,
    options: SubjectKeysOptions,
  ) {
    this.cacheSize = options.cacheSize ?? 50_000;
    this.ttlMs = options.cacheTtlMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Checks the keyring against the database, then opens. Fails with DATA_KEY_MISMATCH when a
   * configured id's material is not what that id wrapped with before, and with DATA_KEY_UNKNOWN
   * when keys in the table are wrapped by a master key the keyring lacks.
   */
  static async open(sql: Sql, keyring: MasterKeyring, options: SubjectKeysOptions = {}): Promise<SubjectKeys> {
    await verifyKeyring(sql, keyring);
    return new SubjectKeys(sql, keyring, options);
  }

  /** The keys of `subjects` for encrypting, created where missing; null for a forgotten subject. */
  async forWriting(subjects: Iterable<string>): Promise<Map<string, Buffer | null>> {
    const { found, missing } = this.fromCache(subjects);
    if (missing.length === 0) return found;
    const fresh = missing.map((subject) => ({ subject, ...this.keyring.wrap(randomBytes(KEY_BYTES)) }));
    try {
      await this.sql`
        insert into subject_keys (subject, master_key_id, wrapped_key)
        select s, m, decode(w, 'base64') from unnest(${fresh.map((f) => f.subject)}::text[], ${fresh.map((f) => f.masterKeyId)}::text[],
          ${fresh.map((f) => f.wrapped.toString('base64'))}::text[]) as f(s, m, w)
        on conflict (subject) do nothing`;
    } catch (error) {
      throw storeError(error, `creating the data keys of ${missing.length} subjects`);
    }
    // Read back what won: this node's key, another node's, or a forgotten mark.
    for (const [subject, key] of await this.load(missing)) found.set(subject, key);
    return found;
  }

  /** The keys of `subjects` for decrypting; null where the subject has none (forgotten). Never creates one. */
  async forReading(subjects: Iterable<string>): Promise<Map<string, Buffer | null>> {
    const { found, missing } = this.fromCache(subjects);
    if (missing.length === 0) return found;
    const loaded = await this.load(missing);
    for (const subject of missing) found.set(subject, loaded.get(subject) ?? null);
    return found;
  }

  /**
   * Destroys the subject's key for good: what was encrypted with it can no longer be read, here at
   * once, on other nodes within the cache's time to live. Idempotent.
   */
  async destroy(subject: string): Promise<void> {
    try {
      await this.sql`
        insert into subject_keys (subject, forgotten_at) values (${subject}, now())
        on conflict (subject) do update
          set master_key_id = null, wrapped_key = null, forgotten_at = coalesce(subject_keys.forgotten_at, now())`;
    } catch (error) {
      throw storeError(error, `destroying the data key of ${subject}`);
    }
    this.remember(subject, null);
  }

  /**
   * Re-wraps, in batches, every key not wrapped by the keyring's first master key, while nodes
   * serve (rows of a batch are locked `skip locked`; a key destroyed meanwhile stays destroyed).
   * Returns how many it re-wrapped and how many remain under other keys (0 unless a node still
   * wraps with an older key first).
   */
  async rewrap(options: { batchSize?: number; onBatch?(rewrapped: number): void } = {}): Promise<{ rewrapped: number; remaining: number }> {
    const batchSize = options.batchSize ?? 500;
    const current = this.keyring.current;
    let rewrapped = 0;
    for (;;) {
      const done = await this.sql.begin(async (tx) => {
        const rows = await tx<KeyRow[]>`
          select subject, master_key_id, wrapped_key from subject_keys
          where wrapped_key is not null and master_key_id <> ${current}
          order by subject limit ${batchSize} for update skip locked`;
        if (rows.length === 0) return 0;
        const next = rows.map((row) => this.keyring.wrap(this.keyring.unwrap({ masterKeyId: row.master_key_id!, wrapped: row.wrapped_key! })));
        await tx`
          update subject_keys k set master_key_id = ${current}, wrapped_key = decode(n.w, 'base64'), rewrapped_at = now()
          from unnest(${rows.map((row) => row.subject)}::text[], ${next.map((n) => n.wrapped.toString('base64'))}::text[]) as n(s, w)
          where k.subject = n.s and k.wrapped_key is not null`;
        return rows.length;
      }).catch((error: unknown) => {
        throw storeError(error, 're-wrapping data keys');
      });
      if (done === 0) break;
      rewrapped += done;
      options.onBatch?.(rewrapped);
    }
    const [row] = await this.sql<{ n: number }[]>`
      select count(*)::int as n from subject_keys where wrapped_key is not null and master_key_id <> ${current}`;
    return { rewrapped, remaining: row?.n ?? 0 };
  }

  private fromCache(subjects: Iterable<string>): { found: Map<string, Buffer | null>; missing: string[] } {
    const found = new Map<string, Buffer | null>();
    const missing = new Set<string>();
    const now = this.now();
    for (const subject of subjects) {
      if (found.has(subject) || missing.has(subject)) continue;
      const cached = this.cache.get(subject);
      if (cached && cached.until > now) found.set(subject, cached.key);
      else missing.add(subject);
    }
    return { found, missing: [...missing] };
  }

  /** Reads and unwraps; a subject without a row is left out, a forgotten one maps to null. */
  private async load(subjects: readonly string[]): Promise<Map<string, Buffer | null>> {
    let rows: KeyRow[];
    try {
      rows = await this.sql<KeyRow[]>`select subject, master_key_id, wrapped_key from subject_keys where subject = any(${subjects as string[]}::text[])`;
    } catch (error) {
      throw storeError(error, `reading the data keys of ${subjects.length} subjects`);
    }
    const keys = new Map<string, Buffer | null>();
    for (const row of rows) {
      const key = row.wrapped_key && row.master_key_id ? this.keyring.unwrap({ masterKeyId: row.master_key_id, wrapped: row.wrapped_key }) : null;
      keys.set(row.subject, key);
      this.remember(row.subject, key);
    }
    return keys;
  }

  private remember(subject: string, key: Buffer | null): void {
    this.cache.delete(subject);
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(subject, { key, until: this.now() + this.ttlMs });
  }
}

/** Registers the keyring's check values, then fails on a mismatch or on keys wrapped by an absent master key. */
async function verifyKeyring(sql: Sql, keyring: MasterKeyring): Promise<void> {
  const ids = keyring.ids;
  let stored: Array<{ id: string; check_value: string }>;
  let unknown: Array<{ id: string }>;
  try {
    await sql`
      insert into data_master_keys (id, check_value)
      select * from unnest(${ids}::text[], ${ids.map((id) => keyring.checkValue(id))}::text[])
      on conflict (id) do nothing`;
    stored = await sql`select id, check_value from data_master_keys where id = any(${ids}::text[])`;
    unknown = await sql`
      select m.id from data_master_keys m
      where m.id <> all(${ids}::text[]) and exists (select 1 from subject_keys k where k.master_key_id = m.id and k.wrapped_key is not null)
      order by m.id`;
  } catch (error) {
    throw storeError(error, 'checking the master keys');
  }
  for (const row of stored) if (row.check_value !== keyring.checkValue(row.id)) throw new DataKeyMismatchError(row.id);
  if (unknown.length > 0) throw new DataKeyUnknownError(unknown.map((row) => row.id));
}
