import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { compareCursor, type LogCursor, type OpenStore } from '../../../store/index.js';
import { eventually } from '../../../test/support/services.js';
import type { Dispatcher } from '../dispatcher.js';
import { EffectsProcessor } from '../effects.js';
import type { Outcome } from '../outcome.js';
import { ActorRuntime } from '../runtime.js';
import { systemClock } from '../clock.js';
import { TimerService } from '../timers.js';
import type { CommandEnvelope } from '../types.js';
import { counterType } from './counter.js';

/** Commands that reached a node's runtime from its background work (who sent them is in `meta.origin`). */
type Delivered = CommandEnvelope[];

/**
 * A node's dispatcher in the hands of its background work, with the faults of a real process:
 * `hold(envelope)` says what becomes of a command — sent now, after a pause (the process stalls,
 * then resumes) or never (the process died with the command claimed but not sent).
 */
function faultyDispatcher(runtime: ActorRuntime, delivered: Delivered, hold: (envelope: CommandEnvelope) => Promise<void> | undefined) {
  const state = { held: 0, answered: 0 };
  const dispatcher: Pick<Dispatcher, 'send'> = {
    async send(envelope): Promise<Outcome> {
      const wait = hold(envelope);
      if (wait) {
        state.held++;
        await wait;
      }
      delivered.push(envelope);
      const outcome = await runtime.send(envelope);
      if (wait) state.answered++;
      return outcome;
    },
  };
  return { dispatcher, state };
}

function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const never = new Promise<void>(() => {});
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Two nodes' outbox processors and timer services on one database, one of them faulty: its
 * outbox stalls mid-batch (after reading it, before delivering and checkpointing) and resumes
 * after the other node moved on; its timer service claims the due timers, then stalls on some
 * (resuming before its claim ends) and dies on the others. Every effect and every timer must
 * take effect exactly once, no timer may be fired by both services, and the outbox checkpoint
 * must never move back.
 */
