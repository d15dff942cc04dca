import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors.js';
import { eventually } from '../../test/support/services.js';
import type { OpenStore } from '../open.js';
import { ANY, LOG_START, NO_STREAM, type EventStore, type ExpectedVersion, type LogCursor, type NewEvent, type RecordedEvent } from '../types.js';
import { Upcasters } from '../upcasters.js';

export interface ContractTarget {
  open(upcasters: Upcasters): Promise<OpenStore>;
  /**
   * Opens a transaction on a second session that inserts one event into `streamId` and stays
   * open until `commit()` is called. Absent where the database has a single session (PGlite),
   * since no transaction can then be open while another statement reads.
   */
  holdOpenTransaction?: (streamId: string, eventId: string) => Promise<{ commit(): Promise<void> }>;
}

const ev = (type = 'test.thing.happened', data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
});
const stream = (prefix = 'thing') => `${prefix}/${randomUUID()}`;

/** Reads the whole safe log after `from`; other test files' transactions may hold it back briefly. */
async function readAllOf(store: EventStore, from: LogCursor, streamIds: string[], count: number): Promise<RecordedEvent[]> {
  return eventually(async () => {
    const seen: RecordedEvent[] = [];
    let cursor = from;
    for (;;) {
      const { events, next } = await store.readAll(cursor, { limit: 1000 });
      seen.push(...events.filter((e) => streamIds.includes(e.streamId)));
      if (events.length === 0) break;
      cursor = next;
    }
    return seen.length >= count ? seen : undefined;
  }, 10_000, `${count} events of ${streamIds.join(', ')} in the global log`);
}

