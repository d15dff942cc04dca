import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../protocol/errors.js';
import type { OpenStore } from '../../../store/index.js';
import { withBackground } from '../../../test/support/background.js';
import { eventually } from '../../../test/support/services.js';
import { SimulatedClock } from '../clock.js';
import { noMetrics, type RuntimeMetrics } from '../metrics.js';
import type { Outcome } from '../outcome.js';
import { DeadLetterAdmin } from '../dead-letters.js';
import { ActorRuntime, type RuntimeOptions } from '../runtime.js';
import type { CommandEnvelope } from '../types.js';
import { counterType, type CounterState } from './counter.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');

function add(to: string, n: number, id: string = randomUUID()): CommandEnvelope {
  return { id, to, type: 'counter.add', payload: { n }, meta: { origin: 'client', userId: 'tester' } };
}
const counter = () => `counter/${randomUUID()}`;
const okVersion = (outcome: Outcome) => {
  expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 'ok' });
  return (outcome as { version: number }).version;
};

function recordingMetrics() {
  const counts = { restarted: 0, deadLettered: 0, deadLettersLost: [] as string[], quarantined: 0, activatedFromSnapshot: 0, errors: [] as string[] };
  const metrics: RuntimeMetrics = {
    ...noMetrics,
    restarted: () => void counts.restarted++,
    deadLettered: () => void counts.deadLettered++,
    deadLetterLost: (_type, command, error) => void counts.deadLettersLost.push(`${command.id}: ${(error as Error).message}`),
    quarantined: () => void counts.quarantined++,
    activated: (_type, fromSnapshot) => void (fromSnapshot && counts.activatedFromSnapshot++),
    backgroundError: (what, error) => void counts.errors.push(`${what}: ${(error as Error).message}`),
  };
  return { metrics, counts };
}

