import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GamifierClient, WatchItem } from '../../protocol/client/index.js';
import { sdkPlayer, startTestServer, type HttpPlayer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres } from '../../test/support/services.js';

const available = await needPostgres();

type PostState = { state: string; authorId: string | null; text: string | null; comments: Array<{ commentId: string; userId: string; text: string }> };
type UserState = { friends?: unknown; displayName?: string };

/**
 * Deleting an account over the SDK on the wired server: what the deleted player, a friend
 * watching their own topic and a watcher of a post the deleted player commented on receive.
 */
describe.skipIf(!available)('account deletion end to end (PostgreSQL)', () => {
  let running: TestServer;
  const clients: GamifierClient[] = [];
  const secret = randomUUID().slice(0, 8);

  async function player(userId: string, displayName = userId): Promise<{ http: HttpPlayer; ws: GamifierClient }> {
    const { http, ws } = await sdkPlayer(running.url, userId);
    clients.push(ws);
    expect((await ws.send({ to: `user/${userId}`, type: 'user.register', payload: { displayName, timezone: 'UTC' } })).status).toBe('ok');
    return { http, ws };
  }
  const collect = (items: WatchItem[]) => (item: WatchItem) => void items.push(item);
  const latest = <S>(items: WatchItem[]) => items[items.length - 1]?.state as S | undefined;
  const until = <T>(what: string, check: () => T | undefined | Promise<T | undefined>) => eventually(async () => check(), 10_000, what);

  beforeAll(async () => {
    running = await startTestServer('postgres');
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await running?.close();
  });

  it('deletes a player: friends are told, the posts they commented on forget their words, and they cannot come back', async () => {
    const ada = await player('ada', `Ada ${secret}`);
    const bob = await player('bob');
    await ada.ws.send({ to: 'user/ada', type: 'friend.request', payload: { userId: 'bob' } });
    await until('the friendship', async () => ((await bob.ws.send({ to: 'user/bob', type: 'friend.accept', payload: { userId: 'ada' } })).status === 'ok' ? true : undefined));
    expect(await bob.ws.send({ to: 'user/bob', type: 'post.create', payload: { postId: 'pb', text: 'Bob\'s lunch' } })).toMatchObject({ status: 'ok' });
    const post: WatchItem[] = [];
    const bobs: WatchItem[] = [];
    const adas: WatchItem[] = [];
    bob.ws.watch('post/pb', { onItem: collect(post) });
    bob.ws.watch('user/bob', { onItem: collect(bobs) });
    ada.ws.watch('user/ada', { onItem: collect(adas) });
    await until('the post', () => (latest<PostState>(post)?.state === 'published' ? true : undefined));
    expect(await ada.ws.send({ to: 'post/pb', type: 'comment.add', payload: { commentId: 'k1', text: `Ada says ${secret}` } })).toMatchObject({ status: 'ok' });
    await until('the comment', () => (latest<PostState>(post)?.comments.length === 1 ? true : undefined));
    await until('the snaps', () => (bobs.length > 0 && adas.length > 0 ? true : undefined));

    expect(await ada.ws.send({ to: 'user/ada', type: 'user.delete', payload: {} })).toMatchObject({ status: 'ok' });

    // Ada's own topic: the deletion, and a state with nothing of her.
    const gone = await until("the deletion on ada's topic", () => adas.find((item) => item.kind === 'evt' && item.event.type === 'user.account.deleted'));
    expect(gone).toMatchObject({ event: { data: { userId: 'ada', by: 'player' } } });
    expect(JSON.stringify(latest<UserState>(adas))).not.toContain(secret);
    // Bob's topic: the friendship's end, pushed.
    const removed = await until("the friendship's end on bob's topic", () => bobs.find((item) => item.kind === 'evt' && item.event.type === 'social.friend.removed'));
    expect(removed).toMatchObject({ event: { data: { userId: 'ada' } } });
    // The post's watchers: ada's comment reads (deleted), bob's post is untouched.
    const forgotten = await until('the forgetting on the post\'s topic', () => post.find((item) => item.kind === 'evt' && item.event.type === 'social.post.player.forgotten'));
    expect(forgotten).toMatchObject({ event: { data: { userId: 'ada', authorId: 'bob' } } });
    expect(latest<PostState>(post)).toMatchObject({ text: "Bob's lunch", comments: [{ commentId: 'k1', userId: 'ada', text: '(deleted)' }] });

    // She cannot come back under that id, nor command anything.
    expect(await ada.ws.send({ to: 'user/ada', type: 'user.register', payload: { displayName: 'Ada again', timezone: 'UTC' } })).toMatchObject({ status: 'error', code: 'CMD_REJECTED', reason: 'PLAYER_DELETED' });
    expect(await ada.ws.send({ to: 'user/ada', type: 'water.log', payload: { ml: 250, drankAt: Date.now() } })).toMatchObject({ status: 'error', reason: 'PLAYER_DELETED' });

    // The log reads her name redacted; no snapshot of hers is left.
    const raw = await running.server.store.sql<{ data: string }[]>`select data::text as data from events where stream_id in ('user/ada', 'post/pb')`;
    expect(raw.map((row) => row.data).join('\n')).not.toContain(secret);
    await until('the events read redacted', async () => {
      const events = await running.server.store.store.readStream('user/ada');
      return (events[0]!.data as { displayName: string }).displayName === '(deleted)' ? true : undefined;
    });
    await until('no snapshot of hers', async () => ((await running.server.store.store.loadSnapshot('user/ada')) === undefined ? true : undefined));
  }, 60_000);
});
