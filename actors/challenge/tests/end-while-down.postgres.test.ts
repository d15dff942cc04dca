import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type OpenStore } from '../../../store/index.js';
import { withBackground } from '../../../test/support/background.js';
import { dropSchema, eventually, needPostgres, postgresUrl, uniqueSchema } from '../../../test/support/services.js';
import { SimulatedClock } from '../../runtime/clock.js';
import { ActorRuntime } from '../../runtime/runtime.js';
import type { Outcome } from '../../runtime/outcome.js';
import { userActorType, type UserState } from '../../user/index.js';
import { challengeActorType, type ChallengeState } from '../index.js';

const available = await needPostgres();
const schema = uniqueSchema('game');
const T0 = Date.parse('2026-05-04T09:00:00Z');
const minute = 60_000;

describe.skipIf(!available)('a challenge on the real runtime and PostgreSQL', () => {
  let opened: OpenStore;
  const clock = new SimulatedClock(T0);
  const runtimes: ActorRuntime[] = [];
  const startRuntime = () => {
    const runtime = withBackground(new ActorRuntime([userActorType, challengeActorType], { store: opened.store, deadLetters: opened.deadLetters, clock }), opened, { clock, pollMs: 50 });
    runtime.start();
    runtimes.push(runtime);
    return runtime;
  };
  const send = async (runtime: ActorRuntime, userId: string, to: string, type: string, payload: unknown): Promise<Outcome> => {
    const outcome = await runtime.send({ id: randomUUID(), to, type, payload, meta: { origin: 'client', userId } });
    expect(outcome, `${type} to ${to}: ${JSON.stringify(outcome)}`).toMatchObject({ status: 'ok' });
    return outcome;
  };
  const meal = (mealId: string) => ({
    mealId,
    mealType: 'lunch',
    eatenAt: clock.now(),
    foods: [{ name: 'rice', quantity: 150, unit: 'g', calories: 200, proteinG: 4, carbsG: 44, fatG: 0.4 }],
  });

  beforeAll(async () => {
    opened = await openStore({ databaseUrl: postgresUrl, dataDir: 'memory', poolSize: 6, schema });
  });
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.stop();
    await opened?.close();
    await dropSchema(schema);
  });

  it('finishes when its end timer fell due while the process was down, and rewards the winners once', async () => {
    const before = startRuntime();
    const challenge = `challenge/${randomUUID()}`;
    for (const [id, name] of [['ada', 'Ada'], ['bob', 'Bob'], ['cyd', 'Cyd']] as const) {
      await send(before, id, `user/${id}`, 'user.register', { displayName: name, timezone: 'Europe/Berlin' });
    }
    await send(before, 'ada', challenge, 'challenge.create', {
      challengeId: challenge.slice('challenge/'.length),
      title: 'Lunch sprint',
      kind: 'meals-logged',
      startsAt: T0 + minute,
      endsAt: T0 + 60 * minute,
      maxParticipants: 10,
    });
    for (const id of ['ada', 'bob', 'cyd']) await send(before, id, challenge, 'challenge.join', {});
    // The players learn they are in the challenge through actor-to-actor commands.
    await eventually(async () => {
      const states = await Promise.all(['ada', 'bob', 'cyd'].map((id) => before.current(`user/${id}`)));
      return states.every((s) => Object.keys((s.state as UserState).challenges).length === 1) ? true : undefined;
    });

    await clock.advance(2 * minute);
    await eventually(async () => ((await before.current(challenge)).lifecycle === 'running' ? true : undefined));
    await send(before, 'bob', 'user/bob', 'meal.log', meal('b1'));
    await send(before, 'bob', 'user/bob', 'meal.log', meal('b2'));
    await send(before, 'ada', 'user/ada', 'meal.log', meal('a1'));
    await eventually(async () => {
      const participants = ((await before.current(challenge)).state as ChallengeState).participants;
      return participants.bob?.score === 2 && participants.ada?.score === 1 ? true : undefined;
    });

    // The process goes down; the challenge's end passes while nothing runs.
    await before.stop();
    await clock.advance(3 * 60 * minute);
    const after = startRuntime();

    await eventually(async () => ((await after.current(challenge)).lifecycle === 'finished' ? true : undefined));
    await eventually(async () => {
      const bob = (await after.current('user/bob')).state as UserState;
      return bob.achievements.includes('challenge-winner') ? bob : undefined;
    });
    const awards = async (id: string) =>
      (await opened.store.readStream(`user/${id}`))
        .filter((e) => e.type === 'points.earned' && String((e.data as { sourceId: string }).sourceId).startsWith('challenge:'))
        .map((e) => (e.data as { amount: number }).amount);
    // Each winner's award is a command of its own, delivered independently of bob's.
    await eventually(async () => ((await awards('ada')).length > 0 ? true : undefined));
    expect(await awards('bob')).toEqual([300]);
    expect(await awards('ada')).toEqual([150]);
    expect(await awards('cyd')).toEqual([]);
    const finished = (await opened.store.readStream(challenge)).find((e) => e.type === 'challenge.finished');
    expect((finished?.data as { ranking: Array<{ userId: string }> }).ranking.map((r) => r.userId).slice(0, 2)).toEqual(['bob', 'ada']);
  });
});
