import { systemClock, type AnyActorType, type Clock } from '../../../actors/runtime/index.js';
import { eventSubject, streamEventOf, type Bus, type BusSubscription } from '../../../bus/index.js';
import { ErrorCode, GamifierError } from '../../../protocol/errors.js';
import type { EvtFrame } from '../../../protocol/frames.js';
import { topicStream, type Topic } from '../../../protocol/topics.js';
import type { EventStore } from '../../../store/types.js';
import type { TopicSink, TopicSource, TopicWatch } from './source.js';
import { StreamResync, type ResyncedFeed } from './stream-resync.js';
import { StreamViews } from './stream-views.js';

export interface StreamTopicDeps {
  bus: Bus;
  store: Pick<EventStore, 'readStream' | 'streamVersion' | 'streamVersions' | 'loadLatest'>;
  /**
   * The actor types by name (`user`, `challenge`): their evolve and view make the patch each
   * push carries (stream-views.ts). A topic whose type is not here is pushed without one.
   */
  actorTypes: ReadonlyMap<string, AnyActorType>;
  /** The topic's state as its watchers see it (a public view), and the version it is at. */
  snapshot(topic: Topic): Promise<{ version: number; state: unknown }>;
  /** A `sub` from further back than this many events gets a `snap` instead. */
  maxReplay: number;
  onError(error: unknown, context: Record<string, unknown>): void;
  clock?: Clock;
  /**
   * Re-check the watched streams not heard on the bus for this long, about this often: the bound
   * on how long a watcher misses an event the bus dropped (stream-resync.ts). 0 or absent: never.
   */
  sweepMs?: number;
  /**
   * "The bus may have lost messages: re-check every watched stream now", from the composition
   * root (the node's bus reconnected). Subscribe with a listener, returns an unsubscribe.
   */
  resyncs?: (resync: () => void) => () => void;
}

/** Live events held for one watcher while it catches up; beyond this it reads them from the store. */
const maxBuffered = 10_000;
/** Events sent in one go during a replay before waiting for the connection's output to drain. */
const replayChunk = 100;

/**
 * Topics backed by an actor's event stream (`user/<id>`, `challenge/<id>`). Each watched topic
 * has one bus subscription on this node, shared by its watchers and dropped with the last one.
 * A watcher is attached to it before anything is read from the store, holds the live events that
 * arrive while it catches up, and drops those the catch-up covered; a live event past a gap (the
 * bus delivers at most once) sends it back to the store for the missing versions. So every
 * watcher gets each version once, in order.
 *
 * @example
 * const source = new StreamTopicSource({ bus, store, snapshot, maxReplay: 1000, onError });
 * const watch = source.watch(topic, 41, sink); // the events after version 41, then live ones
 */
export class StreamTopicSource implements TopicSource {
  private readonly feeds = new Map<string, StreamFeed>();
  private readonly clock: Clock;
  /** Finds what the bus dropped on streams that went quiet, and after a reconnect. */
  readonly resync: StreamResync;

  constructor(private readonly deps: StreamTopicDeps) {
    this.clock = deps.clock ?? systemClock;
    this.resync = new StreamResync(() => this.feeds.values(), {
      store: deps.store,
      clock: this.clock,
      sweepMs: deps.sweepMs ?? 0,
      resyncs: deps.resyncs,
      // A flush that fails means the bus dropped again: its reconnect asks for another pass.
      subscribed: () => deps.bus.flush().catch(() => undefined),
      onError: deps.onError,
    });
  }

  watch(topic: Topic, fromVersion: number | undefined, sink: TopicSink): TopicWatch {
    const stream = topicStream(topic);
    if (!stream) {
      sink.fail(ErrorCode.TOPIC_INVALID, `${topic.name} is not an actor's topic`);
      return { close: () => undefined };
    }
    let feed = this.feeds.get(topic.name);
    if (!feed) {
      feed = new StreamFeed(topic, stream, this.deps, this.clock);
      this.feeds.set(topic.name, feed);
    }
    const watcher = new StreamWatcher(feed, sink, this.deps);
    feed.watchers.add(watcher); // before the first read: from here on, live events reach it
    watcher.start(fromVersion);
    const attached = feed;
    return {
      close: () => {
        if (!watcher.close()) return;
        attached.watchers.delete(watcher);
        if (attached.watchers.size > 0) return;
        attached.close();
        if (this.feeds.get(topic.name) === attached) this.feeds.delete(topic.name);
      },
    };
  }

