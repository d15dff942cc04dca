import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GroupCommit, type Batchable } from '../postgres/group-commit.js';

interface Item extends Batchable {
  name: string;
}

const item = (name: string, streamId: string, eventCount: number): Item => ({ name, streamId, eventCount, reject: () => undefined });

describe('group commit', () => {
  it("keeps a stream's appends in order when an earlier one does not fit the batch being formed", async () => {
    const written: string[][] = [];
    const commits = new GroupCommit<Item>(
      async (batch) => {
        written.push(batch.map((i) => i.name));
        await new Promise((resolve) => setImmediate(resolve));
      },
      { maxInFlight: 1, connections: 1, maxBatchEvents: 10, minSplitEvents: 1 },
    );
    // In one tick: x fits, s's big append does not, and s's small one must not overtake it.
    commits.submit(item('x', 'x', 5));
    commits.submit(item('s-big', 's', 8));
    commits.submit(item('s-small', 's', 1));
    commits.submit(item('y', 'y', 1));
    await commits.close();
    const order = written.flat();
    expect(order.indexOf('s-big')).toBeLessThan(order.indexOf('s-small'));
    expect(written[0]).toEqual(['x', 'y']);
    expect(written.flat().sort()).toEqual(['s-big', 's-small', 'x', 'y']);
  });

  it('writes every append once, each stream in order, no batch over the bound or with a stream twice, whatever arrives when', async () => {
    const submission = fc.record({ stream: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), events: fc.integer({ min: 1, max: 6 }), tick: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(submission, { maxLength: 200 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 3 }), async (submissions, maxBatchEvents, maxInFlight) => {
        const batches: Item[][] = [];
        const commits = new GroupCommit<Item>(
          async (batch) => {
            batches.push(batch);
            await new Promise((resolve) => setImmediate(resolve));
          },
          { maxInFlight, connections: maxInFlight, maxBatchEvents, minSplitEvents: 2 },
        );
        const submitted: Item[] = [];
        for (const [i, { stream, events, tick }] of submissions.entries()) {
          const next = item(`${i}`, stream, events);
          submitted.push(next);
          commits.submit(next);
          if (tick) await new Promise((resolve) => setImmediate(resolve));
        }
        await commits.close();
        expect(batches.flat().map((i) => i.name).sort()).toEqual(submitted.map((i) => i.name).sort());
        for (const batch of batches) {
          expect(new Set(batch.map((i) => i.streamId)).size).toBe(batch.length);
          if (batch.length > 1) expect(batch.reduce((sum, i) => sum + i.eventCount, 0)).toBeLessThanOrEqual(maxBatchEvents);
        }
        const written = batches.flat();
        for (const stream of 'abcdef') {
          const order = (list: Item[]) => list.filter((i) => i.streamId === stream).map((i) => Number(i.name));
          expect(order(written)).toEqual(order(submitted));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('writes what arrives in one tick as one batch when it is small', async () => {
    const written: string[][] = [];
    const commits = new GroupCommit<Item>(async (batch) => void written.push(batch.map((i) => i.name)), {
      maxInFlight: 2,
      connections: 2,
      maxBatchEvents: 1_000,
      minSplitEvents: 64,
    });
    for (let i = 0; i < 20; i++) commits.submit(item(`a${i}`, `s${i}`, 1));
    await commits.close();
    expect(written).toHaveLength(1);
    expect(written[0]).toHaveLength(20);
  });

  it('queues a batch behind a busy connection only when enough waits to be worth it', async () => {
    const started: string[][] = [];
    const finish: Array<() => void> = [];
    const commits = new GroupCommit<Item>(
      (batch) => {
        started.push(batch.map((i) => i.name));
        return new Promise<void>((resolve) => finish.push(resolve));
      },
      { maxInFlight: 2, connections: 1, maxBatchEvents: 100, minSplitEvents: 4 },
    );
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    commits.submit(item('first', 'a', 1));
    await tick();
    // The one connection is busy: two waiting events do not go out behind it…
    commits.submit(item('small', 'b', 2));
    await tick();
    expect(started).toEqual([['first']]);
    // …but five do, pipelined on it.
    commits.submit(item('big', 'c', 3));
    await tick();
    expect(started).toEqual([['first'], ['small', 'big']]);
    finish.forEach((resolve) => resolve());
    await commits.close();
  });
});
