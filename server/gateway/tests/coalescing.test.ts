// Read-model topics on a simulated clock: however often the model changes, at most one push per
// interval, each a diff against what the watchers last got.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../actors/runtime/index.js';
import { ErrorCode, GamifierError } from '../../../protocol/errors.js';
import type { EvtFrame, SnapFrame } from '../../../protocol/frames.js';
import { parseTopic, type Topic } from '../../../protocol/topics.js';
import { CoalescedTopicSource, rowsDiff, type ReadModelTopic, type RowsDiff } from '../topics/coalesced.js';
import { leaderboardTopic, type LeaderboardRow } from '../topics/read-models.js';
import type { TopicSink } from '../topics/source.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const board = (parseTopic('leaderboard/global') as { ok: true; value: Topic }).value;
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

interface Row {
  userId: string;
  points: number;
}

/** A read model the test changes by hand. */
class FakeModel implements ReadModelTopic<Row[], RowsDiff<Row>> {
  readonly eventType = 'leaderboard.changed';
  rows: Row[] = [
    { userId: 'ada', points: 10 },
    { userId: 'bob', points: 5 },
  ];
  loads = 0;
  failing = false;
  readonly listeners = new Set<() => void>();

  async load(): Promise<Row[]> {
    this.loads++;
    if (this.failing) throw new GamifierError(ErrorCode.STORE_UNAVAILABLE, 'down');
    return this.rows.map((row) => ({ ...row }));
  }

  onChange(_topic: Topic, changed: () => void): () => void {
    this.listeners.add(changed);
    return () => void this.listeners.delete(changed);
  }

  diff(before: Row[], after: Row[]): RowsDiff<Row> | undefined {
    return rowsDiff(before, after, (row) => row.userId);
  }

  /** Changes the rows and notifies, as a projector batch would. */
  change(apply: (rows: Row[]) => void): void {
    apply(this.rows);
    for (const listener of this.listeners) listener();
  }
}