  stats(): { topics: number; watchers: number } {
    let watchers = 0;
    for (const feed of this.feeds.values()) watchers += feed.watchers.size;
    return { topics: this.feeds.size, watchers };
  }

  /** Stops the sweep and the resyncs (the gateway's drain). */
  close(): void {
    this.resync.stop();
  }
}

/** One watched stream on this node: its bus subscription and its watchers. */
class StreamFeed implements ResyncedFeed {
  readonly watchers = new Set<StreamWatcher>();
  heardAt: number;
  private readonly subscription: BusSubscription;
  /** Store reads in flight, by range: watchers that fell into the same gap share one read. */
  private readonly reads = new Map<string, Promise<EvtFrame[]>>();
  /** The view at each version, for the patch each frame carries. */
  private readonly views: StreamViews | undefined;

  constructor(
    readonly topic: Topic,
    readonly stream: string,
    private readonly deps: StreamTopicDeps,
    private readonly clock: Clock,
  ) {
    this.heardAt = clock.now();
    const type = deps.actorTypes.get(topic.kind);
    this.views = type && new StreamViews(type, stream, deps.store, clock);
    this.subscription = deps.bus.subscribe(eventSubject(stream), (_subject, message) => this.receive(message));
  }

  /** The events with fromVersion ≤ version ≤ toVersion, as frames. */
  read(fromVersion: number, toVersion: number): Promise<EvtFrame[]> {
    if (toVersion < fromVersion) return Promise.resolve([]);
    const key = `${fromVersion}:${toVersion}`;
    let read = this.reads.get(key);
    if (!read) {
      read = this.deps.store.readStream(this.stream, { fromVersion, toVersion }).then(async (events) => {
        const patches = this.views ? await this.views.patches(events) : [];
        return events.map((event, i) => this.frame(event.version, event, patches[i]));
      });
      this.reads.set(key, read);
      const forget = () => void this.reads.delete(key);
      read.then(forget, forget);
    }
    return read;
  }

  close(): void {
    this.subscription.unsubscribe();
  }

  private frame(version: number, event: { type: string; data: unknown }, patch: EvtFrame['patch']): EvtFrame {
    const frame: EvtFrame = { t: 'evt', topic: this.topic.name, version, event: { type: event.type, data: event.data } };
    if (patch) frame.patch = patch;
    return frame;
  }

  caughtUpTo(version: number): void {
    for (const watcher of this.watchers) watcher.behind(version);
  }

  private receive(message: unknown): void {
    // Anyone may publish anything on this subject: only this stream's well-formed events count.
    const received = streamEventOf(message, this.stream);
    if (!received) return;
    this.heardAt = this.clock.now();
    const { version, event } = received;
    const patch = this.views?.next(version, event);
    if (this.views && !patch) {
      // This node does not hold the view just before it (the first event since the watch began,
      // or one past a gap): the watchers read it from the store, where its patch is made.
      for (const watcher of this.watchers) watcher.behind(version);
      return;
    }
    const frame = this.frame(version, event, patch);
    for (const watcher of this.watchers) {
      try {
        watcher.live(frame);
      } catch (error) {
        this.deps.onError(error, { topic: this.topic.name, version: frame.version });
      }
    }
  }
}

/** One watcher of a stream topic: where it is (`cursor`) and what it holds while catching up. */
class StreamWatcher {
  /** The last version this watcher was sent. */
  private cursor = 0;
  private phase: 'catching-up' | 'live' | 'closed' = 'catching-up';
  /** Live events that arrived while catching up. */
  private buffer: EvtFrame[] = [];
  /** The highest version announced on the bus: the catch-up goes at least this far. */
  private highest = 0;

  constructor(
    private readonly feed: StreamFeed,
    private readonly sink: TopicSink,
    private readonly deps: StreamTopicDeps,
  ) {}

  private get active(): boolean {
    return this.phase !== 'closed' && this.sink.open;
  }

  start(fromVersion: number | undefined): void {
    void this.run(async () => {
      await this.begin(fromVersion);
      await this.catchUp();
    });
  }

