import type { DueTimer, TimerStore } from '../../store/index.js';
import { sleep, type Clock } from './clock.js';
import type { Dispatcher } from './dispatcher.js';
import { taken } from './outcome.js';
import type { OutgoingCommand } from './types.js';

export interface TimerServiceDeps {
  /** The due index (written by the outbox processor in its checkpoint's transaction). */
  timers: TimerStore;
  dispatcher: Pick<Dispatcher, 'send'>;
  clock: Clock;
  onError(what: string, error: unknown): void;
  /** Longest sleep between looks at the due index, so timers set by other nodes are seen. */
  pollMs?: number;
  /** How long a claim keeps other services off a timer: after a crash, the delay before another fires it. */
  claimMs?: number;
  /** How long a timer whose command was not taken (a retryable failure) waits before it is claimed again. */
  retryMs?: number;
}

/**
 * Durable timers. This service claims every due row of the `timers` index (also rows that fell
 * due while the process was down), sends its command through the dispatcher, and removes the
 * row once the command was taken. The claim is a lease taken atomically (TimerStore.claimDue),
 * so two services on one database never fire one timer together; a service that dies between
 * claim and removal leaves the row to be claimed again when its lease ends. A timer therefore
 * fires at least once, and its command id (derived from the scheduling event) lets the receiver
 * drop a second firing: exactly once in effect. A reschedule gives the row a new command id, so
 * firing an old one never removes the new.
 *
 * @example
 * const timers = new TimerService({ timers: opened.timers, dispatcher: runtime, clock, onError });
 * timers.start();
 * await timers.stop();
 */
export class TimerService {
  private stopping = new AbortController();
  private napping: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: TimerServiceDeps) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Looks at the due index now (a timer was just written). */
  wake(): void {
    this.napping?.abort();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.napping?.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { clock } = this.deps;
    const pollMs = this.deps.pollMs ?? 1_000;
    while (!this.stopping.signal.aborted) {
      let napMs = pollMs;
      try {
        const fired = await this.fireDue();
        if (fired === 'more') continue;
        napMs = Math.min(pollMs, fired === undefined ? pollMs : Math.max(0, fired - clock.now()));
      } catch (error) {
        this.deps.onError('firing durable timers', error);
      }
      this.napping = new AbortController();
      // A combined signal: stop() may have come while firing, and sleep checks it up front.
      await sleep(clock, napMs, AbortSignal.any([this.stopping.signal, this.napping.signal]));
    }
  }

  /** Fires what is due; returns 'more' if a full page was due, else when to look next. */
  private async fireDue(): Promise<'more' | number | undefined> {
    const { timers, clock } = this.deps;
    const page = 200;
    const due = await timers.claimDue(clock.now(), { limit: page, claimMs: this.deps.claimMs ?? 30_000 });
    await Promise.all(
      groupBy(due, (timer) => timer.actor).map(async (group) => {
        for (const timer of group) await this.fire(timer);
      }),
    );
    if (due.length === page) return 'more';
    return timers.nextDue();
  }

  private async fire(timer: DueTimer): Promise<void> {
    const command = timer.message as OutgoingCommand;
    const outcome = await this.deps.dispatcher.send({
      id: timer.commandId,
      to: timer.actor,
      type: command.type,
      payload: command.payload,
      meta: { origin: 'timer', causationId: timer.commandId },
    });
    if (taken(outcome)) await this.deps.timers.remove(timer);
    else await this.deps.timers.retryAt(timer, this.deps.clock.now() + (this.deps.retryMs ?? this.deps.pollMs ?? 1_000));
  }
}

export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}
