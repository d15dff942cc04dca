// The gateway end to end: the real SDK over real sockets, against the real actors on a real
// store, on both transports and both subprotocols.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type GamifierClient, type WatchItem, type WebSocketConstructor } from '../../../protocol/client/index.js';
import { eventually } from '../../../test/support/services.js';
import type { TransportKind } from '../index.js';
import { food, startStack, uniqueId, type Database, type RunningGateway, type Stack } from './harness.js';

const transports: TransportKind[] = ['uws', 'ws'];
const protocols = ['msgpack', 'json'] as const;

export function sessionSuite(database: Database): void {
  describe(`the WebSocket gateway on ${database}`, () => {
    let stack: Stack;
    const gateways = new Map<TransportKind, RunningGateway>();
    const clients: GamifierClient[] = [];

    beforeAll(async () => {
      stack = await startStack(database);
      for (const kind of transports) gateways.set(kind, await stack.gateway(kind));
    });
    afterAll(async () => {
      await Promise.all(clients.map((client) => client.close()));
      await stack?.close();
    });

    describe.each(transports.flatMap((kind) => protocols.map((protocol) => ({ kind, protocol }))))('over $kind with $protocol', ({ kind, protocol }) => {
      const url = () => gateways.get(kind)!.url;

      async function player(name: string, options: { WebSocket?: WebSocketConstructor; before?: () => Promise<void> } = {}) {
        const userId = uniqueId(name);
        const token = await stack.token(userId);
        const before = options.before;
        const client = await connect({
          url: url(),
          token: before ? () => before().then(() => token) : token,
          WebSocket: options.WebSocket ?? WebSocket,
          protocol,
          reconnect: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 },
        });
        clients.push(client);
        return { userId, token, client };
      }

      const meal = (mealId: string) => ({ mealId, mealType: 'lunch' as const, eatenAt: Date.now(), foods: [food] });

      async function register(client: GamifierClient, userId: string) {
        const result = await client.send({ to: `user/${userId}`, type: 'user.register', payload: { displayName: userId.slice(0, 20), timezone: 'Europe/Paris' } });
        expect(result, JSON.stringify(result)).toMatchObject({ status: 'ok' });
      }

      async function createChallenge(client: GamifierClient, kindOf: 'meals-logged' | 'water-ml' = 'meals-logged') {
        const challengeId = uniqueId('c');
        const now = Date.now();
        const result = await client.send({
          to: `challenge/${challengeId}`,
          type: 'challenge.create',
          payload: { title: 'Lunch week', kind: kindOf, startsAt: now - 1_000, endsAt: now + 3_600_000, maxParticipants: 10 },
        });
        expect(result, JSON.stringify(result)).toMatchObject({ status: 'ok' });
        return challengeId;
      }

      async function tracking(userId: string, challengeId: string) {
        await eventually(async () => {
          const user = await stack.runtime.current(`user/${userId}`);
          return Object.hasOwn((user.state as { challenges: object }).challenges, challengeId) ? true : undefined;
        }, 15_000, `user/${userId} to track challenge/${challengeId}`);
      }

      /** Waits until the watch has delivered the stream's last version. */
      async function caughtUp(items: WatchItem[], stream: string) {
        await eventually(async () => {
          const head = await stack.store.store.streamVersion(stream);
          return items.at(-1)?.version === head ? head : undefined;
        }, 15_000, `${stream} to be delivered`);
      }

      /** The items are one snap, then every event after it exactly once, in order, as the store has them. */
      async function expectExactly(items: WatchItem[], stream: string) {
        expect(items[0]?.kind).toBe('snap');
        const snapVersion = items[0]!.version;
        const events = items.slice(1);
        expect(events.every((item) => item.kind === 'evt')).toBe(true);
        // Up to what was delivered: a timer may append more meanwhile, which caughtUp waited past once.
        const stored = await stack.store.store.readStream(stream, { fromVersion: snapVersion + 1, toVersion: items.at(-1)!.version });
        expect(events.map((item) => item.version)).toEqual(stored.map((event) => event.version));
        expect(events.map((item) => (item.kind === 'evt' ? item.event.type : ''))).toEqual(stored.map((event) => event.type));
      }

      it('plays a session: register, log meals, create and join a challenge', async () => {
        const { userId, client } = await player('ada');
        const first = await client.send({ to: `user/${userId}`, type: 'user.register', payload: { displayName: 'Ada', timezone: 'Europe/Paris' } });
        expect(first).toMatchObject({ status: 'ok', version: 1, duplicate: false });
        const again = await client.send({ to: `user/${userId}`, type: 'user.register', payload: { displayName: 'Ada', timezone: 'UTC' } });
        expect(again).toMatchObject({ status: 'error', code: 'CMD_REJECTED', reason: 'USER_ALREADY_REGISTERED' });
        const goal = await client.send({ to: `user/${userId}`, type: 'goal.set', payload: { calories: 2000, proteinG: 100, carbsG: 250, fatG: 70, waterMl: 2000 } });
        expect(goal).toMatchObject({ status: 'ok' });
        const lunch = await client.send({ to: `user/${userId}`, type: 'meal.log', payload: meal('m1') });
        const dinner = await client.send({ to: `user/${userId}`, type: 'meal.log', payload: { ...meal('m2'), mealType: 'dinner' } });
        expect(lunch.status === 'ok' && dinner.status === 'ok' && dinner.version > lunch.version).toBe(true);
        expect(await client.send({ to: `user/${userId}`, type: 'water.log', payload: { ml: 500, drankAt: Date.now() } })).toMatchObject({ status: 'ok' });
        expect(await client.send({ to: `user/${userId}`, type: 'meal.delete', payload: { mealId: 'nope' } })).toMatchObject({ status: 'error', code: 'CMD_REJECTED' });

        const challengeId = await createChallenge(client);
        expect(await client.send({ to: `challenge/${challengeId}`, type: 'challenge.join', payload: {} })).toMatchObject({ status: 'ok' });
        expect(await client.send({ to: `user/${uniqueId('bob')}`, type: 'water.log', payload: { ml: 1, drankAt: Date.now() } })).toMatchObject({
          status: 'error',
          code: 'AUTH_FORBIDDEN',
        });

        const events = await stack.store.store.readStream(`user/${userId}`);
        expect(events.filter((event) => event.type === 'nutrition.meal.logged')).toHaveLength(2);
        expect(events[0]).toMatchObject({ type: 'user.registered', metadata: { userId, correlationId: expect.any(String) } });
        // The challenge tells the player's actor it tracks it (an effect, delivered after the ack).
        await tracking(userId, challengeId);
        const challenge = await stack.runtime.current(`challenge/${challengeId}`);
        expect(challenge).toMatchObject({ lifecycle: expect.stringMatching(/open|running/), state: { participantCount: 1 } });
      });

      it('delivers every change of user/ and challenge/ once, in order', async () => {
        const ada = await player('ada');
        const bob = await player('bob');
        const mine: WatchItem[] = [];
        const race: WatchItem[] = [];
        const userWatch = ada.client.watch(`user/${ada.userId}`, { onItem: (item) => mine.push(item) });
        await eventually(async () => (mine.length > 0 ? true : undefined));
        expect(mine[0]).toMatchObject({ kind: 'snap', version: 0, state: { registered: false } });

        await register(ada.client, ada.userId);
        await register(bob.client, bob.userId);
        const challengeId = await createChallenge(ada.client);
        const raceWatch = ada.client.watch(`challenge/${challengeId}`, { onItem: (item) => race.push(item) });
        for (const client of [ada.client, bob.client]) {
          expect(await client.send({ to: `challenge/${challengeId}`, type: 'challenge.join', payload: {} })).toMatchObject({ status: 'ok' });
        }
        // Meals count once the players' actors track the challenge (an effect of the join).
        for (const userId of [ada.userId, bob.userId]) await tracking(userId, challengeId);
        for (let i = 1; i <= 3; i++) {
          await ada.client.send({ to: `user/${ada.userId}`, type: 'meal.log', payload: meal(`a${i}`) });
          await bob.client.send({ to: `user/${bob.userId}`, type: 'meal.log', payload: meal(`b${i}`) });
        }
        // Progress reaches the challenge through the players' actors (effects); wait for it all.
        await eventually(async () => {
          const folded = await stack.runtime.current(`challenge/${challengeId}`);
          const scores = Object.values((folded.state as { participants: Record<string, { score: number }> }).participants).map((p) => p.score);
          return scores.length === 2 && scores.every((score) => score === 3) ? true : undefined;
        }, 15_000, 'the challenge to count every meal');
        await caughtUp(mine, `user/${ada.userId}`);
        await caughtUp(race, `challenge/${challengeId}`);

        await expectExactly(mine, `user/${ada.userId}`);
        await expectExactly(race, `challenge/${challengeId}`);
        expect(race[0]).toMatchObject({ kind: 'snap', state: { challengeId, definition: { title: 'Lunch week' } } });
        const types = race.map((item) => (item.kind === 'evt' ? item.event.type : 'snap'));
        expect(types.filter((type) => type === 'challenge.participant.joined')).toHaveLength(2);
        expect(types.filter((type) => type === 'challenge.progress.recorded')).toHaveLength(6);
        for (const watch of [userWatch, raceWatch]) expect(watch.stats).toEqual({ duplicates: 0, gaps: 0 });
        userWatch.close();
        raceWatch.close();
      });

      it('after a dropped connection, sends exactly the events missed meanwhile', async () => {
        const sockets: WebSocket[] = [];
        class TrackedWebSocket extends WebSocket {
          constructor(address: string, protocols: string | string[]) {
            super(address, protocols);
            sockets.push(this);
          }
        }
        // The token function runs on every connection: holding it keeps the client away.
        let gate: Promise<void> = Promise.resolve();
        let release = () => {};
        const ada = await player('ada', { WebSocket: TrackedWebSocket, before: () => gate });
        const bob = await player('bob');
        await register(ada.client, ada.userId);
        await register(bob.client, bob.userId);
        const challengeId = await createChallenge(bob.client);
        await bob.client.send({ to: `challenge/${challengeId}`, type: 'challenge.join', payload: {} });
        await tracking(bob.userId, challengeId);

        const race: WatchItem[] = [];
        const mine: WatchItem[] = [];
        const raceWatch = ada.client.watch(`challenge/${challengeId}`, { onItem: (item) => race.push(item) });
        const userWatch = ada.client.watch(`user/${ada.userId}`, { onItem: (item) => mine.push(item) });
        await caughtUp(race, `challenge/${challengeId}`);
        await caughtUp(mine, `user/${ada.userId}`);
        const seenBefore = { race: race.length, mine: mine.length };

        gate = new Promise((resolve) => (release = resolve));
        sockets.at(-1)!.terminate(); // the connection drops, as on a network failure
        await eventually(async () => (ada.client.status === 'reconnecting' || ada.client.status === 'connecting' ? true : undefined));

        // Meanwhile: bob logs meals (challenge progress) and asks ada to be friends (ada's stream).
        for (let i = 1; i <= 3; i++) await bob.client.send({ to: `user/${bob.userId}`, type: 'meal.log', payload: meal(`m${i}`) });
        expect(await bob.client.send({ to: `user/${bob.userId}`, type: 'friend.request', payload: { userId: ada.userId } })).toMatchObject({ status: 'ok' });
        const charlie = await player('charlie');
        await register(charlie.client, charlie.userId);
        await charlie.client.send({ to: `challenge/${challengeId}`, type: 'challenge.join', payload: {} });
        await eventually(async () => {
          const folded = await stack.runtime.current(`user/${ada.userId}`);
          return Object.hasOwn((folded.state as { requestsReceived: object }).requestsReceived, bob.userId) ? true : undefined;
        });
        await eventually(async () => {
          const folded = await stack.runtime.current(`challenge/${challengeId}`);
          const state = folded.state as { participantCount: number; participants: Record<string, { score: number }> };
          return state.participantCount === 2 && state.participants[bob.userId]?.score === 3 ? true : undefined;
        }, 15_000, 'the challenge to count the meals and charlie');
        expect(race.length).toBe(seenBefore.race);
        expect(mine.length).toBe(seenBefore.mine);

        release();
        await caughtUp(race, `challenge/${challengeId}`);
        await caughtUp(mine, `user/${ada.userId}`);
        await expectExactly(race, `challenge/${challengeId}`);
        await expectExactly(mine, `user/${ada.userId}`);
        // Resumed, not restarted: the one snap is the first one.
        expect(race.filter((item) => item.kind === 'snap')).toHaveLength(1);
        expect(mine.filter((item) => item.kind === 'snap')).toHaveLength(1);
        expect(race.length).toBeGreaterThan(seenBefore.race);
        expect(mine.length).toBeGreaterThan(seenBefore.mine);
        for (const watch of [raceWatch, userWatch]) expect(watch.stats).toEqual({ duplicates: 0, gaps: 0 });
        expect(sockets.length).toBeGreaterThan(1);
      });

      it('applies a command sent again with the same id once', async () => {
        const { userId, client } = await player('ada');
        await register(client, userId);
        const id = uniqueId('cmd');
        const command = { id, to: `user/${userId}`, type: 'meal.log' as const, payload: meal('m1') };
        const first = await client.send(command);
        const second = await client.send(command);
        expect(first).toMatchObject({ status: 'ok', duplicate: false });
        expect(second).toMatchObject({ status: 'ok', duplicate: true, version: first.status === 'ok' ? first.version : -1 });
        // Another connection of the same player, the same id: still once.
        const other = await connect({ url: url(), token: await stack.token(userId), WebSocket, protocol, reconnect: false });
        clients.push(other);
        expect(await other.send(command)).toMatchObject({ status: 'ok', duplicate: true });
        const logged = (await stack.store.store.readStream(`user/${userId}`)).filter((event) => event.type === 'nutrition.meal.logged');
        expect(logged).toHaveLength(1);
      });
    });
  });
}
