import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MasterKeyring, NO_STREAM, openStore, type OpenStore } from '../../store/index.js';
import { gamePersonalData } from '../personal-data.js';

describe("the game's personal data policy", () => {
  let opened: OpenStore;
  beforeAll(async () => {
    opened = await openStore({ dataDir: 'memory', poolSize: 1, personalData: { policy: gamePersonalData, keyring: new MasterKeyring([{ id: 'k1', key: randomBytes(32) }]) } });
  });
  afterAll(() => opened.close());

  const raw = async (stream: string) => (await opened.sql<{ data: string }[]>`select data::text as data from events where stream_id = ${stream} order by version`).map((row) => row.data).join('\n');

  it("keeps a post's text under its author's key and a comment's under its commenter's, in the post's stream", async () => {
    const [author, commenter] = ['ann', 'cid'];
    const stream = `post/p-${randomUUID().slice(0, 8)}`;
    const postText = `my lunch ${randomUUID()}`;
    const commentText = `looks good ${randomUUID()}`;
    await opened.store.append(stream, NO_STREAM, [
      { id: randomUUID(), type: 'social.post.published', data: { postId: 'p1', authorId: author, kind: 'text', text: postText, data: {}, createdAt: 1 } },
      { id: randomUUID(), type: 'social.comment.added', data: { commentId: 'c1', userId: commenter, authorId: author, text: commentText, at: 2 } },
    ]);
    const stored = await raw(stream);
    expect(stored).not.toContain(postText);
    expect(stored).not.toContain(commentText);
    expect(stored).toContain(`"$enc":"v1:${author}:`);
    expect(stored).toContain(`"$enc":"v1:${commenter}:`);
    await opened.subjectKeys!.destroy(commenter);
    expect((await opened.store.readStream(stream)).map((event) => (event.data as { text: string }).text)).toEqual([postText, '(deleted)']);
  });

  it("keeps a player's own post text in their stream under their key", async () => {
    const stream = `user/u-${randomUUID().slice(0, 8)}`;
    const text = `hello ${randomUUID()}`;
    await opened.store.append(stream, NO_STREAM, [{ id: randomUUID(), type: 'social.post.created', data: { postId: 'p2', kind: 'text', text, data: {}, at: 1 } }]);
    expect(await raw(stream)).not.toContain(text);
    expect(((await opened.store.readStream(stream))[0]!.data as { text: string }).text).toBe(text);
  });
});
