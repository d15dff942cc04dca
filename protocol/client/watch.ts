import type { ErrorCode } from '../errors.js';
import type { EvtFrame, SnapFrame, SubFrame, TopicEvent } from '../frames.js';
import { ClientError } from './errors.js';
import { applyPush } from './topic-state.js';

/**
 * What a watch yields: the topic's state, then each event after it, in version order. Each `evt`
 * item carries `state`, the topic's state after it (the push applied to the one before), so a
 * client renders `item.state` and never re-implements a game rule.
 */
export type WatchItem =
  | { kind: 'snap'; topic: string; version: number; state: unknown }
  | { kind: 'evt'; topic: string; version: number; event: TopicEvent; state: unknown };

export interface WatchOptions {
  /**
   * The version the caller already holds: the watch starts with the events after it (or with a
   * snap, when the server cannot replay from there). Without it, it starts with a snap.
   */
  fromVersion?: number;
  /** The listener form: each item is passed here instead of being queued for iteration. */
  onItem?: (item: WatchItem) => void;
  /** Called once when the watch ends: with the error that ended it, or none after `close()`. */
  onEnd?: (error?: ClientError) => void;
  /** Items queued for a slow iterator beyond which the queue is dropped and a fresh snap asked for. */
  maxQueued?: number;
}

/** What a watch needs from its client. */
export interface WatchLink {
  /** Sends a frame if the connection is ready (a watch is re-subscribed on every new connection anyway). */
  transmit(frame: SubFrame | { t: 'unsub'; topic: string }): void;
  /** The watch has ended: the client forgets it. */
  forget(watch: Watch): void;
}

/**
 * A subscription to one topic, as an async iterable or through `onItem`. It tracks the last
 * version it delivered: an event at or below it is a duplicate and dropped; an event beyond the
 * next version reveals a gap, and the watch subscribes again from its last version, so the server
 * sends exactly what was missed. After a reconnection it resumes the same way.
 *
 * It applies every push to the state it holds: `watch.state` is the topic's state at
 * `watch.version`, exactly what a fresh `snap` would show.
 *
 * @example
 * for await (const item of client.watch('challenge/c7')) render(item.state); // or client.watch(…).state at any time
 */
export class Watch implements AsyncIterable<WatchItem> {
  /** Events dropped because their version was already delivered, and gaps detected. */
  readonly stats = { duplicates: 0, gaps: 0 };
  private last: number | undefined;
  private current: unknown;
  private resyncing = false;
  private ended = false;
  private readonly queue: WatchItem[] = [];
  private waiter: { resolve(result: IteratorResult<WatchItem>): void; reject(error: unknown): void } | undefined;
  private endError: ClientError | undefined;
  private iterating = false;

  constructor(
    readonly topic: string,
    private readonly options: WatchOptions,
    private readonly link: WatchLink,
  ) {
    this.last = options.fromVersion;
  }

  /** The version of the last item delivered (or the `fromVersion` it started from). */
  get version(): number | undefined {
    return this.last;
  }

  /**
   * The topic's state at `version`: the last snap with every push after it applied (undefined
   * before the first snap, and when started from a caller's `fromVersion` until a snap comes).
   */
  get state(): unknown {
    return this.current;
  }

  /** The `sub` frame that starts or resumes this watch right after its last version. */
  subscription(): SubFrame {
    this.resyncing = false;
    return this.last === undefined ? { t: 'sub', topic: this.topic } : { t: 'sub', topic: this.topic, fromVersion: this.last };
  }

  receive(frame: SnapFrame | EvtFrame): void {
    if (this.ended) return;
    if (frame.t === 'snap') {
      this.last = frame.version;
      this.current = frame.state;
      this.resyncing = false;
      this.deliver({ kind: 'snap', topic: this.topic, version: frame.version, state: frame.state });
      return;
    }
    if (this.last === undefined) return; // a snap comes first; until then there is nothing to apply an event to
    if (frame.version <= this.last) {
      this.stats.duplicates++;
      return;
    }
    if (frame.version > this.last + 1) {
      this.stats.gaps++;
      // One re-subscription per gap: the events after it are dropped until the missed ones arrive.
      if (!this.resyncing) this.link.transmit(this.subscription());
      this.resyncing = true;
      return;
    }
    let state: unknown;
    try {
      // Resumed from a caller's `fromVersion`, the watch holds no state: the caller keeps its own.
      state = this.current === undefined ? undefined : applyPush(this.current, frame);
    } catch {
      // The push does not fit the state held (it should not happen): start afresh from a snap.
      this.last = undefined;
      this.current = undefined;
      this.link.transmit(this.subscription());
      return;
    }
    this.last = frame.version;
    this.current = state;
    this.resyncing = false;
    this.deliver({ kind: 'evt', topic: this.topic, version: frame.version, event: frame.event, state });
  }

  /** Stops watching: the server is told, the iteration ends. */
  close(): void {
    if (this.ended) return;
    this.link.transmit({ t: 'unsub', topic: this.topic });
    this.end();
  }

  /** Ends the watch, with the error that ended it if any. */
  end(error?: ClientError): void {
    if (this.ended) return;
    this.ended = true;
    this.endError = error;
    this.link.forget(this);
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      if (error) waiter.reject(error);
      else waiter.resolve({ done: true, value: undefined });
    }
    this.options.onEnd?.(error);
  }

  /** Ends the watch because the server refused its subscription. */
  refused(code: ErrorCode, message: string): void {
    this.end(new ClientError(code, `${this.topic}: ${message}`));
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchItem> {
    if (this.options.onItem) throw new Error(`the watch of ${this.topic} has a listener (onItem); it is not iterable`);
    if (this.iterating) throw new Error(`the watch of ${this.topic} is already being iterated`);
    this.iterating = true;
    return {
      next: () => this.next(),
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }

  private next(): Promise<IteratorResult<WatchItem>> {
    const item = this.queue.shift();
    if (item) return Promise.resolve({ done: false, value: item });
    if (this.ended) return this.endError ? Promise.reject(this.endError) : Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  private deliver(item: WatchItem): void {
    if (this.options.onItem) {
      try {
        this.options.onItem(item);
      } catch (error) {
        // A listener's fault is the caller's: surface it without breaking the connection's frame loop.
        queueMicrotask(() => {
          throw error;
        });
      }
      return;
    }
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve({ done: false, value: item });
      return;
    }
    this.queue.push(item);
    if (this.queue.length > (this.options.maxQueued ?? 10_000)) {
      // The iterator cannot keep up: drop what it has not read and start again from a fresh state.
      this.queue.length = 0;
      this.last = undefined;
      this.link.transmit(this.subscription());
    }
  }
}
