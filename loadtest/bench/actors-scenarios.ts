import { randomUUID } from 'node:crypto';
import { ActorRuntime, foldEvents, type CommandEnvelope } from '../../actors/runtime/index.js';
import { counterType } from '../../actors/runtime/tests/counter.js';
import { NO_STREAM, type NewEvent, type OpenStore } from '../../store/index.js';
import { collectGarbage } from './gc.js';
import { closedLoop, openLoop, type Window } from './loops.js';
import { Latency } from './stats.js';

/** The scenarios of `npm run bench actors`: the runtime's test counter on a store of its own. */

const add = (to: string, n = 1): CommandEnvelope => ({ id: randomUUID(), to, type: 'counter.add', payload: { n }, meta: { origin: 'client', userId: 'bench' } });

/**
 * The runtime's test counter under the server's snapshot policy (every SNAPSHOT_EVERY events,
 * 100 by default), not the every-5 the tests use to exercise snapshots.
 */
function benchType() {
  const { snapshotEvery: _testsOnly, ...type } = counterType();
  return type;
}

async function withRuntime<T>(opened: OpenStore, use: (runtime: ActorRuntime) => Promise<T>): Promise<T> {
  const runtime = new ActorRuntime([benchType()], { store: opened.store, deadLetters: opened.deadLetters });
  try {
    return await use(runtime);
  } finally {
    await runtime.stop();
  }
}

async function check(outcome: Promise<{ status: string }>): Promise<void> {
  const settled = await outcome;
  if (settled.status !== 'ok') throw new Error(`command failed: ${JSON.stringify(settled)}`);
}

/** (b) Commands through the runtime, closed loop over `actors` distinct actors, one event each. */
export async function runtimeThroughput(opened: OpenStore, actors: number, window: Window) {
  return withRuntime(opened, async (runtime) => {
    const addresses = Array.from({ length: actors }, (_, i) => `counter/b${i}`);
    await Promise.all(addresses.map((address) => check(runtime.send(add(address)))));
    let next = 0;
    return closedLoop(256, window, async () => {
      await check(runtime.send(add(addresses[next++ % actors]!)));
      return 1;
    });
  });
}

/** (c) The same at a fixed offered rate. */
export async function runtimeLatency(opened: OpenStore, actors: number, perSecond: number, window: Window) {
  return withRuntime(opened, async (runtime) => {
    const addresses = Array.from({ length: actors }, (_, i) => `counter/c${i}`);
    await Promise.all(addresses.map((address) => check(runtime.send(add(address)))));
    return openLoop(perSecond, window, (n) => check(runtime.send(add(addresses[n % actors]!))));
  });
}

/** (d) Activation of a 10,000-event actor: from its snapshot, and by replaying every event. */
export async function activation(opened: OpenStore, samples: { fromSnapshot: number; fullReplay: number }) {
  const type = counterType();
  const address = `counter/big-${randomUUID()}`;
  const events: NewEvent[] = Array.from({ length: 10_000 }, () => ({ id: randomUUID(), type: 'counter.added', data: { n: 0 } }));
  for (let i = 0; i < events.length; i += 500) {
    await opened.store.append(address, i === 0 ? NO_STREAM : i, events.slice(i, i + 500));
  }
  const folded = foldEvents(type, events);
  await opened.store.saveSnapshot({ streamId: address, version: folded.version, state: { state: folded.state, lifecycle: folded.lifecycle } });
  return withRuntime(opened, async (runtime) => {
    const timed = async (load: () => Promise<{ version: number }>, latency: Latency | undefined) => {
      const started = performance.now();
      const loaded = await load();
      latency?.record(performance.now() - started);
      if (loaded.version !== 10_000) throw new Error('activation did not reach version 10000');
    };
    // The first loads prepare each path's statements on the pool's connections: warm-up, untimed.
    for (let i = 0; i < 5; i++) await Promise.all([timed(() => runtime.current(address), undefined), timed(() => runtime.replay(address), undefined)]);
    const fromSnapshot = new Latency();
    for (let i = 0; i < samples.fromSnapshot; i++) await timed(() => runtime.current(address), fromSnapshot);
    const fullReplay = new Latency();
    for (let i = 0; i < samples.fullReplay; i++) await timed(() => runtime.replay(address), fullReplay);
    return { fromSnapshot, fullReplay };
  });
}

/** (e) Heap per active actor: activate `count` actors (one event each) and weigh the heap. */
export async function heapPerActor(opened: OpenStore, count: number) {
  const runtime = new ActorRuntime([benchType()], { store: opened.store, deadLetters: opened.deadLetters, settings: { maxActive: count * 2 } });
  try {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < count; i += 2_000) {
      await Promise.all(Array.from({ length: Math.min(2_000, count - i) }, (_, j) => check(runtime.send(add(`counter/e${i + j}`)))));
    }
    collectGarbage();
    const after = process.memoryUsage().heapUsed;
    return { active: runtime.stats().active, bytesPerActor: (after - before) / runtime.stats().active };
  } finally {
    await runtime.stop();
  }
}
