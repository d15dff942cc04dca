import type { ErrorCode } from '../../../protocol/errors.js';
import type { EvtFrame, SnapFrame } from '../../../protocol/frames.js';
import type { Topic } from '../../../protocol/topics.js';

/**
 * Where one watcher's frames go. A source calls `snap` and `evt` in version order: after a `snap`
 * at version v, `evt`s at v+1, v+2 … with no gap and no repeat. Frames may be shared between
 * watchers (the gateway encodes a shared frame once per subprotocol), so never mutate one.
 */
export interface TopicSink {
  snap(frame: SnapFrame): void;
  evt(frame: EvtFrame): void;
  /** The watch cannot go on; the watcher is told `code` and the watch is dropped. */
  fail(code: ErrorCode, message: string): void;
  /** Resolves when the watcher's connection has room for more output (pace long replays with it). */
  ready(): Promise<void>;
  /** Runs `work`, whose frames go out together (one write where the transport can). */
  batch(work: () => void): void;
  /** False once the watch was closed or its connection went away. */
  readonly open: boolean;
}

export interface TopicWatch {
  /** Stops the watch; the source sends nothing more to its sink. Idempotent. */
  close(): void;
}

/**
 * A kind of topic a client can watch. The gateway routes each `sub` to the source of its topic's
 * kind: actors' streams (`user/`, `challenge/`: StreamTopicSource) or read models
 * (`leaderboard/`, `feed/`: CoalescedTopicSource over a ReadModelTopic).
 *
 * @example
 * const watch = source.watch(topic, frame.fromVersion, sink); // … later: watch.close()
 */
export interface TopicSource {
  /**
   * Starts a watch. Without `fromVersion` it begins with a `snap`; with one, with the events
   * after it, or with a `snap` when the source cannot replay from there.
   */
  watch(topic: Topic, fromVersion: number | undefined, sink: TopicSink): TopicWatch;
  /** Watches in progress and shared subscriptions held, for stats. */
  stats(): { topics: number; watchers: number };
}
