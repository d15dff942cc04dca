import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GamifierClient, WatchItem } from '../../protocol/client/index.js';
import { sdkPlayer, startTestServer, type HttpPlayer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres } from '../../test/support/services.js';

const available = await needPostgres();

type FeedItem = { id: string; kind: string; data: { postId?: string; likes?: number; comments?: number; liked?: boolean; text?: string } };
type PostState = { state: string; authorId: string | null; text: string | null; likes: number; comments: Array<{ commentId: string; userId: string; text: string }> };

/**
 * Posts, likes and comments over the SDK on the wired server: what the author, a friend watching
 * their feed and a watcher of the post's own topic each receive.
 */
describe.skipIf(!available)('social posts end to end (PostgreSQL)', () => {
  let running: TestServer;
  const clients: GamifierClient[] = [];

  async function player(userId: string): Promise<{ http: HttpPlayer; ws: GamifierClient }> {
    const { http, ws } = await sdkPlayer(running.url, userId);
    clients.push(ws);
    expect((await ws.send({ to: `user/${userId}`, type: 'user.register', payload: { displayName: userId, timezone: 'UTC' } })).status).toBe('ok');
    return { http, ws };
  }
  const collect = (items: WatchItem[]) => (item: WatchItem) => void items.push(item);
  const latest = <S>(items: WatchItem[]) => items[items.length - 1]?.state as S | undefined;
  const until = <T>(what: string, check: () => T | undefined) => eventually(async () => check(), 10_000, what);

  beforeAll(async () => {
    running = await startTestServer('postgres');
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await running?.close();
  });

  it('posts, likes once, comments and deletes, pushed to the author, a friend\'s feed and the post\'s watchers', async () => {
    const ada = await player('ada');
    const bob = await player('bob');
    const cy = await player('cy');
    await ada.ws.send({ to: 'user/ada', type: 'friend.request', payload: { userId: 'bob' } });
    await eventually(async () => ((await bob.ws.send({ to: 'user/bob', type: 'friend.accept', payload: { userId: 'ada' } })).status === 'ok' ? true : undefined));

    const own: WatchItem[] = [];
    const feed: WatchItem[] = [];
    ada.ws.watch('user/ada', { onItem: collect(own) });
    bob.ws.watch('feed/bob', { onItem: collect(feed) });
    await until('the snaps', () => (own.length > 0 && feed.length > 0 ? true : undefined));

    // The author posts: their own topic shows the post's event.
    expect(await ada.ws.send({ to: 'user/ada', type: 'post.create', payload: { postId: 'p1', text: 'Oats again' } })).toMatchObject({ status: 'ok' });
    const created = await until('the author\'s push', () => own.find((item) => item.kind === 'evt' && item.event.type === 'social.post.created'));
    expect(created).toMatchObject({ event: { data: { postId: 'p1', kind: 'text', text: 'Oats again' } } });

    // The friend sees it in their feed, with no likes or comments yet.
    const item = () => latest<FeedItem[]>(feed)?.find((row) => row.kind === 'post' && row.data.postId === 'p1');
    await until('the post in the friend\'s feed', () => item());
    expect(item()!.data).toMatchObject({ text: 'Oats again', likes: 0, comments: 0, liked: false });

    // Anyone may watch the post itself (cy is no friend of ada's).
    const post: WatchItem[] = [];
    cy.ws.watch('post/p1', { onItem: collect(post) });
    await until('the post\'s snap', () => (latest<PostState>(post)?.state === 'published' ? true : undefined));
    expect(latest<PostState>(post)).toMatchObject({ authorId: 'ada', text: 'Oats again', likes: 0, comments: [] });

    // Bob likes it twice: it counts once.
    expect(await bob.ws.send({ to: 'like/p1@bob', type: 'post.like', payload: {} })).toMatchObject({ status: 'ok' });
    expect(await bob.ws.send({ to: 'like/p1@bob', type: 'post.like', payload: {} })).toMatchObject({ status: 'ok' });
    await until('the like on the post\'s topic', () => (latest<PostState>(post)?.likes === 1 ? true : undefined));
    await until('the like in the feed', () => (item()?.data.likes === 1 && item()?.data.liked === true ? true : undefined));
    // Only bob commands bob's like.
    expect(await ada.ws.send({ to: 'like/p1@bob', type: 'post.unlike', payload: {} })).toMatchObject({ status: 'error', code: 'AUTH_FORBIDDEN' });

    // Comments: added by anyone, deleted by their writer only.
    expect(await bob.ws.send({ to: 'post/p1', type: 'comment.add', payload: { commentId: 'k1', text: 'Nice' } })).toMatchObject({ status: 'ok' });
    expect(await cy.ws.send({ to: 'post/p1', type: 'comment.add', payload: { commentId: 'k2', text: 'Yum' } })).toMatchObject({ status: 'ok' });
    await until('the comments on the post\'s topic', () => (latest<PostState>(post)?.comments.length === 2 ? true : undefined));
    expect(latest<PostState>(post)!.comments.map((c) => [c.commentId, c.userId, c.text])).toEqual([['k1', 'bob', 'Nice'], ['k2', 'cy', 'Yum']]);
    await until('the comments in the feed', () => (item()?.data.comments === 2 ? true : undefined));
    expect(await ada.ws.send({ to: 'post/p1', type: 'comment.delete', payload: { commentId: 'k1' } })).toMatchObject({ status: 'error', code: 'CMD_REJECTED', reason: 'COMMENT_NOT_AUTHOR' });
    expect(await bob.ws.send({ to: 'post/p1', type: 'comment.delete', payload: { commentId: 'k1' } })).toMatchObject({ status: 'ok' });

    // Bob takes his like back.
    expect(await bob.ws.send({ to: 'like/p1@bob', type: 'post.unlike', payload: {} })).toMatchObject({ status: 'ok' });
    await until('the unlike on the post\'s topic', () => (latest<PostState>(post)?.likes === 0 && latest<PostState>(post)?.comments.length === 1 ? true : undefined));
    await until('the unlike in the feed', () => (item()?.data.likes === 0 && item()?.data.liked === false && item()?.data.comments === 1 ? true : undefined));

    // The feed read says the same as the feed's pushes.
    const read = await bob.http.request('GET', '/v1/players/bob/feed');
    expect(read.body.items.find((row: FeedItem) => row.kind === 'post')).toMatchObject({ data: { postId: 'p1', likes: 0, comments: 1, liked: false } });

    // Only the author deletes the post; then it is gone from the feed, and its topic says so.
    expect(await bob.ws.send({ to: 'post/p1', type: 'post.delete', payload: {} })).toMatchObject({ status: 'error', code: 'CMD_REJECTED', reason: 'POST_NOT_AUTHOR' });
    expect(await ada.ws.send({ to: 'post/p1', type: 'post.delete', payload: {} })).toMatchObject({ status: 'ok' });
    await until('the deletion on the post\'s topic', () => (latest<PostState>(post)?.state === 'deleted' ? true : undefined));
    expect(latest<PostState>(post)).toMatchObject({ text: null, comments: [] });
    await until('the post gone from the feed', () => (latest<FeedItem[]>(feed)?.some((row) => row.kind === 'post') === false ? true : undefined));
    expect(await cy.ws.send({ to: 'post/p1', type: 'comment.add', payload: { commentId: 'k3', text: 'Late' } })).toMatchObject({ status: 'error', reason: 'POST_DELETED' });
  }, 60_000);
});
