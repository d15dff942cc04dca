import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { eventually } from '../../../test/support/services.js';
import type { Projections } from '../index.js';
import { counterProjection } from './counter.js';
import { logVisible, settled } from './settled.js';
import type { Harness } from './suite.js';

const failedWith = (projections: Projections, name: string, attempts = 1) =>
  eventually(async () => {
    const status = (await projections.status()).find((s) => s.name === name)!;
    return status.state === 'failed' && status.error!.attempts >= attempts ? status : undefined;
  }, 20_000, `${name} failing`);

export function projectorCases(h: Harness): void {
  it('leaves the read model and the checkpoint unchanged while the database fails a batch, retries until it applies, and parks nothing', async () => {
    let poisoned = true;
    const counter = counterProjection(() => (poisoned ? 'transient' : 'none'));
    const projections = h.projections([counter]);
    await projections.start();
    const bump = (data: Record<string, unknown> = {}) => h.opened.store.append(`test/${randomUUID()}`, 'any', [{ id: randomUUID(), type: 'test.counter.bumped', data }]);
    await bump();
    await bump();
    await settled(projections, h.opened.sql);
    const queries = counter.queries(h.opened.sql);
    const before = await queries.ids();
    const checkpoint = await h.opened.store.loadCheckpoint('projection.test_counter.g1');
    expect(before).toHaveLength(2);

    await bump({ poison: true });
    await bump();
    await logVisible(h.opened.sql);
    // More failures than it takes to park an event that fails on its own: the database's are never the event's.
    const failed = await failedWith(projections, 'test_counter', 5);
    expect(failed.error!.message).toContain('deadlock, as far as you know');
    expect(failed.parked.count).toBe(0);
    expect(failed.lag.events).toBe(2);
    expect(await queries.ids()).toEqual(before);
    expect(await h.opened.store.loadCheckpoint('projection.test_counter.g1')).toEqual(checkpoint);

    poisoned = false;
    const [live] = await settled(projections, h.opened.sql);
    expect(await queries.ids()).toHaveLength(4);
    expect(live!.parked).toEqual({ count: 0, events: [] });
    expect(await projections.parked('test_counter')).toEqual([]);
  });


  it("tells each node of every batch, whichever node's projector applied it", async () => {
    // Both nodes project the same generation and race for each batch; the fence lets one apply
    // it. Each node's watchers read the shared read model, so each must hear of every batch.
    const heard = { a: new Set<string>(), b: new Set<string>() };
    const node = (ids: Set<string>) =>
      h.projections([counterProjection(() => 'none')], { onApplied: (_name, batch) => batch.forEach((event) => ids.add(event.id)) });
    const [nodeA, nodeB] = [node(heard.a), node(heard.b)];
    await Promise.all([nodeA.start(), nodeB.start()]);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = randomUUID();
      ids.push(id);
      await h.opened.store.append(`test/${randomUUID()}`, 'any', [{ id, type: 'test.counter.bumped', data: {} }]);
      if (i % 3 === 2) await settled(nodeA, h.opened.sql);
    }
    await settled(nodeA, h.opened.sql);
    await settled(nodeB, h.opened.sql);
    await eventually(async () => (ids.every((id) => heard.a.has(id) && heard.b.has(id)) ? true : undefined), 5_000, 'both nodes hearing of every event').catch(() => undefined);
    expect(ids.filter((id) => !heard.a.has(id))).toEqual([]);
    expect(ids.filter((id) => !heard.b.has(id))).toEqual([]);
  }, 30_000);

}
