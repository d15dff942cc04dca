import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/errors.js';
import { dropSchema, needPostgres, postgresUrl, uniqueSchema } from '../../../test/support/services.js';
import { openStore } from '../../open.js';
import { NO_STREAM } from '../../types.js';
import { MasterKeyring, type MasterKey } from '../keyring.js';
import { eventsOf, masterKey, personalDataContract, personOf, plaintextOf, redactedOf, testPolicy } from './suite.js';

const available = await needPostgres();
const run = promisify(execFile);

const openWith = (schema: string, keys: MasterKey[], poolSize = 4) =>
  openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize, schema, personalData: { policy: testPolicy, keyring: new MasterKeyring(keys) } });

/** A schema in which one player's events were written with `keys`, the node closed since. */
async function writtenWith(schema: string, keys: MasterKey[], tag: string) {
  const node = await openWith(schema, keys);
  const person = personOf(tag);
  await node.store.append(person.stream, NO_STREAM, eventsOf(person));
  await node.close();
  return person;
}

/** The schema as `pg_dump` writes it: what a backup of the database holds. */
async function dump(schema: string): Promise<string> {
  const { stdout } = await run('pg_dump', ['--dbname', postgresUrl, '--schema', schema, '--no-owner'], { maxBuffer: 64 * 1024 * 1024 });
  expect(stdout).toContain('COPY');
  return stdout;
}

describe.skipIf(!available)('personal data on PostgreSQL', () => {
  const schemas: string[] = [];
  const schemaFor = (tag: string) => {
    const schema = uniqueSchema(`pd_${tag}`);
    schemas.push(schema);
    return schema;
  };
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  personalDataContract('PostgreSQL', () => openWith(schemaFor('contract'), [masterKey('k1')]));

  it('leaves no personal string and no raw key in a dump, before and after destroy', async () => {
    const schema = schemaFor('dump');
    const k1 = masterKey('k1');
    const opened = await openWith(schema, [k1]);
    try {
      const [ada, bob] = [personOf('dump'), personOf('other')];
      await opened.store.append(ada.stream, NO_STREAM, eventsOf(ada));
      await opened.store.append(bob.stream, NO_STREAM, eventsOf(bob));
      const keys = await opened.subjectKeys!.forReading([ada.id, bob.id]);
      const rawKeys = [...keys.values()].map((key) => key!);
      const secrets = (text: string) =>
        [ada.name, ada.food, bob.name, bob.food, k1.key.toString('hex'), k1.key.toString('base64'), ...rawKeys.flatMap((key) => [key.toString('hex'), key.toString('base64')])].filter((s) =>
          text.includes(s),
        );
      const before = await dump(schema);
      expect(secrets(before)).toEqual([]);
      expect(before).toContain(ada.id); // the dump does hold the events and the wrapped keys
      await opened.subjectKeys!.destroy(ada.id);
      expect((await opened.store.readStream(ada.stream)).map((event) => event.data)).toEqual(redactedOf(ada));
      expect((await opened.store.readStream(bob.stream)).map((event) => event.data)).toEqual(plaintextOf(bob));
      const after = await dump(schema);
      expect(secrets(after)).toEqual([]);
      // Ada's wrapped key is gone from the dump; Bob's is still there.
      const keyRows = after.split('\n').filter((line) => line.startsWith(`${ada.id}\t`) || line.startsWith(`${bob.id}\t`));
      expect(keyRows.find((line) => line.startsWith(ada.id))).toMatch(/\t\\N\t\\N\t/);
      expect(keyRows.find((line) => line.startsWith(bob.id))).toMatch(/\tk1\t\\\\x[0-9a-f]+\t/);
    } finally {
      await opened.close();
    }
  });

  it('rotates the master key while nodes serve: [k2, k1] nodes read k1 keys, the re-wrap leaves none under k1, a [k2] node starts', async () => {
    const schema = schemaFor('rotate');
    const [k1, k2] = [masterKey('k1'), masterKey('k2')];
    const old = await openWith(schema, [k1]);
    const people = Array.from({ length: 7 }, (_, i) => personOf(`r${i}`));
    for (const person of people) await old.store.append(person.stream, NO_STREAM, eventsOf(person));
    await old.close();

    // Every node restarted with k2 first: they still read what k1 wrapped, and wrap new keys with k2.
    const [a, b] = await Promise.all([openWith(schema, [k2, k1]), openWith(schema, [k2, k1])]);
    try {
      for (const person of people) expect((await a.store.readStream(person.stream)).map((e) => e.data)).toEqual(plaintextOf(person));
      const newcomer = personOf('new');
      await b.store.append(newcomer.stream, NO_STREAM, eventsOf(newcomer));
      const under = async () =>
        Object.fromEntries((await a.sql<{ id: string; n: number }[]>`select master_key_id as id, count(*)::int as n from subject_keys group by 1`).map((r) => [r.id, r.n]));
      expect(await under()).toEqual({ k1: 7, k2: 1 });

      // The re-wrap, in batches of 3, while node b keeps appending for new and old players.
      const batches: number[] = [];
      const serving = (async () => {
        for (let i = 0; i < 5; i++) {
          const p = personOf(`live${i}`);
          await b.store.append(p.stream, NO_STREAM, eventsOf(p));
          await b.store.append(people[i]!.stream, 3, [eventsOf(people[i]!)[2]!]);
        }
      })();
      const result = await a.subjectKeys!.rewrap({ batchSize: 3, onBatch: (n) => batches.push(n) });
      await serving;
      expect(result).toEqual({ rewrapped: 7, remaining: 0 });
      expect(batches).toEqual([3, 6, 7]);
      expect(await under()).toEqual({ k2: 13 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }

    // k1 dropped: a node with k2 alone starts and reads everything.
    const later = await openWith(schema, [k2]);
    try {
      for (const person of people) expect((await later.store.readStream(person.stream, { toVersion: 3 })).map((e) => e.data)).toEqual(plaintextOf(person));
    } finally {
      await later.close();
    }
  });

  it('refuses to start without a master key the table needs, or with other material under a known id', async () => {
    const schema = schemaFor('lost');
    const [k1, k2] = [masterKey('k1'), masterKey('k2')];
    const ada = await writtenWith(schema, [k1], 'lost');
    await expect(openWith(schema, [k2])).rejects.toMatchObject({ code: ErrorCode.DATA_KEY_UNKNOWN, message: expect.stringContaining('k1') });
    await expect(openWith(schema, [{ id: 'k1', key: k2.key }])).rejects.toMatchObject({ code: ErrorCode.DATA_KEY_MISMATCH, message: expect.stringContaining('k1') });
    // k2 was registered by the refused start, but wrapped nothing: k1 alone still starts.
    const again = await openWith(schema, [k1]);
    expect((await again.store.readStream(ada.stream)).map((e) => e.data)).toEqual(plaintextOf(ada));
    await again.close();
  });

  it('gamifier start exits 1 with DATA_KEY_UNKNOWN when DATA_KEYS lost the key', async () => {
    const schema = schemaFor('cli');
    await writtenWith(schema, [masterKey('k1')], 'cli');
    const cli = new URL('../../../server/cli.ts', import.meta.url).pathname;
    const failed = await run(process.execPath, ['--import', 'tsx', cli, 'start'], {
      env: { ...process.env, GAMIFIER_MODE: 'development', DATABASE_URL: postgresUrl, DATABASE_SCHEMA: schema, PORT: '0', LOG_LEVEL: 'warn', DATA_KEYS: `k9:${masterKey('k9').key.toString('base64')}` },
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('[DATA_KEY_UNKNOWN]');
  }, 60_000);
});
