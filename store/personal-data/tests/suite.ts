import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenStore } from '../../open.js';
import { LOG_START, NO_STREAM, type NewEvent } from '../../types.js';
import { forgetInStreams } from '../forget.js';
import type { PersonalDataPolicy } from '../policy.js';

/** A policy shaped like the game's (actors/user/personal-data.ts), on events of the store's own tests. */
export const testPolicy: PersonalDataPolicy = {
  fields: {
    'person.profile.registered': ['displayName', { path: 'timezone', redacted: 'UTC' }],
    'person.meal.logged': ['foods[].name', 'tags[]'],
    // A field in someone else's stream, whose subject the event names (a comment on a post).
    'note.comment.added': [{ path: 'text', subject: 'userId' }, { path: 'byline', subject: 'userId', redacted: 'a deleted player' }],
  },
  subjectOf: (streamId) => (streamId.startsWith('person/') ? streamId.slice('person/'.length) : undefined),
};

export const masterKey = (id: string) => ({ id, key: randomBytes(32) });

/** Strings no event should hold in plaintext, unique to a test run. */
export function personOf(tag: string) {
  const id = `p-${tag}-${randomUUID().slice(0, 8)}`;
  return {
    id,
    stream: `person/${id}`,
    name: `Ada Lovelace ${randomUUID()}`,
    timezone: 'Pacific/Chatham',
    food: `secret-porridge-${randomUUID()}`,
  };
}

export type Person = ReturnType<typeof personOf>;

export function eventsOf(person: Person): NewEvent[] {
  return [
    { id: randomUUID(), type: 'person.profile.registered', data: { userId: person.id, displayName: person.name, timezone: person.timezone } },
    {
      id: randomUUID(),
      type: 'person.meal.logged',
      data: { mealId: 'm1', foods: [{ name: person.food, calories: 380 }, { name: `${person.food}-2`, calories: 90 }], totals: { calories: 470 }, tags: [`${person.food}-tag`] },
    },
    { id: randomUUID(), type: 'person.water.logged', data: { ml: 250 } },
  ];
}

/** What every read path gives back for `person` while their key lives. */
export const plaintextOf = (person: Person) => [
  { userId: person.id, displayName: person.name, timezone: person.timezone },
  { mealId: 'm1', foods: [{ name: person.food, calories: 380 }, { name: `${person.food}-2`, calories: 90 }], totals: { calories: 470 }, tags: [`${person.food}-tag`] },
  { ml: 250 },
];

export const redactedOf = (person: Person) => [
  { userId: person.id, displayName: '(deleted)', timezone: 'UTC' },
  { mealId: 'm1', foods: [{ name: '(deleted)', calories: 380 }, { name: '(deleted)', calories: 90 }], totals: { calories: 470 }, tags: ['(deleted)'] },
  { ml: 250 },
];