export function fencingSuite(name: string, open: () => Promise<{ a: OpenStore; b: OpenStore; close(): Promise<void> }>): void {
  it(`delivers every effect and timer exactly once in effect, and never moves a checkpoint back, with two nodes on ${name}`, async () => {
    const { a, b, close } = await open();
    const runtimeA = new ActorRuntime([counterType()], { store: a.store, deadLetters: a.deadLetters, settings: { node: 'a', backoffBaseMs: 0 } });
    const runtimeB = new ActorRuntime([counterType()], { store: b.store, deadLetters: b.deadLetters, settings: { node: 'b', backoffBaseMs: 0 } });
    const delivered: Delivered = [];
    const onError = () => undefined;
    const run = randomUUID().slice(0, 8);
    const stalled = (address: string) => address.startsWith(`counter/${run}-stall-`);
    const dying = (address: string) => address.startsWith(`counter/${run}-die-`);

    // Node A: its outbox holds every send until `resumeOutbox`; its timers stall on some actors' timers, die on the others'.
    const resumeOutbox = gate();
    // The stall begins when A holds its first stalled timer, and ends well within A's claim.
    let timerStall: Promise<void> | undefined;
    const outboxA = faultyDispatcher(runtimeA, delivered, () => resumeOutbox.opened);
    const timersA = faultyDispatcher(runtimeA, delivered, (envelope) => (stalled(envelope.to) ? (timerStall ??= sleep(400)) : dying(envelope.to) ? never : undefined));
    const timerServiceA = new TimerService({ timers: a.timers, dispatcher: timersA.dispatcher, clock: systemClock, onError, pollMs: 20, claimMs: 1_500 });
    const effectsA = new EffectsProcessor({
      store: a.store,
      timers: a.timers,
      dispatcher: outboxA.dispatcher,
     
      clock: systemClock,
      timersChanged: () => timerServiceA.wake(),
      onError,
    });
    // Node B: healthy, started once A is in trouble.
    const recordingB: Pick<Dispatcher, 'send'> = { send: (envelope) => (delivered.push(envelope), runtimeB.send(envelope)) };
    const timerServiceB = new TimerService({ timers: b.timers, dispatcher: recordingB, clock: systemClock, onError, pollMs: 20 });
    const effectsB = new EffectsProcessor({ store: b.store, timers: b.timers, dispatcher: recordingB, clock: systemClock, timersChanged: () => timerServiceB.wake(), onError });

    const checkpoints: LogCursor[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        checkpoints.push(await b.store.loadCheckpoint('runtime.effects'));
        await sleep(5);
      }
    })();
    const client = (to: string, type: string, payload: unknown) =>
      runtimeB.send({ id: randomUUID(), to, type, payload, meta: { origin: 'client', userId: 'tester' } }).then((outcome) => {
        expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'ok' });
        return outcome;
      });
    const timerActors = [...Array.from({ length: 4 }, (_, i) => `counter/${run}-stall-${i}`), ...Array.from({ length: 4 }, (_, i) => `counter/${run}-die-${i}`)];
    const receivers = Array.from({ length: 3 }, (_, i) => `counter/${run}-to-${i}`);
    const forwards = Array.from({ length: 12 }, (_, i) => ({ from: `counter/${run}-from-${i}`, to: receivers[i % receivers.length]! }));

    try {
      effectsA.start();
      timerServiceA.start();
      // Timers, due shortly: A's outbox writes them into the due index (no sends in that batch).
      const dueAt = Date.now() + 600;
      for (const actor of timerActors) await client(actor, 'counter.close-at', { at: dueAt });
      const timerRows = async () => (await a.sql`select 1 from timers where actor like ${`counter/${run}-%`}`).length;
      await eventually(async () => ((await timerRows()) === timerActors.length ? true : undefined), 10_000, "A's timers batch");
      // Sends: A reads the batch and stalls in it.
      for (const forward of forwards) await client(forward.from, 'counter.forward', { to: forward.to, n: 1 });
      await eventually(async () => (outboxA.state.held > 0 ? true : undefined), 10_000, "A's outbox to stall");
      // A claims every timer when they fall due, and stalls or dies on each.
      await eventually(async () => (timersA.state.held === timerActors.length ? true : undefined), 10_000, "A's timers to claim");

      effectsB.start();
      timerServiceB.start();
      const expected = (address: string) => forwards.filter((forward) => forward.to === address).length;
      await eventually(
        async () => {
          for (const receiver of receivers) if ((await b.store.readStream(receiver)).length < expected(receiver)) return undefined;
          for (const actor of timerActors) if ((await b.store.readStream(actor)).length < 2) return undefined;
          return true;
        },
        15_000,
        'every effect and timer to take effect',
      );
      // The log moves on, and B's outbox with it, while A is still stalled in its old batch.
      const last = await client(`counter/${run}-later`, 'counter.add', { n: 1 });
      const lastPosition = (last as { events: { position: number }[] }).events[0]!.position;
      await eventually(async () => ((await b.store.loadCheckpoint('runtime.effects')).position >= lastPosition ? true : undefined), 10_000, "B's checkpoint");

      // A resumes: it delivers its stale batch again and tries to checkpoint it.
      resumeOutbox.open();
      await eventually(async () => (outboxA.state.answered === outboxA.state.held ? true : undefined), 10_000, "A's resumed sends");
      // A's stalled timer service resumes too, before its claims end.
      await eventually(async () => (timersA.state.answered === timerActors.filter(stalled).length ? true : undefined), 10_000, "A's stalled timers");
      await effectsA.stop();
      await effectsB.stop();
      await timerServiceB.stop();
      sampling = false;
      await sampler;
      checkpoints.push(await b.store.loadCheckpoint('runtime.effects'));

      for (let i = 1; i < checkpoints.length; i++) {
        expect(compareCursor(checkpoints[i]!, checkpoints[i - 1]!), `checkpoint moved back from ${JSON.stringify(checkpoints[i - 1])} to ${JSON.stringify(checkpoints[i])}`).toBeGreaterThanOrEqual(0);
      }
      // Every caused command's events are in its receiver's stream once.
      for (const receiver of receivers) {
        const received = (await b.store.readStream(receiver)).map((event) => (event.data as { from: string }).from);
        expect(received).toHaveLength(expected(receiver));
        expect(new Set(received).size).toBe(received.length);
      }
      for (const actor of timerActors) {
        expect((await b.store.readStream(actor)).map((event) => event.type)).toEqual(['counter.close.scheduled', 'counter.closed']);
      }
      // No timer was fired by both services: each timer command reached a runtime once.
      const firings = delivered.filter((envelope) => envelope.meta.origin === 'timer').map((envelope) => envelope.id);
      expect(firings.toSorted()).toEqual([...new Set(firings)].toSorted());
      expect(firings).toHaveLength(timerActors.length);
      expect(await timerRows()).toBe(0);
    } finally {
      sampling = false;
      await sampler;
      resumeOutbox.open();
      // A's timer service died holding commands that never return: it is abandoned, not stopped.
      await Promise.all([effectsA.stop(), effectsB.stop(), timerServiceB.stop()]);
      await Promise.all([runtimeA.stop(), runtimeB.stop()]);
      await close();
    }
  }, 40_000);
}
