// Acceptance: a client that applies only the pushes to the snap it got holds exactly what a fresh
// snap shows, for every kind of topic — a real server on PostgreSQL, the real SDK, random commands.
import { Value } from '@sinclair/typebox/value';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type GamifierClient, type Watch } from '../../../protocol/client/index.js';
import { topicSchemas } from '../../../protocol/topic-schemas.js';
import { eventually, needPostgres } from '../../../test/support/services.js';
import { startTestServer, type TestServer } from '../../../test/support/server.js';

const available = await needPostgres();
const names = ['ana', 'bo', 'cy'] as const;
type Name = (typeof names)[number];

const command = fc.oneof(
  fc.record({ kind: fc.constant('meal' as const), who: fc.constantFrom(...names), calories: fc.integer({ min: 0, max: 900 }), meal: fc.nat(5) }),
  fc.record({ kind: fc.constant('unmeal' as const), who: fc.constantFrom(...names), meal: fc.nat(5) }),
  fc.record({ kind: fc.constant('water' as const), who: fc.constantFrom(...names), ml: fc.integer({ min: 1, max: 2_500 }) }),
  fc.record({ kind: fc.constant('goal' as const), who: fc.constantFrom(...names), calories: fc.integer({ min: 500, max: 3_000 }) }),
  fc.record({ kind: fc.constant('join' as const), who: fc.constantFrom(...names) }),
  fc.record({ kind: fc.constant('leave' as const), who: fc.constantFrom(...names) }),
  fc.record({ kind: fc.constant('friends' as const), who: fc.constantFrom(...names), with: fc.constantFrom(...names) }),
  fc.record({ kind: fc.constant('unfriend' as const), who: fc.constantFrom(...names), with: fc.constantFrom(...names) }),
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

describe.skipIf(!available)('pushes a client can apply (PostgreSQL, real SDK)', () => {
  let server: TestServer;
  const clients = new Map<Name, GamifierClient>();
  const ids = new Map<Name, string>();
  const watches: Watch[] = [];
  const run = Date.now().toString(36);
  const challenge = `pushes-${run}`;
  let seq = 0;
  /** Ana's second connection: where fresh snaps are asked for (a client watches a topic once). */
  let viewer: GamifierClient;

  const client = (name: Name) => clients.get(name)!;
  const token = async (userId: string) => {
    const response = await fetch(`${server.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId }) });
    return ((await response.json()) as { token: string }).token;
  };
  const send = (name: Name, to: string, type: string, payload: Record<string, unknown>) =>
    client(name).send({ id: `${name}-${++seq}`, to, type, payload } as never);

  beforeAll(async () => {
    server = await startTestServer('postgres');
    const url = `${server.url.replace('http', 'ws')}/v1/ws`;
    for (const name of names) {
      const userId = `${name}-${run}`;
      ids.set(name, userId);
      clients.set(name, await connect({ url, token: await token(userId), WebSocket }));
      expect(await send(name, `user/${userId}`, 'user.register', { displayName: name, timezone: 'Europe/Paris' })).toMatchObject({ status: 'ok' });
    }
    viewer = await connect({ url, token: await token(ids.get('ana')!), WebSocket });
    const now = Date.now();
    const created = await send('ana', `challenge/${challenge}`, 'challenge.create', {
      title: 'Pushes cup',
      kind: 'meals-logged',
      startsAt: now - 1_000,
      endsAt: now + 3_600_000,
      maxParticipants: 10,
    });
    expect(created).toMatchObject({ status: 'ok' });
    // Watched from the start: from here on, only pushes change what these watches hold.
    for (const topic of [`user/${ids.get('ana')}`, `challenge/${challenge}`, 'leaderboard/global', `feed/${ids.get('ana')}`]) {
      const watch = client('ana').watch(topic, { onItem: () => undefined });
      watches.push(watch);
    }
    await eventually(async () => (watches.every((watch) => watch.state !== undefined) ? true : undefined));
  }, 30_000);
  afterAll(async () => {
    await Promise.all([...clients.values(), viewer].map((each) => each?.close()));
    await server?.close();
  });

  async function apply(step: Command): Promise<void> {
    const user = (name: Name) => `user/${ids.get(name)}`;
    switch (step.kind) {
      case 'meal': {
        const food = { name: 'oats', quantity: 100, unit: 'g', calories: step.calories, proteinG: 10, carbsG: 50, fatG: 5 };
        await send(step.who, user(step.who), 'meal.log', { mealId: `m${step.meal}-${seq}`, mealType: 'lunch', eatenAt: Date.now(), foods: [food] });
        return;
      }
      case 'unmeal':
        await send(step.who, user(step.who), 'meal.delete', { mealId: `m${step.meal}-${seq - 1}` });
        return;
      case 'water':
        await send(step.who, user(step.who), 'water.log', { ml: step.ml, drankAt: Date.now() });
        return;
      case 'goal':
        await send(step.who, user(step.who), 'goal.set', { calories: step.calories, proteinG: 80, carbsG: 200, fatG: 60, waterMl: 2_000 });
        return;
      case 'join':
      case 'leave':
        await send(step.who, `challenge/${challenge}`, `challenge.${step.kind}`, {});
        return;
      case 'friends':
        if (step.who === step.with) return;
        await send(step.who, user(step.who), 'friend.request', { userId: ids.get(step.with)! });
        await send(step.with, user(step.with), 'friend.accept', { userId: ids.get(step.who)! });
        return;
      case 'unfriend':
        if (step.who !== step.with) await send(step.who, user(step.who), 'friend.remove', { userId: ids.get(step.with)! });
    }
  }

  /** A fresh snap of the topic, from a watch of its own. */
  async function freshSnap(topic: string): Promise<{ version: number; state: unknown }> {
    return new Promise((resolve, reject) => {
      const watch = viewer.watch(topic, {
        onItem: (item) => {
          if (item.kind !== 'snap') return;
          watch.close();
          resolve({ version: item.version, state: item.state });
        },
        onEnd: (error) => error && reject(error),
      });
    });
  }

  /** Each watch, once it reaches the version of a fresh snap, holds exactly that snap's state. */
  async function agree(): Promise<void> {
    for (const watch of watches) {
      const kind = watch.topic.slice(0, watch.topic.indexOf('/')) as keyof typeof topicSchemas;
      await eventually(
        async () => {
          const snap = await freshSnap(watch.topic);
          if (watch.version !== snap.version) return undefined; // pushes still on their way (or the read model moving)
          expect(Value.Errors(topicSchemas[kind].state, snap.state).First()).toBeUndefined();
          expect(watch.state, watch.topic).toEqual(snap.state);
          return true;
        },
        10_000,
        `${watch.topic} to agree with a fresh snap`,
      );
    }
  }

  it('for user/, challenge/, leaderboard/global and feed/: the pushes applied equal a fresh snap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (steps) => {
        for (const step of steps) await apply(step);
        await agree();
      }),
      { numRuns: 12, endOnFailure: true },
    );
  }, 120_000);
});
