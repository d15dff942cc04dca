// Stream topics against an in-memory store and the in-process bus, with reads held open on
// purpose: every watcher gets each version once, in order, whatever arrives when.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock, type CommittedEvent } from '../../../actors/runtime/index.js';
import { eventSubject, InProcessBus, type Bus } from '../../../bus/index.js';
import { ErrorCode, GamifierError } from '../../../protocol/errors.js';
import type { EvtFrame, SnapFrame } from '../../../protocol/frames.js';
import { parseTopic, type Topic } from '../../../protocol/topics.js';
import type { RecordedEvent } from '../../../store/types.js';
import { committedEventPublisher } from '../publisher.js';
import type { TopicSink } from '../topics/source.js';
import { StreamTopicSource } from '../topics/stream.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};
const topic = (name: string): Topic => {
  const parsed = parseTopic(name);
  if (!parsed.ok) throw new Error(name);
  return parsed.value;
};

class Gate {
  private opened: Promise<void> = Promise.resolve();
  private release = () => {};
  close(): void {
    this.opened = new Promise((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release();
  }
  wait(): Promise<void> {
    return this.opened;
  }
}

class MemoryStore {
  readonly streams = new Map<string, Array<{ type: string; data: unknown }>>();
  readonly readGate = new Gate();
  reads = 0;
  /** The streams of each `streamVersions` query. */
  readonly versionQueries: string[][] = [];
  failure: Error | undefined;

  append(streamId: string, type: string): number {
    const events = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, events);
    events.push({ type, data: { n: events.length + 1 } });
    return events.length;
  }

  version(streamId: string): number {
    return this.streams.get(streamId)?.length ?? 0;
  }

  async readStream(streamId: string, range: { fromVersion?: number; toVersion?: number } = {}): Promise<RecordedEvent[]> {
    this.reads++;
    await this.readGate.wait();
    if (this.failure) throw this.failure;
    const from = range.fromVersion ?? 1;
    const to = range.toVersion ?? Number.MAX_SAFE_INTEGER;
    return (this.streams.get(streamId) ?? [])
      .map((event, i) => ({ ...event, version: i + 1 }))
      .filter((event) => event.version >= from && event.version <= to) as unknown as RecordedEvent[];
  }

  async streamVersion(streamId: string): Promise<number> {
    return this.version(streamId);
  }

  async loadLatest(streamId: string): Promise<{ snapshot: undefined; events: RecordedEvent[] }> {
    return { snapshot: undefined, events: await this.readStream(streamId) };
  }

  async streamVersions(streamIds: readonly string[]): Promise<Map<string, number>> {
    this.versionQueries.push([...streamIds]);
    return new Map(streamIds.map((id) => [id, this.version(id)]));
  }
}

/** The in-process bus, counting live subscriptions. */
function countingBus(): Bus & { subscriptions: number } {
  const bus = new InProcessBus();
  const counting = Object.assign(bus, {
    subscriptions: 0,
    subscribe(subject: string, handler: Parameters<Bus['subscribe']>[1]) {
      counting.subscriptions++;
      const subscription = InProcessBus.prototype.subscribe.call(bus, subject, handler);
      return { unsubscribe: () => (counting.subscriptions--, subscription.unsubscribe()) };
    },
  });
  return counting;
}

class RecordingSink implements TopicSink {
  readonly frames: Array<SnapFrame | EvtFrame> = [];
  readonly failures: Array<{ code: string; message: string }> = [];
  open = true;
  snap(frame: SnapFrame): void {
    this.frames.push(frame);
  }
  evt(frame: EvtFrame): void {
    this.frames.push(frame);
  }
  fail(code: string, message: string): void {
    this.failures.push({ code, message });
    this.open = false;
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  batch(work: () => void): void {
    work();
  }
  /** `snap@v` and `evt@v`, in the order received. */
  get seen(): string[] {
    return this.frames.map((frame) => `${frame.t}@${frame.version}`);
  }
}

function setup(options: { maxReplay?: number; clock?: SimulatedClock; sweepMs?: number } = {}) {
  const store = new MemoryStore();
  const bus = countingBus();
  const snapshotGate = new Gate();
  const publish = committedEventPublisher(bus);
  const resyncListeners = new Set<() => void>();
  const source = new StreamTopicSource({
    bus,
    store,
    actorTypes: new Map(), // events of no actor type: pushed without a patch (stream-views.test.ts covers patches)
    maxReplay: options.maxReplay ?? 100,
    snapshot: async (watched) => {
      const version = store.version(watched.name); // the state as of now…
      await snapshotGate.wait(); // …handed over later
      return { version, state: { version } };
    },
    onError: () => undefined,
    ...(options.clock ? { clock: options.clock } : {}),
    sweepMs: options.sweepMs ?? 0,
    resyncs: (listener) => {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
  });
  /** Tells the source its bus reconnected, as the composition root does. */
  const reconnected = () => resyncListeners.forEach((listener) => listener());
  /** Appends an event and publishes it (or not: the bus lost it). */
  const commit = (streamId: string, options: { publish?: boolean } = {}) => {
    const version = store.append(streamId, 'thing.happened');
    const event: CommittedEvent = { id: `e${version}`, type: 'thing.happened', data: { n: version }, version, position: version, metadata: {} };
    if (options.publish !== false) publish(streamId, [event]);
    return version;
  };
  return { store, bus, source, snapshotGate, commit, reconnected };
}

describe('stream topics', () => {
  it('start with a snap, then push each live event once, in order', async () => {
    const { source, commit } = setup();
    commit('user/ada');
    const sink = new RecordingSink();
    source.watch(topic('user/ada'), undefined, sink);
    await flush();
    commit('user/ada');
    commit('user/ada');
    expect(sink.seen).toEqual(['snap@1', 'evt@2', 'evt@3']);
    expect(sink.frames[1]).toEqual({ t: 'evt', topic: 'user/ada', version: 2, event: { type: 'thing.happened', data: { n: 2 } } });
  });

  it('hold the events published while the snapshot is taken, and drop those it covers', async () => {
    const { source, commit, snapshotGate, store } = setup();
    snapshotGate.close();
    const older = new RecordingSink();
    source.watch(topic('user/ada'), undefined, older); // its snapshot is at version 0
    commit('user/ada');
    commit('user/ada');
    const newer = new RecordingSink();
    source.watch(topic('user/ada'), undefined, newer); // its snapshot is at version 2
    commit('user/ada');
    snapshotGate.open();
    await flush();
    commit('user/ada');
    expect(older.seen).toEqual(['snap@0', 'evt@1', 'evt@2', 'evt@3', 'evt@4']);
    expect(newer.seen).toEqual(['snap@2', 'evt@3', 'evt@4']);
    expect(store.reads).toBe(0);
  });

  it('resume after a version with exactly the events after it, even those published during the read', async () => {
    const { source, commit, store } = setup();
    for (let i = 0; i < 3; i++) commit('challenge/c7');
    store.readGate.close();
    const sink = new RecordingSink();
    source.watch(topic('challenge/c7'), 1, sink);
    await flush();
    commit('challenge/c7'); // live while the read is held: the read will return it too
    store.readGate.open();
    await flush();
    commit('challenge/c7');
    expect(sink.seen).toEqual(['evt@2', 'evt@3', 'evt@4', 'evt@5']);
  });

  it('send nothing on resume when nothing was missed', async () => {
    const { source, commit } = setup();
    commit('user/ada');
    const sink = new RecordingSink();
    source.watch(topic('user/ada'), 1, sink);
    await flush();
    expect(sink.seen).toEqual([]);
    commit('user/ada');
    expect(sink.seen).toEqual(['evt@2']);
  });

  it('catch up from the store when the bus loses an event', async () => {
    const { source, commit } = setup();
    const sink = new RecordingSink();
    source.watch(topic('user/ada'), undefined, sink);
    await flush();
    commit('user/ada');
    commit('user/ada', { publish: false });
    commit('user/ada', { publish: false });
    commit('user/ada');
    commit('user/ada');
    await flush();
    expect(sink.seen).toEqual(['snap@0', 'evt@1', 'evt@2', 'evt@3', 'evt@4', 'evt@5']);
  });

  it('send a snap for a version too far back, or one the stream never reached', async () => {
    const { source, commit } = setup({ maxReplay: 3 });
    for (let i = 0; i < 5; i++) commit('user/ada');
    const farBack = new RecordingSink();
    source.watch(topic('user/ada'), 1, farBack);
    const ahead = new RecordingSink();
    source.watch(topic('user/ada'), 9, ahead);
    const near = new RecordingSink();
    source.watch(topic('user/ada'), 2, near);
    await flush();
    expect(farBack.seen).toEqual(['snap@5']);
    expect(ahead.seen).toEqual(['snap@5']);
    expect(near.seen).toEqual(['evt@3', 'evt@4', 'evt@5']);
  });

  it('send a long replay in chunks, each once the connection has room', async () => {
    const { source, commit } = setup({ maxReplay: 1_000 });
    for (let i = 0; i < 250; i++) commit('user/ada');
    const room = new Gate();
    room.close();
    const sink = new RecordingSink();
    let batches = 0;
    sink.ready = () => room.wait();
    sink.batch = (work) => (batches++, work());
    source.watch(topic('user/ada'), 0, sink);
    await flush();
    expect(sink.frames).toHaveLength(100);
    commit('user/ada'); // live meanwhile: held until the replay is done
    room.open();
    await flush();
    expect(sink.frames.map((frame) => frame.version)).toEqual(Array.from({ length: 251 }, (_, i) => i + 1));
    expect(batches).toBe(3);
  });

  it('share one bus subscription per topic, dropped with its last watcher', async () => {
    const { source, bus, commit } = setup();
    const a = new RecordingSink();
    const b = new RecordingSink();
    const watchA = source.watch(topic('challenge/c1'), undefined, a);
    const watchB = source.watch(topic('challenge/c1'), undefined, b);
    source.watch(topic('challenge/c2'), undefined, new RecordingSink());
    await flush();
    expect(bus.subscriptions).toBe(2);
    expect(source.stats()).toEqual({ topics: 2, watchers: 3 });
    commit('challenge/c1');
    watchA.close();
    watchA.close();
    expect(bus.subscriptions).toBe(2);
    commit('challenge/c1');
    watchB.close();
    expect(bus.subscriptions).toBe(1);
    commit('challenge/c1');
    expect(a.seen).toEqual(['snap@0', 'evt@1']);
    expect(b.seen).toEqual(['snap@0', 'evt@1', 'evt@2']);
  });

  it("ignore messages on the stream's subject that are not its events", async () => {
    const { source, bus } = setup();
    expect(eventSubject('user/a.b')).not.toBe(eventSubject('user/a_b'));
    const sink = new RecordingSink();
    source.watch(topic('user/a.b'), undefined, sink);
    await flush();
    bus.publish(eventSubject('user/a.b'), { streamId: 'user/a_b', version: 1, event: { type: 'x', data: {} } });
    bus.publish(eventSubject('user/a.b'), { nonsense: true });
    expect(sink.seen).toEqual(['snap@0']);
  });

  it("fail the watch with the store's code when the store cannot be read", async () => {
    const { source, store, commit } = setup();
    commit('user/ada');
    store.failure = new GamifierError(ErrorCode.STORE_UNAVAILABLE, 'down');
    const sink = new RecordingSink();
    source.watch(topic('user/ada'), 0, sink);
    await flush();
    expect(sink.failures).toMatchObject([{ code: 'STORE_UNAVAILABLE' }]);
    expect(sink.seen).toEqual([]);
  });
});

describe('the committed-event publisher', () => {
  it('publishes one message per event, in commit order, and never throws', () => {
    const received: unknown[] = [];
    const bus = new InProcessBus();
    bus.subscribe(eventSubject('user/ada'), (_subject, message) => received.push(message));
    const event = (version: number): CommittedEvent => ({ id: `e${version}`, type: 't', data: { version }, version, position: version, metadata: {} });
    committedEventPublisher(bus)('user/ada', [event(1), event(2)]);
    expect(received).toEqual([
      { streamId: 'user/ada', version: 1, event: { type: 't', data: { version: 1 } } },
      { streamId: 'user/ada', version: 2, event: { type: 't', data: { version: 2 } } },
    ]);
    const errors: string[] = [];
    const broken = Object.assign(new InProcessBus(), { publish: () => { throw new Error('bus down'); } }) satisfies Bus;
    expect(() => committedEventPublisher(broken, (error, streamId) => errors.push(`${streamId}: ${(error as Error).message}`))('user/ada', [event(3)])).not.toThrow();
    expect(errors).toEqual(['user/ada: bus down']);
  });
});

describe('stream topics after the bus lost events with nothing following them', () => {
  afterEach(() => void vi.restoreAllMocks());

  it('push what idle watchers missed once the bus reconnects: once, in order, one query for all streams', async () => {
    const { source, store, commit, reconnected } = setup();
    const [a, b, other] = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
    source.watch(topic('user/ada'), undefined, a);
    source.watch(topic('challenge/c7'), undefined, other);
    await flush();
    commit('user/ada');
    source.watch(topic('user/ada'), 1, b);
    await flush();
    commit('user/ada', { publish: false }); // the outage: committed, never heard
    commit('user/ada', { publish: false });
    await flush();
    expect(a.seen).toEqual(['snap@0', 'evt@1']);
    reconnected();
    await flush();
    expect(a.seen).toEqual(['snap@0', 'evt@1', 'evt@2', 'evt@3']);
    expect(b.seen).toEqual(['evt@2', 'evt@3']);
    expect(other.seen).toEqual(['snap@0']);
    expect(store.versionQueries).toEqual([['user/ada', 'challenge/c7']]);
    commit('user/ada'); // live again, and a second resync finds nothing new
    reconnected();
    await flush();
    expect(a.seen).toEqual(['snap@0', 'evt@1', 'evt@2', 'evt@3', 'evt@4']);
    expect(b.seen).toEqual(['evt@2', 'evt@3', 'evt@4']);
  });

  it('sweep the streams not heard for sweepMs, without a reconnect, until closed', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter: a sweep every 1,000 ms
    const clock = new SimulatedClock(0);
    const { source, store, commit } = setup({ clock, sweepMs: 1_000 });
    const [quiet, busy] = [new RecordingSink(), new RecordingSink()];
    source.watch(topic('user/quiet'), undefined, quiet);
    source.watch(topic('user/busy'), undefined, busy);
    await flush();
    await clock.advance(100);
    commit('user/quiet', { publish: false }); // dropped: no later event would reveal it
    await clock.advance(800);
    commit('user/busy'); // heard at 900: not due at the sweep of 1,000
    await clock.advance(100);
    await flush();
    expect(store.versionQueries).toEqual([['user/quiet']]);
    expect(quiet.seen).toEqual(['snap@0', 'evt@1']);
    expect(busy.seen).toEqual(['snap@0', 'evt@1']);
    await clock.advance(1_000);
    await flush();
    expect(store.versionQueries).toEqual([['user/quiet'], ['user/quiet', 'user/busy']]);
    source.close();
    await clock.advance(5_000);
    expect(store.versionQueries).toHaveLength(2);
    expect(quiet.seen).toEqual(['snap@0', 'evt@1']);
  });
});