/** The event store contract: every implementation must pass it. */
export function eventStoreContract(name: string, target: ContractTarget): void {
  describe(`event store contract: ${name}`, () => {
    let opened: OpenStore;
    let store: EventStore;

    beforeAll(async () => {
      const upcasters = new Upcasters()
        .register('test.item.added', 1, (data: { name: string }) => ({ title: data.name }))
        .register('test.item.added', 2, (data: { title: string }) => ({ title: data.title, quantity: 1 }));
      opened = await target.open(upcasters);
      store = opened.store;
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('appends events to a new stream and reads them back in order with their metadata', async () => {
      const id = stream();
      const events = [ev('test.thing.happened', { n: 1 }), ev('test.thing.happened', { n: 2 })];
      events[0]!.metadata = { commandId: 'c1', userId: 'u1' };
      const result = await store.append(id, NO_STREAM, events);
      expect(result).toMatchObject({ streamId: id, version: 2, duplicate: false });
      expect(result.positions).toHaveLength(2);
      expect(result.positions[1]!).toBeGreaterThan(result.positions[0]!);
      const read = await store.readStream(id);
      expect(read.map((e) => [e.version, e.id, e.data])).toEqual([
        [1, events[0]!.id, { n: 1 }],
        [2, events[1]!.id, { n: 2 }],
      ]);
      expect(read[0]!.metadata).toEqual({ commandId: 'c1', userId: 'u1' });
      expect(read[0]!.streamType).toBe('thing');
      expect(await store.streamVersion(id)).toBe(2);
      const never = stream();
      expect(await store.streamVersions([id, never, id])).toEqual(new Map([[id, 2], [never, 0]]));
      expect(await store.streamVersions([])).toEqual(new Map());
      expect(await store.readStream(id, { fromVersion: 2 })).toHaveLength(1);
      expect(await store.readStream(id, { toVersion: 1 })).toHaveLength(1);
    });

    it('detects a conflict against the expected version and leaves the stream as it was', async () => {
      const id = stream();
      await store.append(id, NO_STREAM, [ev()]);
      await expect(store.append(id, NO_STREAM, [ev()])).rejects.toMatchObject({
        code: ErrorCode.STREAM_VERSION_CONFLICT,
        actual: 1,
      });
      await expect(store.append(id, 3, [ev()])).rejects.toMatchObject({ code: ErrorCode.STREAM_VERSION_CONFLICT });
      await expect(store.append(stream(), 2, [ev()])).rejects.toMatchObject({ code: ErrorCode.STREAM_VERSION_CONFLICT, actual: 0 });
      expect((await store.append(id, 1, [ev(), ev()])).version).toBe(3);
      expect((await store.append(id, ANY, [ev()])).version).toBe(4);
      expect((await store.append(stream(), ANY, [ev()])).version).toBe(1);
      expect((await store.readStream(id)).map((e) => e.version)).toEqual([1, 2, 3, 4]);
    });

    it('never forks a stream when 50 writers race on it', async () => {
      const id = stream('race');
      let conflicts = 0;
      const writer = async (w: number) => {
        for (;;) {
          const version = await store.streamVersion(id);
          try {
            return await store.append(id, version === 0 ? NO_STREAM : version, [ev('test.race.won', { w })]);
          } catch (error) {
            if ((error as { code?: string }).code !== ErrorCode.STREAM_VERSION_CONFLICT) throw error;
            conflicts += 1;
          }
        }
      };
      const results = await Promise.all(Array.from({ length: 50 }, (_, w) => writer(w)));
      const events = await store.readStream(id);
      expect(events.map((e) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(new Set(events.map((e) => (e.data as { w: number }).w)).size).toBe(50);
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(events.map((e) => e.version));
      expect(conflicts).toBeGreaterThan(0);
    });

    it('fails only the conflicting streams inside a group commit, and the rest commit together', async () => {
      const ids = Array.from({ length: 20 }, () => stream('group'));
      await Promise.all(ids.map((id) => store.append(id, NO_STREAM, [ev()])));
      // Submitted in one tick, these travel as one batch; stream 7 expects a version ahead of its
      // stream, streams 12 and 15 expect none (they are behind theirs).
      const wrong = new Map<number, ExpectedVersion>([[7, 5], [12, NO_STREAM], [15, NO_STREAM]]);
      const outcomes = await Promise.allSettled(ids.map((id, i) => store.append(id, wrong.get(i) ?? 1, [ev()])));
      expect(outcomes.map((o) => o.status)).toEqual(ids.map((_, i) => (wrong.has(i) ? 'rejected' : 'fulfilled')));
      for (const i of wrong.keys()) {
        expect((outcomes[i] as PromiseRejectedResult).reason).toMatchObject({ code: ErrorCode.STREAM_VERSION_CONFLICT, actual: 1 });
      }
      const seconds = await Promise.all(ids.map(async (id) => (await store.readStream(id, { fromVersion: 2 }))[0]));
      expect(seconds.map((e, i) => (e === undefined ? i : -1)).filter((i) => i >= 0)).toEqual([...wrong.keys()].sort((a, b) => a - b));
      const txIds = new Set(seconds.filter((e) => e !== undefined).map((e) => e.txId));
      expect(txIds.size).toBe(1);
    });

    it('treats a re-append of stored event ids as a no-op that returns the first result', async () => {
      const id = stream();
      const events = [ev(), ev()];
      const first = await store.append(id, NO_STREAM, events);
      await store.append(id, 2, [ev()]);
      const again = await store.append(id, NO_STREAM, events);
      expect(again).toEqual({ ...first, duplicate: true });
      const concurrent = await Promise.all([store.append(id, ANY, events), store.append(id, 1, events)]);
      expect(concurrent.every((r) => r.duplicate && r.version === 2)).toBe(true);
      expect(await store.readStream(id)).toHaveLength(3);
      await expect(store.append(stream(), NO_STREAM, [events[0]!])).rejects.toMatchObject({ code: ErrorCode.EVENT_ID_CONFLICT });
      await expect(store.append(id, 3, [events[1]!, ev()])).rejects.toMatchObject({ code: ErrorCode.EVENT_ID_CONFLICT });
      expect(await store.streamVersion(id)).toBe(3);
    });

    it('round-trips a snapshot and never replaces it with an older one', async () => {
      const id = stream();
      expect(await store.loadSnapshot(id)).toBeUndefined();
      await store.saveSnapshot({ streamId: id, version: 5, state: { points: 120, tags: ['a'], nested: { ok: true } } });
      await store.saveSnapshot({ streamId: id, version: 3, state: { points: 1 } });
      const snapshot = await store.loadSnapshot(id);
      expect(snapshot).toMatchObject({ streamId: id, version: 5, schemaVersion: 1, state: { points: 120, tags: ['a'], nested: { ok: true } } });
      await store.saveSnapshot({ streamId: id, version: 9, schemaVersion: 2, state: { points: 200 } });
      expect(await store.loadSnapshot(id)).toMatchObject({ version: 9, schemaVersion: 2, state: { points: 200 } });
    });

    it('loads the latest snapshot of a schema version and the events after it in one call', async () => {
      const id = stream();
      await store.append(id, NO_STREAM, [ev('test.thing.happened', { n: 1 }), ev('test.thing.happened', { n: 2 })]);
      expect(await store.loadLatest(id, 1)).toMatchObject({ snapshot: undefined, events: [{ version: 1 }, { version: 2 }] });
      await store.saveSnapshot({ streamId: id, version: 2, state: { total: 3 } });
      await store.append(id, 2, [ev('test.thing.happened', { n: 3 })]);
      const latest = await store.loadLatest<{ total: number }>(id, 1);
      expect(latest.snapshot).toMatchObject({ streamId: id, version: 2, schemaVersion: 1, state: { total: 3 } });
      expect(latest.events.map((e) => [e.version, e.data])).toEqual([[3, { n: 3 }]]);
      const otherSchema = await store.loadLatest(id, 2);
      expect(otherSchema.snapshot).toBeUndefined();
      expect(otherSchema.events.map((e) => e.version)).toEqual([1, 2, 3]);
      expect(await store.loadLatest(stream(), 1)).toEqual({ snapshot: undefined, events: [] });
    });

    it('upcasts old event schemas on every read', async () => {
      const id = stream();
      await store.append(id, NO_STREAM, [
        { id: randomUUID(), type: 'test.item.added', schemaVersion: 1, data: { name: 'apple' } },
        { id: randomUUID(), type: 'test.item.added', schemaVersion: 2, data: { title: 'pear' } },
        { id: randomUUID(), type: 'test.item.added', schemaVersion: 3, data: { title: 'fig', quantity: 4 } },
      ]);
      const read = await store.readStream(id);
      expect(read.map((e) => [e.schemaVersion, e.data])).toEqual([
        [3, { title: 'apple', quantity: 1 }],
        [3, { title: 'pear', quantity: 1 }],
        [3, { title: 'fig', quantity: 4 }],
      ]);
      const fromLog = await readAllOf(store, LOG_START, [id], 3);
      expect(fromLog.map((e) => e.data)).toEqual(read.map((e) => e.data));
    });

    it('reads the global log in order, by pages and by event type', async () => {
      const start = (await store.readAll(LOG_START, { limit: 1_000_000 })).next;
      const a = stream();
      const b = stream();
      await store.append(a, NO_STREAM, [ev('test.log.first'), ev('test.log.second')]);
      await store.append(b, NO_STREAM, [ev('test.log.first')]);
      await store.append(a, 2, [ev('test.log.third')]);
      const all = await readAllOf(store, start, [a, b], 4);
      expect(all.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.version}`)).toEqual(['a1', 'a2', 'b1', 'a3']);
      const firsts = await store.readAll(start, { types: ['test.log.first'] });
      expect(firsts.events.filter((e) => [a, b].includes(e.streamId)).map((e) => e.type)).toEqual(['test.log.first', 'test.log.first']);
      const page = await store.readAll(start, { limit: 1 });
      expect(page.events).toHaveLength(1);
      expect(page.next).toEqual({ txId: page.events[0]!.txId, position: page.events[0]!.position });
    });

    it('reads pages of several event types in log order, each event once', async () => {
      const start = (await store.readAll(LOG_START, { limit: 1_000_000 })).next;
      const a = stream();
      const b = stream();
      // Types interleaved, one of them rare, with an event of another type between them.
      await store.append(a, NO_STREAM, [ev('test.mix.common'), ev('test.mix.other'), ev('test.mix.common')]);
      await store.append(b, NO_STREAM, [ev('test.mix.rare'), ev('test.mix.common')]);
      await store.append(a, 3, [ev('test.mix.other'), ev('test.mix.common'), ev('test.mix.rare'), ev('test.mix.common')]);
      const ours = (events: RecordedEvent[]) => events.filter((e) => [a, b].includes(e.streamId));
      const expected = ours(await readAllOf(store, start, [a, b], 9)).filter((e) => e.type !== 'test.mix.other');
      // A type named twice is read once; a type with no events adds nothing.
      const types = ['test.mix.rare', 'test.mix.common', 'test.mix.none', 'test.mix.common'];
      const paged: RecordedEvent[] = [];
      let cursor = start;
      for (let pages = 0; pages < 20; pages++) {
        const { events, next } = await store.readAll(cursor, { limit: 2, types });
        expect(events.length).toBeLessThanOrEqual(2);
        paged.push(...ours(events));
        cursor = next;
        if (events.length < 2) break;
      }
      expect(paged.map((e) => [e.streamId, e.version, e.type])).toEqual(expected.map((e) => [e.streamId, e.version, e.type]));
      expect(paged).toHaveLength(7);
    });

    it('tails the log live and stops when aborted', async () => {
      const from = (await store.readAll(LOG_START, { limit: 1_000_000 })).next;
      const id = stream('tail');
      const abort = new AbortController();
      const received: RecordedEvent[] = [];
      const done = (async () => {
        for await (const batch of store.tail(from, { signal: abort.signal })) {
          received.push(...batch.filter((e) => e.streamId === id));
          if (received.length >= 3) abort.abort();
        }
      })();
      await store.append(id, NO_STREAM, [ev()]);
      await store.append(id, 1, [ev(), ev()]);
      await done;
      expect(received.map((e) => e.version)).toEqual([1, 2, 3]);
    });

    it('commits a read-model update and its checkpoint together, or neither', async () => {
      const name = `test-projection-${randomUUID()}`;
      expect(await store.loadCheckpoint(name)).toEqual(LOG_START);
      const table = `rm_${randomUUID().replace(/-/g, '')}`;
      await opened.sql.unsafe(`create table ${table} (n int)`);
      await store.commitCheckpoint(name, { txId: 10, position: 3 }, async (tx) => {
        await tx.unsafe(`insert into ${table} values (1)`);
      });
      expect(await store.loadCheckpoint(name)).toEqual({ txId: 10, position: 3 });
      await expect(
        store.commitCheckpoint(name, { txId: 11, position: 9 }, async (tx) => {
          await tx.unsafe(`insert into ${table} values (2)`);
          throw new Error('projection failed');
        }),
      ).rejects.toThrow();
      expect(await store.loadCheckpoint(name)).toEqual({ txId: 10, position: 3 });
      expect(await opened.sql.unsafe(`select n from ${table}`)).toEqual([{ n: 1 }]);
    });

    it('refuses bad input with a named error and writes nothing', async () => {
      const id = stream();
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      const cases: Array<[() => Promise<unknown>, string]> = [
        [() => store.append('no-slash', NO_STREAM, [ev()]), ErrorCode.STREAM_ID_INVALID],
        [() => store.append('User/x', NO_STREAM, [ev()]), ErrorCode.STREAM_ID_INVALID],
        [() => store.append('user/', NO_STREAM, [ev()]), ErrorCode.STREAM_ID_INVALID],
        [() => store.readStream('../etc'), ErrorCode.STREAM_ID_INVALID],
        [() => store.append(id, NO_STREAM, []), ErrorCode.APPEND_EMPTY],
        [() => store.append(id, -3, [ev()]), ErrorCode.EVENT_INVALID],
        [() => store.append(id, NO_STREAM, [{ id: '', type: 'a.b', data: {} }]), ErrorCode.EVENT_INVALID],
        [() => store.append(id, NO_STREAM, [{ id: 'x', type: 'Bad Type', data: {} }]), ErrorCode.EVENT_INVALID],
        [() => store.append(id, NO_STREAM, [{ id: 'x', type: 'a.b', data: null }]), ErrorCode.EVENT_INVALID],
        [() => store.append(id, NO_STREAM, [ev('a.b', { big: 10n })]), ErrorCode.EVENT_NOT_SERIALIZABLE],
        [() => store.append(id, NO_STREAM, [ev('a.b', cycle)]), ErrorCode.EVENT_NOT_SERIALIZABLE],
        [() => store.append(id, NO_STREAM, [ev('a.b', { s: 'nul\u0000' })]), ErrorCode.EVENT_NOT_SERIALIZABLE],
        [() => store.append(id, NO_STREAM, [ev('a.b', { f: () => 1 })]), ErrorCode.EVENT_NOT_SERIALIZABLE],
        [() => store.append(id, NO_STREAM, [ev('a.b', { u: undefined })]), ErrorCode.EVENT_NOT_SERIALIZABLE],
        [() => store.append(id, NO_STREAM, [ev('a.b', { n: Number.NaN })]), ErrorCode.EVENT_NOT_SERIALIZABLE],
        [() => store.append(id, NO_STREAM, [ev('a.b', { d: new Date() })]), ErrorCode.EVENT_NOT_SERIALIZABLE],
        [() => store.append(id, NO_STREAM, [ev(), { ...ev(), metadata: { x: 1n } as never }]), ErrorCode.EVENT_NOT_SERIALIZABLE],
        [() => store.saveSnapshot({ streamId: id, version: 1, state: { x: 1n } }), ErrorCode.EVENT_NOT_SERIALIZABLE],
      ];
      for (const [call, code] of cases) await expect(call()).rejects.toMatchObject({ code });
      expect(await store.streamVersion(id)).toBe(0);
      expect(await store.readStream(id)).toEqual([]);
    });

    it('refuses text its own readers could not read back (a lone surrogate, a NUL) in data, metadata, keys and snapshots', async () => {
      const id = stream();
      const refused: Array<() => Promise<unknown>> = [
        () => store.append(id, NO_STREAM, [ev('a.b', { name: 'F\udfff' })]),
        () => store.append(id, NO_STREAM, [ev('a.b', { list: ['ok', '\ud800x'] })]),
        () => store.append(id, NO_STREAM, [ev('a.b', { ['k\udc00']: 1 })]),
        () => store.append(id, NO_STREAM, [ev(), { ...ev(), metadata: { commandId: 'c\ud83d' } }]),
        () => store.append(id, NO_STREAM, [ev(), { ...ev(), metadata: { commandId: 'c\u0000' } }]),
        () => store.saveSnapshot({ streamId: id, version: 1, state: { displayName: 'F\udfff' } }),
        () => store.saveSnapshot({ streamId: id, version: 1, state: { food: 'a\u0000' } }),
      ];
      for (const call of refused) await expect(call()).rejects.toMatchObject({ code: ErrorCode.EVENT_NOT_SERIALIZABLE });
      expect(await store.readStream(id)).toEqual([]);
      expect(await store.loadSnapshot(id)).toBeUndefined();

      const kept = { name: 'Zoë 🥗 \ud83d\ude00', tab: 'a\tb', rtl: '\u202eevil', bom: '\ufeff' };
      await store.append(id, NO_STREAM, [ev('a.b', kept)]);
      expect((await store.readStream(id))[0]!.data).toEqual(kept);
      await store.saveSnapshot({ streamId: id, version: 1, state: kept });
      expect((await store.loadSnapshot(id))?.state).toEqual(kept);
    });

    if (target.holdOpenTransaction) {
      const hold = target.holdOpenTransaction;
      it('does not read past a transaction that is still open, and returns its events once it commits', async () => {
        const from = (await store.readAll(LOG_START, { limit: 1_000_000 })).next;
        const slow = stream('slow');
        const fast = stream('fast');
        const slowEventId = randomUUID();
        const open = await hold(slow, slowEventId);
        // The fast append commits while the slow transaction, which started first, is still open.
        const fastResult = await store.append(fast, NO_STREAM, [ev()]);
        const during = await store.readAll(from, { limit: 1000 });
        expect(during.events.map((e) => e.streamId)).not.toContain(fast);
        expect(during.events.map((e) => e.streamId)).not.toContain(slow);
        expect(during.next.position === fastResult.positions[0]).toBe(false);
        // Read by type, as a projector catching up reads, the same horizon holds.
        const typed = await store.readAll(from, { limit: 1000, types: ['test.thing.happened', 'test.slow.committed'] });
        expect(typed.events.map((e) => e.streamId)).not.toContain(fast);
        expect(typed.events.map((e) => e.streamId)).not.toContain(slow);
        expect(typed.next.position === fastResult.positions[0]).toBe(false);
        await open.commit();
        const after = await readAllOf(store, during.next, [slow, fast], 2);
        expect(after.map((e) => e.streamId)).toEqual([slow, fast]);
        expect(after.find((e) => e.streamId === slow)!.id).toBe(slowEventId);
      });
    }
  });
}
