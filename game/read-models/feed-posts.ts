import type { Sql } from 'postgres';
import { deleteRows, selectRows, upsertRows, type TableNames, type Transaction } from '../../store/index.js';
import { streamKey, type GameEvent } from '../game-events.js';

// The friends' feed's posts: each post's counts, and who likes it (for the reader's `liked`). The
// post's item itself is filed under its author (`social.post.published`, in friends-feed.ts);
// these rows come from the same stream (`post/<id>`), whose every event names the author.

export const POSTS = 'rm_feed_post';
export const LIKES = 'rm_feed_like';

export const postTables = [
  { name: POSTS, ddl: (t: string) => `create table ${t} (post_id text primary key, author_id text not null, likes integer not null, comments integer not null)` },
  {
    name: LIKES,
    ddl: (t: string) => `create table ${t} (post_id text not null, user_id text not null, seq integer not null, liked boolean not null, primary key (post_id, user_id))`,
  },
];

export const postEventTypes = ['social.post.like.counted', 'social.comment.added', 'social.comment.deleted', 'social.post.deleted', 'social.post.player.forgotten'] as const;

type PostRow = { post_id: string; author_id: string; likes: number; comments: number };
type LikeRow = { post_id: string; user_id: string; seq: number; liked: boolean };

/**
 * Folds the batch's post events into the posts' counts and likes. A like's changes may reach the
 * post out of order: the row keeps the change with the greatest `seq`. A deleted post's rows go
 * (its feed item goes in friends-feed.ts).
 */
export async function applyPostEvents(tx: Transaction, tables: TableNames, events: readonly GameEvent[]): Promise<void> {
  const touched = events.filter((event) => event.streamType === 'post');
  if (touched.length === 0) return;
  const ids = [...new Set(touched.map((event) => streamKey(event.streamId)))];
  const posts = new Map((await selectRows<PostRow>(tx, tables[POSTS]!, { post_id: 'text' }, ids.map((post_id) => ({ post_id })))).map((row) => [row.post_id, row]));
  const likeKeys = touched.flatMap((event) => (event.type === 'social.post.like.counted' ? [{ post_id: streamKey(event.streamId), user_id: event.data.userId }] : []));
  const likes = new Map((await selectRows<LikeRow>(tx, tables[LIKES]!, { post_id: 'text', user_id: 'text' }, likeKeys)).map((row) => [`${row.post_id}\u0000${row.user_id}`, row]));
  const deleted: string[] = [];
  const post = (postId: string, authorId: string | null) => {
    const known = posts.get(postId) ?? { post_id: postId, author_id: '', likes: 0, comments: 0 };
    return authorId === null ? known : { ...known, author_id: authorId };
  };
  for (const event of touched) {
    const postId = streamKey(event.streamId);
    switch (event.type) {
      case 'social.post.published':
        posts.set(postId, post(postId, event.data.authorId));
        break;
      case 'social.post.like.counted': {
        const { authorId, userId, liked, seq, likes: count } = event.data;
        posts.set(postId, { ...post(postId, authorId), likes: count });
        const key = `${postId}\u0000${userId}`;
        if ((likes.get(key)?.seq ?? 0) < seq) likes.set(key, { post_id: postId, user_id: userId, seq, liked });
        break;
      }
      case 'social.comment.added':
      case 'social.comment.deleted': {
        const known = post(postId, event.data.authorId);
        posts.set(postId, { ...known, comments: known.comments + (event.type === 'social.comment.added' ? 1 : -1) });
        break;
      }
      case 'social.post.player.forgotten':
      case 'social.post.deleted':
        // A post goes from the feeds when deleted, or when its author's account is; a commenter's deletion leaves the count.
        if (event.type === 'social.post.player.forgotten' && event.data.userId !== event.data.authorId) break;
        posts.delete(postId);
        for (const key of likes.keys()) if (key.startsWith(`${postId}\u0000`)) likes.delete(key);
        deleted.push(postId);
        break;
    }
  }
  const gone = deleted.map((post_id) => ({ post_id }));
  await deleteRows(tx, tables[POSTS]!, { post_id: 'text' }, gone);
  await deleteRows(tx, tables[LIKES]!, { post_id: 'text' }, gone);
  await upsertRows(tx, tables[POSTS]!, { post_id: 'text', author_id: 'text', likes: 'integer', comments: 'integer' }, ['post_id'], [...posts.values()]);
  await upsertRows(tx, tables[LIKES]!, { post_id: 'text', user_id: 'text', seq: 'integer', liked: 'boolean' }, ['post_id', 'user_id'], [...likes.values()]);
}

/** The counts of these posts, and whether `reader` likes each: what a post's feed item shows. */
export async function postCounts(sql: Sql, reader: string, postIds: readonly string[]): Promise<Map<string, { likes: number; comments: number; liked: boolean }>> {
  if (postIds.length === 0) return new Map();
  const rows = await sql.unsafe<Array<{ post_id: string; likes: number; comments: number; liked: boolean }>>(
    `select p.post_id, p.likes, p.comments, coalesce(l.liked, false) as liked
     from ${POSTS} p left join ${LIKES} l on l.post_id = p.post_id and l.user_id = $1
     where p.post_id = any($2::text[])`,
    [reader, postIds as string[]],
    { prepare: true },
  );
  return new Map(rows.map((row) => [row.post_id, { likes: row.likes, comments: row.comments, liked: row.liked }]));
}