  /** Returns false when it was closed already. */
  close(): boolean {
    if (this.phase === 'closed') return false;
    this.phase = 'closed';
    this.buffer = [];
    return true;
  }

  live(frame: EvtFrame): void {
    if (!this.active) return;
    if (frame.version > this.highest) this.highest = frame.version;
    if (this.phase === 'catching-up') {
      if (this.buffer.length < maxBuffered) this.buffer.push(frame);
      return;
    }
    if (frame.version <= this.cursor) return;
    if (frame.version === this.cursor + 1) return this.deliver(frame);
    // A gap: the bus lost an event. Hold this one and read the missing ones from the store.
    this.buffer.push(frame);
    this.repair();
  }

  /** The store has the stream at `version` (a resync): the bus lost what this watcher lacks. */
  behind(version: number): void {
    if (!this.active) return;
    if (version > this.highest) this.highest = version;
    // Catching up goes to `highest` already; a live watcher behind it repairs like after a gap.
    if (this.phase === 'live' && version > this.cursor) this.repair();
  }

  private repair(): void {
    this.phase = 'catching-up';
    void this.run(() => this.catchUp());
  }

  private async begin(fromVersion: number | undefined): Promise<void> {
    if (fromVersion === undefined) return this.snapshot();
    const maxReplay = this.deps.maxReplay;
    const frames = await this.feed.read(fromVersion + 1, fromVersion + maxReplay + 1);
    if (!this.active) return;
    if (frames.length > maxReplay) return this.snapshot(); // too far back to replay
    if (frames.length === 0 && fromVersion > 0 && (await this.deps.store.streamVersion(this.feed.stream)) < fromVersion) {
      return this.snapshot(); // a version this stream never reached: start the client afresh
    }
    this.cursor = fromVersion;
    await this.deliverAll(frames);
  }

  /** Sends what the buffer holds in order, reading the store for what it lacks, then goes live. */
  private async catchUp(): Promise<void> {
    for (;;) {
      if (!this.active) return;
      this.buffer = inOrder(this.buffer, this.cursor);
      while (this.buffer[0]?.version === this.cursor + 1) this.deliver(this.buffer.shift()!);
      const target = Math.max(this.highest, this.buffer.at(-1)?.version ?? 0);
      if (this.cursor >= target) {
        this.buffer = [];
        this.phase = 'live';
        return;
      }
      const upTo = Math.min(this.buffer[0] ? this.buffer[0].version - 1 : target, this.cursor + this.deps.maxReplay);
      const before = this.cursor;
      await this.deliverAll(await this.feed.read(this.cursor + 1, upTo));
      if (this.cursor === before && this.active) {
        // The store does not have what the bus announced: trust the store, start afresh from it.
        await this.snapshot();
        this.highest = this.cursor;
        this.buffer = this.buffer.filter((frame) => frame.version === this.cursor + 1);
      }
    }
  }

  private async snapshot(): Promise<void> {
    const { version, state } = await this.deps.snapshot(this.feed.topic);
    if (!this.active) return;
    this.cursor = version;
    this.sink.snap({ t: 'snap', topic: this.feed.topic.name, version, state });
  }

  private async deliverAll(frames: readonly EvtFrame[]): Promise<void> {
    for (let i = 0; i < frames.length; i += replayChunk) {
      if (i > 0) await this.sink.ready();
      if (!this.active) return;
      this.sink.batch(() => {
        for (const frame of frames.slice(i, i + replayChunk)) if (frame.version === this.cursor + 1) this.deliver(frame);
      });
    }
  }

  private deliver(frame: EvtFrame): void {
    this.cursor = frame.version;
    this.sink.evt(frame);
  }

  private async run(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!this.active) return;
      this.deps.onError(error, { topic: this.feed.topic.name, cursor: this.cursor });
      const code = error instanceof GamifierError ? error.code : ErrorCode.INTERNAL;
      this.sink.fail(code, `${this.feed.topic.name} cannot be followed right now; subscribe again`);
    }
  }
}

/** The frames after `cursor`, sorted by version, each version once. */
function inOrder(frames: EvtFrame[], cursor: number): EvtFrame[] {
  const sorted = frames.filter((frame) => frame.version > cursor).sort((a, b) => a.version - b.version);
  return sorted.filter((frame, i) => i === 0 || frame.version !== sorted[i - 1]!.version);
}