class RecordingSink implements TopicSink {
  readonly frames: Array<SnapFrame | EvtFrame> = [];
  readonly failures: string[] = [];
  open = true;
  snap(frame: SnapFrame): void {
    this.frames.push(frame);
  }
  evt(frame: EvtFrame): void {
    this.frames.push(frame);
  }
  fail(code: string): void {
    this.failures.push(code);
    this.open = false;
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  batch(work: () => void): void {
    work();
  }
}

function setup() {
  const clock = new SimulatedClock(T0);
  const model = new FakeModel();
  const errors: unknown[] = [];
  const source = new CoalescedTopicSource(model, { intervalMs: 50, clock, onError: (error) => errors.push(error) });
  return { clock, model, source, errors };
}

describe('coalesced read-model topics', () => {
  it('load once for every watcher of a topic, and listen once', async () => {
    const { model, source } = setup();
    const first = new RecordingSink();
    const second = new RecordingSink();
    source.watch(board, undefined, first);
    source.watch(board, 17, second); // a version of another node means nothing here: a snap
    await flush();
    expect(model.loads).toBe(1);
    expect(model.listeners.size).toBe(1);
    expect(first.frames).toEqual([{ t: 'snap', topic: 'leaderboard/global', version: 1, state: model.rows }]);
    expect(second.frames).toEqual(first.frames);
    expect(source.stats()).toEqual({ topics: 1, watchers: 2 });
  });

  it('push at most once per interval, a diff against what the watchers last got', async () => {
    const { clock, model, source } = setup();
    const sink = new RecordingSink();
    source.watch(board, undefined, sink);
    await flush();
    await clock.advance(1_000);

    model.change((rows) => (rows[1]!.points = 20)); // quiet until now: pushed at once
    await flush();
    expect(sink.frames.at(-1)).toEqual({
      t: 'evt',
      topic: 'leaderboard/global',
      version: 2,
      event: { type: 'leaderboard.changed', data: { upsert: [{ userId: 'bob', points: 20 }], remove: [] } },
    });

    for (let i = 1; i <= 10; i++) {
      await clock.advance(4);
      model.change((rows) => (rows[0]!.points = 10 + i));
    }
    model.change((rows) => rows.push({ userId: 'cy', points: 1 }));
    model.change((rows) => rows.splice(1, 1)); // bob leaves the board
    await clock.advance(9); // 49 ms after the last push
    await flush();
    expect(model.loads).toBe(2);
    expect(sink.frames).toHaveLength(2);
    await clock.advance(1);
    await flush();
    expect(model.loads).toBe(3);
    expect(sink.frames.map((frame) => frame.version)).toEqual([1, 2, 3]);
    expect(sink.frames.at(-1)).toMatchObject({
      version: 3,
      event: { data: { upsert: [{ userId: 'ada', points: 20 }, { userId: 'cy', points: 1 }], remove: ['bob'] } },
    });

    // A watcher arriving now starts from what the others last got, at its version.
    const late = new RecordingSink();
    source.watch(board, undefined, late);
    expect(late.frames).toEqual([{ t: 'snap', topic: 'leaderboard/global', version: 3, state: model.rows }]);
  });

  it('push nothing when nothing a watcher sees changed', async () => {
    const { clock, model, source } = setup();
    const sink = new RecordingSink();
    source.watch(board, undefined, sink);
    await flush();
    model.change(() => undefined);
    await clock.advance(100);
    await flush();
    expect(model.loads).toBe(2);
    expect(sink.frames.map((frame) => frame.t)).toEqual(['snap']);
  });

  it('stop listening with the last watcher, and start afresh with the next', async () => {
    const { model, source } = setup();
    const a = source.watch(board, undefined, new RecordingSink());
    const b = source.watch(board, undefined, new RecordingSink());
    await flush();
    a.close();
    expect(model.listeners.size).toBe(1);
    b.close();
    expect(model.listeners.size).toBe(0);
    expect(source.stats()).toEqual({ topics: 0, watchers: 0 });
    const again = new RecordingSink();
    source.watch(board, undefined, again);
    await flush();
    expect(model.loads).toBe(2);
    expect(again.frames).toMatchObject([{ t: 'snap', version: 1 }]);
  });

  it('fail the watchers when the first load fails; keep the state and retry when a later one does', async () => {
    const { clock, model, source, errors } = setup();
    model.failing = true;
    const early = new RecordingSink();
    source.watch(board, undefined, early);
    await flush();
    expect(early.failures).toEqual(['STORE_UNAVAILABLE']);

    model.failing = false;
    const sink = new RecordingSink();
    source.watch(board, undefined, sink);
    await flush();
    model.failing = true;
    model.change((rows) => (rows[0]!.points = 99));
    await clock.advance(50);
    await flush();
    expect(sink.failures).toEqual([]);
    model.failing = false;
    await clock.advance(1_000);
    await flush();
    expect(sink.frames.at(-1)).toMatchObject({ t: 'evt', event: { data: { upsert: [{ userId: 'ada', points: 99 }] } } });
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });
});

describe('rowsDiff', () => {
  it('lists new and changed rows, and the keys of rows gone', () => {
    const key = (row: Row) => row.userId;
    expect(rowsDiff([{ userId: 'a', points: 1 }], [{ userId: 'a', points: 1 }], key)).toBeUndefined();
    expect(rowsDiff([{ userId: 'a', points: 1 }, { userId: 'b', points: 2 }], [{ userId: 'b', points: 3 }, { userId: 'c', points: 0 }], key)).toEqual({
      upsert: [{ userId: 'b', points: 3 }, { userId: 'c', points: 0 }],
      remove: ['a'],
    });
  });
});

describe('leaderboard/global', () => {
  it('is the top 100 rows, diffed by player', async () => {
    const asked: number[] = [];
    let listener: (() => void) | undefined;
    const rows: Array<LeaderboardRow & { extra?: string }> = [{ rank: 1, userId: 'ada', displayName: 'Ada', points: 10, level: 1, extra: 'not shown' }];
    const topic = leaderboardTopic(
      { top: async (limit) => (asked.push(limit), rows) },
      (changed) => ((listener = changed), () => (listener = undefined)),
    );
    const loaded = await topic.load(board);
    expect(asked).toEqual([100]);
    expect(loaded).toEqual([{ rank: 1, userId: 'ada', displayName: 'Ada', points: 10, level: 1 }]);
    const stop = topic.onChange(board, () => undefined);
    expect(listener).toBeDefined();
    stop();
    expect(listener).toBeUndefined();
    expect(topic.diff(loaded, [{ ...loaded[0]!, rank: 2 }])).toEqual({ upsert: [{ ...loaded[0]!, rank: 2 }], remove: [] });
  });
});