/** The behaviour both databases share: round trip on every read path, redaction after destroy, others untouched. */
export function personalDataContract(name: string, open: () => Promise<OpenStore>): void {
  describe(`personal data on ${name}`, () => {
    let opened: OpenStore;
    beforeAll(async () => {
      opened = await open();
    });
    afterAll(() => opened.close());

    const rawData = async (stream: string) =>
      (await opened.sql<{ data: string }[]>`select data::text as data from events where stream_id = ${stream} order by version`).map((row) => row.data);

    async function everyRead(stream: string) {
      const { store } = opened;
      const streamed = (await store.readStream(stream)).map((event) => event.data);
      const loaded = (await store.loadLatest(stream, 1)).events.map((event) => event.data);
      const logged: unknown[] = [];
      for (let cursor = LOG_START; ; ) {
        const { events, next } = await store.readAll(cursor, { limit: 1_000 });
        logged.push(...events.filter((event) => event.streamId === stream).map((event) => event.data));
        if (events.length === 0) break;
        cursor = next;
      }
      return { streamed, loaded, logged };
    }

    it('stores personal fields encrypted and reads them back on every read path', async () => {
      const ada = personOf('rt');
      const events = eventsOf(ada);
      const given = JSON.stringify(events);
      await opened.store.append(ada.stream, NO_STREAM, events);
      expect(JSON.stringify(events)).toBe(given); // the caller's events are left alone
      const raw = (await rawData(ada.stream)).join('\n');
      expect(raw).not.toContain(ada.name);
      expect(raw).not.toContain(ada.food);
      expect(raw).not.toContain(ada.timezone);
      expect(raw).toContain('"$enc":"v1:');
      expect(raw).toContain('"calories":380'); // only the personal fields are encrypted
      const reads = await everyRead(ada.stream);
      expect(reads).toEqual({ streamed: plaintextOf(ada), loaded: plaintextOf(ada), logged: plaintextOf(ada) });
    });

    it('after destroy, reads the fields redacted, writes new ones redacted, and leaves other players alone', async () => {
      const [ada, bob] = [personOf('gone'), personOf('kept')];
      await opened.store.append(ada.stream, NO_STREAM, eventsOf(ada));
      await opened.store.append(bob.stream, NO_STREAM, eventsOf(bob));
      await opened.subjectKeys!.destroy(ada.id);
      const reads = await everyRead(ada.stream);
      expect(reads).toEqual({ streamed: redactedOf(ada), loaded: redactedOf(ada), logged: redactedOf(ada) });
      expect((await everyRead(bob.stream)).streamed).toEqual(plaintextOf(bob));
      // A forgotten subject never gets a key again: a later event is stored redacted.
      const later = { ...personOf('gone'), id: ada.id, stream: ada.stream };
      await opened.store.append(ada.stream, 3, eventsOf(later).slice(0, 1));
      expect((await rawData(ada.stream))[3]).not.toContain(later.name);
      expect((await opened.store.readStream(ada.stream, { fromVersion: 4 }))[0]!.data).toEqual(redactedOf(later)[0]);
      await opened.subjectKeys!.destroy(ada.id); // idempotent
    });

    it('reads events written before encryption as they are', async () => {
      const old = personOf('plain');
      await opened.sql`insert into events (stream_id, stream_type, version, event_id, type, data)
        values (${old.stream}, 'person', 1, ${randomUUID()}, 'person.profile.registered', ${JSON.stringify(plaintextOf(old)[0])}::text::json)`;
      await opened.store.append(old.stream, 1, eventsOf(old).slice(1));
      expect((await opened.store.readStream(old.stream)).map((event) => event.data)).toEqual(plaintextOf(old));
    });

    it("encrypts a field under the subject its event names, not the stream's, and redacts it with that subject alone", async () => {
      const [ada, bob] = [personOf('commenter'), personOf('owner')];
      const stream = `note/${randomUUID()}`;
      const comment = (person: Person) => ({ id: randomUUID(), type: 'note.comment.added', data: { userId: person.id, text: `${person.food}-said`, byline: person.name } });
      const anonymous = { id: randomUUID(), type: 'note.comment.added', data: { text: 'nobody-said' } };
      await opened.store.append(stream, NO_STREAM, [comment(ada), comment(bob), anonymous]);
      const raw = (await rawData(stream)).join('\n');
      for (const secret of [ada.food, ada.name, bob.food, bob.name]) expect(raw).not.toContain(secret);
      expect(raw).toContain(`"$enc":"v1:${ada.id}:`);
      expect(raw).toContain('nobody-said'); // no subject: nobody's, stored as it is
      await opened.subjectKeys!.destroy(ada.id);
      expect((await opened.store.readStream(stream)).map((event) => event.data)).toEqual([
        { userId: ada.id, text: '(deleted)', byline: 'a deleted player' },
        { userId: bob.id, text: `${bob.food}-said`, byline: bob.name },
        { text: 'nobody-said' },
      ]);
    });

    it("forgets a subject's copies: their plaintext fields (written before encryption) rewritten, their streams' snapshots deleted, others untouched", async () => {
      const [old, other] = [personOf('legacy'), personOf('legacy-other')];
      const note = `note/${randomUUID()}`;
      const insert = (stream: string, version: number, type: string, data: unknown) => opened.sql`
        insert into events (stream_id, stream_type, version, event_id, type, data)
        values (${stream}, ${stream.split('/')[0]!}, ${version}, ${randomUUID()}, ${type}, ${JSON.stringify(data)}::text::json)`;
      await insert(old.stream, 1, 'person.profile.registered', plaintextOf(old)[0]);
      await insert(old.stream, 2, 'person.meal.logged', plaintextOf(old)[1]);
      await opened.store.append(old.stream, 2, eventsOf(old).slice(2));
      await insert(note, 1, 'note.comment.added', { userId: old.id, text: `${old.food}-said`, byline: old.name });
      await insert(note, 2, 'note.comment.added', { userId: other.id, text: `${other.food}-said`, byline: other.name });
      await opened.store.saveSnapshot({ streamId: old.stream, version: 3, schemaVersion: 1, state: { name: old.name } });
      await opened.store.saveSnapshot({ streamId: note, version: 2, schemaVersion: 1, state: { texts: [old.food] } });

      await opened.subjectKeys!.destroy(old.id);
      const forgotten = await forgetInStreams(opened.sql, testPolicy, old.id, [old.stream, note]);
      expect(forgotten).toEqual({ rewrittenEvents: 3, deletedSnapshots: 2 });
      const raw = (await rawData(old.stream)).join('\n') + (await rawData(note)).join('\n');
      for (const secret of [old.name, old.food, old.timezone]) expect(raw).not.toContain(secret);
      expect(raw).toContain(other.name);
      expect((await everyRead(old.stream)).streamed).toEqual(redactedOf(old));
      expect((await opened.store.readStream(note)).map((event) => event.data)).toEqual([
        { userId: old.id, text: '(deleted)', byline: 'a deleted player' },
        { userId: other.id, text: `${other.food}-said`, byline: other.name },
      ]);
      expect(await opened.store.loadSnapshot(old.stream)).toBeUndefined();
      expect(await opened.store.loadSnapshot(note)).toBeUndefined();
      expect(await forgetInStreams(opened.sql, testPolicy, old.id, [old.stream, note])).toEqual({ rewrittenEvents: 0, deletedSnapshots: 0 });
    });

    it('keeps a stream in order when appends of one stream wait for a new key', async () => {
      const cat = personOf('order');
      const appends = eventsOf(cat).map((event, i) => opened.store.append(cat.stream, i === 0 ? NO_STREAM : i, [event]));
      expect((await Promise.all(appends)).map((result) => result.version)).toEqual([1, 2, 3]);
    });
  });
}
