// The background work of one node over a dispatcher, as server/bootstrap.ts builds it, for tests
// that run a runtime without the whole server.
import { EffectsProcessor, systemClock, TimerService, type Clock, type Dispatcher } from '../../actors/runtime/index.js';
import type { OpenStore } from '../../store/index.js';

export interface Background {
  readonly outbox: EffectsProcessor;
  readonly timers: TimerService;
  stop(): Promise<void>;
}

export function startBackground(
  dispatcher: Pick<Dispatcher, 'send'>,
  opened: Pick<OpenStore, 'store' | 'timers'>,
  options: {
    clock?: Clock;
    pollMs?: number;
    claimMs?: number;
    onError?: (what: string, error: unknown) => void;
    /** The outbox's `forget` hook (bootstrap's is game/forget-player.ts). */
    forget?: (subject: string, causationId: string) => Promise<void>;
  } = {},
): Background {
  const clock = options.clock ?? systemClock;
  const onError = options.onError ?? (() => undefined);
  const timers = new TimerService({
    timers: opened.timers,
    dispatcher,
    clock,
    onError,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.claimMs ? { claimMs: options.claimMs } : {}),
  });
  const outbox = new EffectsProcessor({
    store: opened.store,
    timers: opened.timers,
    dispatcher,
    clock,
    timersChanged: () => timers.wake(),
    onError,
    ...(options.forget ? { forget: options.forget } : {}),
  });
  outbox.start();
  timers.start();
  return {
    outbox,
    timers,
    async stop() {
      await Promise.all([outbox.stop(), timers.stop()]);
    },
  };
}

/** Starts background work over `runtime` and stops it first when the runtime is stopped (as bootstrap does). */
export function withBackground<R extends Pick<Dispatcher, 'send'> & { stop(): Promise<void> }>(
  runtime: R,
  opened: Pick<OpenStore, 'store' | 'timers'>,
  options: Parameters<typeof startBackground>[2] = {},
): R {
  const work = startBackground(runtime, opened, options);
  const stopRuntime = runtime.stop.bind(runtime);
  runtime.stop = async () => {
    await work.stop();
    await stopRuntime();
  };
  return runtime;
}
