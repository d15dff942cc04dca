import type { FeedRow } from '../../../protocol/topic-schemas.js';
import { useCommand } from '../use-command.js';
import { achievementTitle } from './achievements.js';
import { fromNow } from './challenge-kinds.js';
import { Notice } from './notice.js';

/** A feed item of kind `post`, as docs/GAME.md ("Feed kinds") gives its data. */
interface PostData {
  postId: string;
  kind: string;
  text: string;
  data: Record<string, unknown>;
  likes: number;
  comments: number;
  liked: boolean;
}

function postData(item: FeedRow): PostData {
  const data = item.data;
  return {
    postId: String(data.postId),
    kind: String(data.kind ?? 'text'),
    text: String(data.text ?? ''),
    data: (data.data ?? {}) as Record<string, unknown>,
    likes: Number(data.likes ?? 0),
    comments: Number(data.comments ?? 0),
    liked: data.liked === true,
  };
}

/** What a shared moment was, in words (`achievement`, `level`, `challenge-won`); undefined for the player's own words. */
export function momentLabel(kind: string | null, data: Record<string, unknown>): string | undefined {
  switch (kind) {
    case 'achievement':
      return `Achievement: ${achievementTitle(String(data.achievementId))}`;
    case 'level':
      return `Level ${Number(data.level)}`;
    case 'challenge-won':
      return `Won ${String(data.title ?? 'a challenge')}`;
    default:
      return undefined;
  }
}

export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * A friend's post in the feed: its text, its counts, the reader's like (a toggle) and a way to
 * open it (its comments, live). The counts and `liked` are the feed's: the page counts nothing.
 */
export function PostItem({ item, userId, onOpen }: { item: FeedRow; userId: string; onOpen(postId: string): void }) {
  const { run, outcome, busy } = useCommand();
  const post = postData(item);
  const author = item.displayName ?? item.userId;
  const moment = momentLabel(post.kind, post.data);
  const like = () =>
    void run({ to: `like/${post.postId}@${userId}`, type: post.liked ? 'post.unlike' : 'post.like', payload: {} }, post.liked ? 'Like taken back' : 'Liked');
  return (
    <article class="post-item" aria-label={`${author}'s post`}>
      <p class="post-head">
        <strong>{author}</strong> {moment ? <span class="pill good">{moment}</span> : 'posted'}{' '}
        <span class="muted small">{fromNow(Date.parse(item.at))}</span>
      </p>
      <p class="post-text">{post.text}</p>
      <div class="post-actions">
        <button type="button" class="secondary like" aria-pressed={post.liked} aria-label={`Like ${author}'s post`} disabled={busy} onClick={like}>
          Like
        </button>
        <span class="muted small" data-stat="post-counts">
          {plural(post.likes, 'like')} · {plural(post.comments, 'comment')}
        </span>
        <button type="button" class="secondary" aria-label={`Open ${author}'s post`} onClick={() => onOpen(post.postId)}>
          Open
        </button>
      </div>
      <Notice outcome={outcome?.ok ? undefined : outcome} />
    </article>
  );
}
