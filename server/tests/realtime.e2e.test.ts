import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GamifierClient, WatchItem } from '../../protocol/client/index.js';
import { sdkPlayer, startTestServer, type HttpPlayer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres } from '../../test/support/services.js';

const available = await needPostgres();

/** The server as `gamifier start` wires it, watched over real sockets with the SDK. */
describe.skipIf(!available).each(['uws', 'ws'])('realtime topics on the wired server (PostgreSQL, GAMIFIER_WS=%s)', (websocket) => {
  let running: TestServer;
  const clients: GamifierClient[] = [];

  async function player(userId: string): Promise<{ http: HttpPlayer; ws: GamifierClient }> {
    const { http, ws } = await sdkPlayer(running.url, userId);
    clients.push(ws);
    return { http, ws };
  }
  const collect = (items: WatchItem[]) => (item: WatchItem) => void items.push(item);
  const meal = (mealId: string) => ({
    mealId,
    mealType: 'dinner' as const,
    eatenAt: Date.now(),
    foods: [{ name: 'salmon', quantity: 200, unit: 'g', calories: 400, proteinG: 40, carbsG: 0, fatG: 25 }],
  });

  beforeAll(async () => {
    running = await startTestServer('postgres', { GAMIFIER_WS: websocket });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await running?.close();
  });

  it("pushes a player's own changes, the leaderboard and the friends' feed to their watchers", async () => {
    const ada = await player('ada');
    const bob = await player('bob');
    expect((await ada.ws.send({ to: 'user/ada', type: 'user.register', payload: { displayName: 'Ada', timezone: 'UTC' } })).status).toBe('ok');
    expect((await bob.ws.send({ to: 'user/bob', type: 'user.register', payload: { displayName: 'Bob', timezone: 'UTC' } })).status).toBe('ok');
    await ada.ws.send({ to: 'user/ada', type: 'friend.request', payload: { userId: 'bob' } });
    await eventually(async () => ((await bob.ws.send({ to: 'user/bob', type: 'friend.accept', payload: { userId: 'ada' } })).status === 'ok' ? true : undefined));

    const own: WatchItem[] = [];
    const board: WatchItem[] = [];
    const feed: WatchItem[] = [];
    ada.ws.watch('user/ada', { onItem: collect(own) });
    ada.ws.watch('leaderboard/global', { onItem: collect(board) });
    bob.ws.watch('feed/bob', { onItem: collect(feed) });
    await eventually(async () => (own.length > 0 && board.length > 0 && feed.length > 0 ? true : undefined));
    expect(own[0]!.kind).toBe('snap');

    const logged = await ada.ws.send({ to: 'user/ada', type: 'meal.log', payload: meal('m1') });
    expect(logged).toMatchObject({ status: 'ok' });
    await eventually(async () => (own.some((item) => item.kind === 'evt' && item.version === (logged as { version: number }).version) ? true : undefined));
    const evts = own.filter((item) => item.kind === 'evt');
    expect(evts.map((item) => item.version)).toEqual(evts.map((_, i) => own[0]!.version + i + 1));
    await eventually(async () => (board.some((item) => item.kind === 'evt') ? true : undefined));
    await eventually(async () => (feed.some((item) => item.kind === 'evt') ? true : undefined));
    expect((await bob.ws.send({ to: 'user/ada', type: 'water.log', payload: { ml: 100, drankAt: Date.now() } }))).toMatchObject({
      status: 'error',
      code: 'AUTH_FORBIDDEN',
    });
  });
});
