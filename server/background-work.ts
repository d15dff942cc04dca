import { EffectsProcessor, TimerService, type Clock, type Dispatcher } from '../actors/runtime/index.js';
import type { ClusterWork } from '../cluster/index.js';
import type { OpenStore, Projections } from '../store/index.js';

/**
 * The work that runs once per deployment — the outbox (effects), the durable timers and the
 * projectors — as one unit to start and stop: on a single node at start, in a cluster on the
 * holder of shard 0 (cluster/singleton.ts). A start builds a fresh outbox and timer service (a
 * stopped one does not start again); their commands go through `dispatcher`, which routes them
 * to whichever node holds each actor.
 */
export function backgroundWork(deps: {
  store: OpenStore;
  projections: Projections;
  dispatcher: () => Dispatcher;
  clock: Clock;
  onError(what: string, error: unknown): void;
  /** What the outbox does with a `forget` effect (a deleted player), given the dispatcher to reach actors. */
  forget?(dispatcher: Dispatcher): (subject: string, causationId: string) => Promise<void>;
}): ClusterWork {
  let running: { outbox: EffectsProcessor; timers: TimerService } | undefined;
  return {
    async start() {
      const { store, clock, onError } = deps;
      const dispatcher = deps.dispatcher();
      const timers = new TimerService({ timers: store.timers, dispatcher, clock, onError });
      const outbox = new EffectsProcessor({
        store: store.store,
        timers: store.timers,
        dispatcher,
        clock,
        timersChanged: () => timers.wake(),
        onError,
        ...(deps.forget ? { forget: deps.forget(dispatcher) } : {}),
      });
      running = { outbox, timers };
      outbox.start();
      timers.start();
      await deps.projections.start();
    },
    async stop() {
      const stopping = running;
      running = undefined;
      if (stopping) await Promise.all([stopping.outbox.stop(), stopping.timers.stop()]);
      await deps.projections.stop();
    },
  };
}