/** The runtime's contract, run against each database the store runs on. */
export function runtimeSuite(name: string, openStore: () => Promise<OpenStore>): void {
  describe(`actor runtime on ${name}`, () => {
    let opened: OpenStore;
    const runtimes: ActorRuntime[] = [];
    const crashPlan = new Map<string, number>();

    /** A runtime; with `background`, also the outbox and timers a node's bootstrap builds over it (stopped with it). */
    function runtime({ background, ...options }: Partial<RuntimeOptions> & { background?: boolean } = {}): ActorRuntime {
      const rt = new ActorRuntime([counterType(crashPlan)], {
        store: opened.store,
        deadLetters: opened.deadLetters,
        ...options,
        settings: { backoffBaseMs: 0, ...options.settings },
      });
      if (background) withBackground(rt, opened, options.clock ? { clock: options.clock } : {});
      runtimes.push(rt);
      return rt;
    }
    const letters = (rt: ActorRuntime) => new DeadLetterAdmin(opened.deadLetters, rt);

    beforeAll(async () => {
      opened = await openStore();
    });
    afterAll(async () => {
      await Promise.all(runtimes.map((rt) => rt.stop()));
      await opened?.close();
    });

    it('rebuilds the same state from snapshot + tail as from a full replay and as the live actor (property)', async () => {
      const clock = new SimulatedClock(T0);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.integer({ min: -2, max: 400 }), fc.constant('sweep' as const)), { minLength: 1, maxLength: 25 }),
          async (steps) => {
            const address = counter();
            const live = runtime({ clock, settings: { idleMs: 1 } });
            for (const step of steps) {
              if (step === 'sweep') {
                await clock.advance(5);
                live.sweep();
              } else {
                await live.send(add(address, step));
              }
            }
            const liveState = await live.current(address);
            const replayed = await live.replay(address);
            await live.stop();
            const restarted = await runtime().current(address);
            expect(restarted).toEqual(liveState);
            expect(replayed).toEqual(liveState);
            expect((liveState.state as CounterState).count).toBeLessThanOrEqual(1_000);
          },
        ),
        { numRuns: 20 },
      );
    });

    it('activates from the latest snapshot and the events after it', async () => {
      const { metrics, counts } = recordingMetrics();
      const address = counter();
      const first = runtime();
      for (let i = 0; i < 12; i++) okVersion(await first.send(add(address, 1)));
      await first.stop();
      const snapshot = await opened.store.loadSnapshot(address);
      expect(snapshot?.version).toBeGreaterThanOrEqual(10);
      const second = runtime({ metrics });
      expect(okVersion(await second.send(add(address, 1)))).toBe(13);
      expect(counts.activatedFromSnapshot).toBe(1);
      expect(((await second.current(address)).state as CounterState).count).toBe(13);
    });

    it('restarts a crashed actor with its state as the store says, and retries the message', async () => {
      const { metrics, counts } = recordingMetrics();
      const address = counter();
      const rt = runtime({ metrics });
      okVersion(await rt.send(add(address, 1)));
      // Another writer moves the stream behind this actor's back; only a reload can see it.
      okVersion(await runtime().send(add(address, 10)));
      const flaky = add(address, 100);
      crashPlan.set(flaky.id, 1);
      expect(okVersion(await rt.send(flaky))).toBe(3);
      expect(counts.restarted).toBe(1);
      expect(((await rt.current(address)).state as CounterState).count).toBe(111);
    });

    it("keeps one dead letter per sender when two players' commands of the same id crash", async () => {
      const address = counter();
      const rt = runtime({ settings: { maxAttempts: 1, quarantineAfter: 10 } });
      const id = `c8-${randomUUID()}`;
      crashPlan.set(id, 1_000);
      for (const userId of ['ada', 'bob']) {
        const poison: CommandEnvelope = { ...add(address, 1, id), meta: { origin: 'client', userId } };
        expect(await rt.send(poison)).toMatchObject({ status: 'failed', code: ErrorCode.ACTOR_CRASHED });
      }
      crashPlan.delete(id);
      const kept = await letters(rt).list({ actor: address });
      expect(kept.map((letter) => [letter.commandId, letter.command.meta.userId]).sort()).toEqual([[id, 'ada'], [id, 'bob']]);
    });

    it('dead-letters a poison message after K attempts, serves the next one, and lets an operator retry or discard it', async () => {
      const { metrics, counts } = recordingMetrics();
      const address = counter();
      const rt = runtime({ metrics, settings: { maxAttempts: 3, quarantineAfter: 10 } });
      const poison = add(address, 5);
      crashPlan.set(poison.id, 1_000);
      expect(await rt.send(poison)).toMatchObject({ status: 'failed', code: ErrorCode.ACTOR_CRASHED });
      expect(counts.restarted).toBe(3);
      expect(crashPlan.get(poison.id)).toBe(997);
      expect(okVersion(await rt.send(add(address, 1)))).toBe(1);
      const [letter] = await letters(rt).list({ actor: address });
      expect(letter).toMatchObject({ actor: address, commandId: poison.id, attempts: 3, command: poison });
      expect(letter!.error).toContain('planned crash');

      crashPlan.delete(poison.id);
      expect(okVersion(await letters(rt).retry(letter!.id))).toBe(2);
      expect(await letters(rt).list({ actor: address })).toEqual([]);
      expect(((await rt.current(address)).state as CounterState).count).toBe(6);

      const second = add(address, 7);
      crashPlan.set(second.id, 1_000);
      await rt.send(second);
      const [again] = await letters(rt).list({ actor: address });
      expect(await letters(rt).discard(again!.id)).toBe(true);
      expect(await letters(rt).list({ actor: address })).toEqual([]);
      expect(await letters(rt).retry(again!.id)).toMatchObject({ status: 'failed', code: ErrorCode.DEAD_LETTER_NOT_FOUND });
    });

    it('keeps a poison command as it was sent, even with text jsonb refuses (a NUL, an unpaired surrogate)', async () => {
      const { metrics, counts } = recordingMetrics();
      const address = counter();
      const rt = runtime({ metrics, settings: { maxAttempts: 1, quarantineAfter: 10 } });
      const poison = { ...add(address, 5), payload: { n: 5, note: 'a\u0000 F\udfff' } };
      crashPlan.set(poison.id, 1_000);
      expect(await rt.send(poison)).toMatchObject({ status: 'failed', code: ErrorCode.ACTOR_CRASHED, message: expect.stringContaining('kept as a dead letter') });
      const [letter] = await letters(rt).list({ actor: address });
      expect(letter?.command).toEqual(poison);
      expect(counts).toMatchObject({ deadLettered: 1, deadLettersLost: [] });
    });

    it('never says a command is kept as a dead letter when keeping it failed, and reports the loss', async () => {
      const { metrics, counts } = recordingMetrics();
      const address = counter();
      const rt = runtime({ metrics, settings: { maxAttempts: 2, quarantineAfter: 10 } });
      const poison = add(address, 5, `unkept-${randomUUID()}`);
      crashPlan.set(poison.id, 1_000);
      await opened.store.sql`alter table dead_letters add constraint refuse_unkept check (command_id not like 'unkept-%')`;
      try {
        const outcome = await rt.send(poison);
        expect(outcome).toMatchObject({ status: 'failed', code: ErrorCode.ACTOR_CRASHED_NOT_KEPT });
        expect((outcome as { message: string }).message).not.toContain('it is kept');
      } finally {
        await opened.store.sql`alter table dead_letters drop constraint refuse_unkept`;
      }
      expect(counts.deadLettersLost).toEqual([expect.stringContaining(poison.id)]);
      expect(counts.deadLettered).toBe(0);
      expect(await letters(rt).list({ actor: address })).toEqual([]);
      expect(okVersion(await rt.send(add(address, 1)))).toBe(1);
    });

    it('answers a command whose events the store cannot keep at once, without a crash, a retry or a quarantine', async () => {
      const { metrics, counts } = recordingMetrics();
      const address = counter();
      const rt = runtime({ metrics, settings: { maxAttempts: 3, quarantineAfter: 2 } });
      okVersion(await rt.send(add(address, 1)));
      for (const to of ['counter/x\u0000', 'counter/\udfff', 'counter/y\u0000']) {
        const forward: CommandEnvelope = { id: randomUUID(), to: address, type: 'counter.forward', payload: { to, n: 1 }, meta: { origin: 'client', userId: 'tester' } };
        expect(await rt.send(forward)).toMatchObject({ status: 'failed', code: ErrorCode.EVENT_NOT_SERIALIZABLE });
      }
      expect(counts).toMatchObject({ restarted: 0, deadLettered: 0, quarantined: 0 });
      expect(okVersion(await rt.send(add(address, 1)))).toBe(2);
      expect((await opened.store.readStream(address)).map((e) => e.type)).toEqual(['counter.added', 'counter.added']);
    });

    it('quarantines an actor that keeps crashing, then serves it again', async () => {
      const { metrics, counts } = recordingMetrics();
      const clock = new SimulatedClock(T0);
      const address = counter();
      const rt = runtime({ metrics, clock, settings: { maxAttempts: 1, quarantineAfter: 2, quarantineMs: 10_000 } });
      for (let i = 0; i < 2; i++) {
        const poison = add(address, 1);
        crashPlan.set(poison.id, 1_000);
        expect(await rt.send(poison)).toMatchObject({ code: ErrorCode.ACTOR_CRASHED });
      }
      expect(counts.quarantined).toBe(1);
      expect(await rt.send(add(address, 1))).toMatchObject({ status: 'failed', code: ErrorCode.ACTOR_UNAVAILABLE });
      await clock.advance(10_001);
      expect(okVersion(await rt.send(add(address, 1)))).toBe(1);
    });

    it('answers a duplicate command id with the first outcome and no new events, also after a restart', async () => {
      const address = counter();
      const first = runtime();
      const command = add(address, 3);
      okVersion(await first.send(add(address, 1)));
      const outcome = await first.send(command);
      expect(outcome).toMatchObject({ status: 'ok', version: 2, duplicate: false });
      expect(await first.send(command)).toMatchObject({ status: 'ok', version: 2, duplicate: true });
      okVersion(await first.send(add(address, 1)));
      await first.stop();
      const second = runtime();
      expect(await second.send(command)).toMatchObject({ status: 'ok', version: 2, duplicate: true });
      expect(await opened.store.readStream(address)).toHaveLength(3);
      expect(((await second.current(address)).state as CounterState).count).toBe(5);
      // Refused now (over the limit), but it took effect the first time: still the first outcome.
      const big = add(address, 900);
      okVersion(await second.send(big));
      await second.stop();
      expect(await runtime().send(big)).toMatchObject({ status: 'ok', version: 4, duplicate: true });
    });

    it('loses no message when actors are passivated and evicted while messages stream in', async () => {
      const clock = new SimulatedClock(T0);
      const rt = runtime({ clock, settings: { idleMs: 1, maxActive: 3 } });
      const addresses = Array.from({ length: 8 }, counter);
      const sent = new Map(addresses.map((a) => [a, 0]));
      const pending: Array<Promise<Outcome>> = [];
      for (let round = 0; round < 25; round++) {
        for (const address of addresses) {
          const n = 1 + ((round * 7 + address.length) % 5);
          sent.set(address, sent.get(address)! + n);
          pending.push(rt.send(add(address, n)));
        }
        await clock.advance(2);
        rt.sweep();
        if (round % 3 === 0) await Promise.race(pending);
      }
      const outcomes = await Promise.all(pending);
      expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
      expect(rt.stats().active).toBeLessThanOrEqual(8);
      for (const address of addresses) {
        const events = await opened.store.readStream(address);
        expect(events).toHaveLength(25);
        expect(events.reduce((sum, e) => sum + (e.data as { n: number }).n, 0)).toBe(sent.get(address));
      }
    });

    it('counts the messages waiting and being handled, crashed ones too, and none once all are answered', async () => {
      const rt = runtime({ settings: { maxAttempts: 1 } });
      const [a, b] = [counter(), counter()];
      const poison = randomUUID();
      crashPlan.set(poison, 1);
      const pending = [...Array.from({ length: 12 }, () => rt.send(add(a, 1))), ...Array.from({ length: 8 }, (_, i) => rt.send(add(b, 1, i === 0 ? poison : undefined)))];
      expect(rt.stats().mailboxDepth).toBe(20);
      await pending[11];
      expect(rt.stats().mailboxDepth).toBeLessThanOrEqual(8);
      const outcomes = await Promise.all(pending);
      expect(outcomes.filter((o) => o.status !== 'ok')).toHaveLength(1); // b's first, dead-lettered
      expect(rt.stats().mailboxDepth).toBe(0);
    });

    it('reloads and retries once when another node wrote the stream', async () => {
      const address = counter();
      const a = runtime();
      const b = runtime();
      okVersion(await a.send(add(address, 1)));
      okVersion(await b.send(add(address, 2)));
      expect(okVersion(await a.send(add(address, 4)))).toBe(3);
      expect(((await a.current(address)).state as CounterState).count).toBe(7);
    });

    it('writes only while its ownership admits the actor, stamping the claim’s epoch, also after another node wrote', async () => {
      const address = counter();
      const claim = { admitted: true, epoch: 3 };
      const a = runtime({ ownership: { admits: () => claim.admitted, epochOf: () => claim.epoch }, settings: { node: 'node-a' } });
      okVersion(await a.send(add(address, 1)));
      // Another node took the shard over and wrote; this one's claim ran out meanwhile.
      okVersion(await runtime({ settings: { node: 'node-b' } }).send(add(address, 10)));
      claim.admitted = false;
      expect(await a.send(add(address, 100))).toMatchObject({ status: 'failed', code: ErrorCode.SHARD_UNAVAILABLE });
      // Back in charge under a newer epoch, it reloads what the other wrote and carries on.
      Object.assign(claim, { admitted: true, epoch: 5 });
      expect(okVersion(await a.send(add(address, 400)))).toBe(3);
      const events = await opened.store.readStream(address);
      expect(events.map((event) => [event.metadata.node, event.metadata.epoch])).toEqual([
        ['node-a', 3],
        ['node-b', undefined],
        ['node-a', 5],
      ]);
      expect(((await a.current(address)).state as CounterState).count).toBe(411);
    });

    it('fires a timer that fell due while the process was down', async () => {
      const clock = new SimulatedClock(T0);
      const address = counter();
      const before = runtime({ clock, background: true });
      before.start();
      const schedule: CommandEnvelope = { id: randomUUID(), to: address, type: 'counter.close-at', payload: { at: T0 + 60_000 }, meta: { origin: 'client', userId: 'tester' } };
      okVersion(await before.send(schedule));
      await eventually(async () => ((await opened.sql`select 1 from timers where actor = ${address}`).length > 0 ? true : undefined));
      await before.stop();
      await clock.advance(120_000);
      const after = runtime({ clock, background: true });
      after.start();
      await eventually(async () => ((await after.current(address)).lifecycle === 'closed' ? true : undefined));
      await eventually(async () => ((await opened.sql`select 1 from timers where actor = ${address}`).length === 0 ? true : undefined));
      expect(await after.send(add(address, 1))).toMatchObject({ status: 'rejected', code: 'COUNTER_CLOSED' });
      expect((await opened.store.readStream(address)).map((e) => e.type)).toEqual(['counter.close.scheduled', 'counter.closed']);
      // Its outbox would otherwise deliver the next test's effects, which must wait for a crash.
      await after.stop();
    });

    it('delivers an actor-to-actor command exactly once despite a crash between commit and send', async () => {
      const from = counter();
      const to = counter();
      // A node with no outbox processor: the events commit, then the node "dies" before sending.
      const crashed = runtime();
      okVersion(await crashed.send({ id: randomUUID(), to: from, type: 'counter.forward', payload: { to, n: 5 }, meta: { origin: 'client', userId: 'tester' } }));
      await crashed.stop();
      expect(await opened.store.readStream(to)).toEqual([]);
      const checkpointBefore = await opened.store.loadCheckpoint('runtime.effects');

      const survivor = runtime({ background: true });
      survivor.start();
      await eventually(async () => ((await opened.store.readStream(to)).length === 1 ? true : undefined));
      await survivor.stop();
      // Delivered again from an older checkpoint (a crash after sending, before checkpointing).
      await opened.store.commitCheckpoint('runtime.effects', checkpointBefore);
      const again = runtime({ background: true });
      again.start();
      await eventually(async () => {
        const cursor = await opened.store.loadCheckpoint('runtime.effects');
        return cursor.txId > checkpointBefore.txId || cursor.position > checkpointBefore.position ? true : undefined;
      });
      const received = await opened.store.readStream(to);
      expect(received.map((e) => [e.type, e.data])).toEqual([['counter.received', { n: 5, from: expect.any(String) }]]);
    });

    it('refuses malformed, unknown and forbidden commands before they reach an actor', async () => {
      const rt = runtime();
      const address = counter();
      const cases: Array<[CommandEnvelope, string]> = [
        [{ ...add(address, 1), id: '' }, ErrorCode.COMMAND_INVALID],
        [{ ...add(address, 1), to: 'counter' }, ErrorCode.COMMAND_INVALID],
        [{ ...add(address, 1), meta: {} as never }, ErrorCode.COMMAND_INVALID],
        [{ ...add(address, 1), to: 'planet/mars' }, ErrorCode.ACTOR_TYPE_UNKNOWN],
        [{ ...add(address, 1), type: 'counter.explode' }, ErrorCode.COMMAND_UNKNOWN],
        [{ ...add(address, 1), type: 'counter.receive' }, ErrorCode.COMMAND_UNKNOWN], // a system command, from a client
      ];
      for (const [envelope, code] of cases) expect(await rt.send(envelope)).toMatchObject({ status: 'failed', code });
      expect(await rt.send(add(address, -1))).toMatchObject({ status: 'rejected', code: 'COUNTER_AMOUNT_INVALID' });
      expect(await opened.store.readStream(address)).toEqual([]);
      expect(rt.stats().active).toBe(1);
    });
  });
}
