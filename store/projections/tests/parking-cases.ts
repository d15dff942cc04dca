import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { eventually } from '../../../test/support/services.js';
import { ParkedEventNotFoundError, type ParkedEvent, type Projections } from '../index.js';
import { counterProjection, type CounterFault } from './counter.js';
import { settled } from './settled.js';
import type { Harness } from './suite.js';

const parkedIn = (projections: Projections, name: string, count: number) =>
  eventually(async () => {
    const status = (await projections.status()).find((s) => s.name === name)!;
    return status.parked.count === count ? status : undefined;
  }, 20_000, `${name} with ${count} parked`);

/** One event per append, in order; returns the ids. */
async function bump(h: Harness, ...events: { poison?: boolean }[]): Promise<string[]> {
  const ids: string[] = [];
  for (const data of events) {
    const id = randomUUID();
    ids.push(id);
    await h.opened.store.append(`test/${randomUUID()}`, 'any', [{ id, type: 'test.counter.bumped', data }]);
  }
  return ids;
}

export function parkingCases(h: Harness): void {
  it('parks an event its read model cannot apply and goes on, applying the rest of its batch once; other read models never notice', async () => {
    const fault: CounterFault = 'poison';
    const counter = counterProjection(() => fault);
    const healthy = counterProjection(() => 'none', 'test_healthy');
    // Written before the projectors start: one batch, the poison in its middle.
    const [first, poison, ...rest] = await bump(h, {}, { poison: true }, {}, {});
    const projections = h.projections([counter, healthy]);
    await projections.start();

    const status = await parkedIn(projections, 'test_counter', 1);
    const [parked] = status.parked.events;
    const [recorded] = await h.opened.store.readStream(parked!.streamId);
    expect(parked).toMatchObject({
      projection: 'test_counter',
      generation: 1,
      position: recorded!.position,
      txId: recorded!.txId,
      streamType: 'test',
      streamVersion: 1,
      event: { id: poison, type: 'test.counter.bumped', data: { poison: true } },
      attempts: 3,
      status: 'parked',
      skippedAt: null,
    });
    expect(parked!.error).toContain('cannot digest poison');
    expect(await projections.parked('test_counter')).toEqual([parked]);

    // It goes on with later events; the other read model applied everything.
    const later = await bump(h, {});
    const statuses = await settled(projections, h.opened.sql);
    expect(statuses.map((s) => [s.name, s.state, s.parked.count])).toEqual([
      ['test_counter', 'live', 1],
      ['test_healthy', 'live', 0],
    ]);
    const sorted = (ids: string[]) => [...ids].sort();
    expect(await counter.queries(h.opened.sql).ids()).toEqual(sorted([first!, ...rest, ...later]));
    expect(await healthy.queries(h.opened.sql).ids()).toEqual(sorted([first!, poison!, ...rest, ...later]));
  });

  it('retries a parked event (it stays parked while it fails) and skips one for good', async () => {
    let fault: CounterFault = 'poison';
    const counter = counterProjection(() => fault);
    const applied: string[] = [];
    const projections = h.projections([counter], { onApplied: (_name, batch) => applied.push(...batch.map((e) => e.id)) });
    await projections.start();
    const [mended, dropped] = await bump(h, { poison: true }, { poison: true });
    const [first, second] = (await parkedIn(projections, 'test_counter', 2)).parked.events as [ParkedEvent, ParkedEvent];
    expect([first.event.id, second.event.id]).toEqual([mended, dropped]);

    const failed = await projections.retryParked('test_counter', first.id);
    expect(failed).toMatchObject({ applied: false, parked: { id: first.id, attempts: first.attempts + 1 } });
    expect(failed.parked.error).toContain('cannot digest poison');
    expect((await projections.parked('test_counter')).map((p) => p.id)).toEqual([first.id, second.id]);

    fault = 'none';
    expect(await projections.retryParked('test_counter', first.id)).toMatchObject({ applied: true });
    expect(await counter.queries(h.opened.sql).ids()).toEqual([mended]);
    expect(applied).toContain(mended);
    await expect(projections.retryParked('test_counter', first.id)).rejects.toBeInstanceOf(ParkedEventNotFoundError);

    const skipped = await projections.skipParked('test_counter', second.id);
    expect(skipped).toMatchObject({ id: second.id, status: 'skipped', event: { id: dropped } });
    expect((await projections.status())[0]!.parked).toEqual({ count: 0, events: [] });
    expect((await projections.parked('test_counter', { status: 'skipped' })).map((p) => p.id)).toEqual([second.id]);
    await expect(projections.retryParked('test_counter', second.id)).rejects.toBeInstanceOf(ParkedEventNotFoundError);
    await expect(projections.skipParked('test_counter', second.id)).rejects.toBeInstanceOf(ParkedEventNotFoundError);
    expect(await counter.queries(h.opened.sql).ids()).toEqual([mended]);
  });

  it('keeps parked events through a restart; a rebuild tries each again and parks only those that still fail', async () => {
    let fault: CounterFault = 'poison';
    const counter = counterProjection(() => fault);
    const first = h.projections([counter]);
    await first.start();
    const [good, poison] = await bump(h, {}, { poison: true });
    await parkedIn(first, 'test_counter', 1);
    await first.stop();

    const restarted = h.projections([counter]);
    await restarted.start();
    const [afterRestart] = await settled(restarted, h.opened.sql);
    expect(afterRestart!.parked.events.map((p) => [p.event.id, p.generation])).toEqual([[poison, 1]]);

    // Still poisonous: the new generation parks it again, the old one's entry goes with its tables.
    await (await restarted.rebuild('test_counter')).done;
    const [rebuilt] = await settled(restarted, h.opened.sql);
    expect([rebuilt!.generation, rebuilt!.parked.events.map((p) => [p.event.id, p.generation])]).toEqual([2, [[poison, 2]]]);
    expect((await restarted.parked('test_counter')).map((p) => p.generation)).toEqual([2]);

    // Mended: the next rebuild applies it, and nothing is parked any more.
    fault = 'none';
    await (await restarted.rebuild('test_counter')).done;
    const [mended] = await settled(restarted, h.opened.sql);
    expect([mended!.generation, mended!.parked.count]).toEqual([3, 0]);
    expect(await counter.queries(h.opened.sql).ids()).toEqual([good, poison].sort());
  });
}
