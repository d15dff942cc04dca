import { useState } from 'preact/hooks';
import { clientCommandPayloads } from '../../../protocol/commands.js';
import type { PostTopicState } from '../../../protocol/topic-schemas.js';
import { Card } from '../../shared/card.js';
import { newId } from '../connection.js';
import { useCommand } from '../use-command.js';
import { useTopic } from '../use-topic.js';
import { fromNow } from './challenge-kinds.js';
import { Alert, Notice } from './notice.js';
import { momentLabel, plural } from './posts.js';
import { TextForm } from './text-form.js';

/** The longest comment the server takes (docs/GAME.md, `comment.add`): the protocol's own bound. */
const commentTextLimit = clientCommandPayloads['comment.add'].properties.text.maxLength ?? Infinity;

/**
 * An opened post, live (`post/<id>`): its text, likes and comments as the post's topic holds them;
 * commenting, deleting one's own comments, and the author deleting the post.
 */
export function PostThread({ postId, userId, onClose }: { postId: string; userId: string; onClose(): void }) {
  const { state: post, error } = useTopic<PostTopicState>(`post/${postId}`);
  const { run, outcome, busy } = useCommand();
  const [text, setText] = useState('');
  const to = `post/${postId}`;
  const mine = post?.authorId === userId;
  const title = !post?.authorId ? 'Post' : mine ? 'Your post' : `${post.authorId}'s post`;

  async function comment(event: Event) {
    event.preventDefault();
    if (await run({ to, type: 'comment.add', payload: { commentId: newId('comment-'), text } }, 'Comment added')) setText('');
  }

  return (
    <Card
      id="post-thread"
      title={title}
      mark="share"
      actions={
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      }
    >
      <Alert text={error} />
      {!post && !error && <p class="muted">Loading the post…</p>}
      {post?.state === 'unpublished' && <p class="muted">Publishing…</p>}
      {post?.state === 'deleted' && <p class="muted">This post was deleted.</p>}
      {post?.state === 'published' && (
        <>
          {momentLabel(post.kind, post.data) && <span class="pill good">{momentLabel(post.kind, post.data)}</span>}
          <p class="post-text">{post.text}</p>
          <p class="muted small">
            {post.createdAt !== null && `${fromNow(post.createdAt)} · `}
            <span data-stat="post-likes">{plural(post.likes, 'like')}</span> · {plural(post.comments.length, 'comment')}
          </p>
          {mine && (
            <button type="button" class="secondary danger" disabled={busy} onClick={() => void run({ to, type: 'post.delete', payload: {} }, 'Post deleted')}>
              Delete post
            </button>
          )}
          <h3>Comments</h3>
          <ol class="comments" aria-label="Comments" aria-live="polite" aria-relevant="additions">
            {post.comments.map((item) => (
              <li key={item.commentId}>
                <p>
                  <strong>{item.userId === userId ? 'You' : item.userId}</strong> <span class="muted small">{fromNow(item.at)}</span>
                </p>
                <p class="comment-text">{item.text}</p>
                {item.userId === userId && (
                  <button
                    type="button"
                    class="secondary small"
                    disabled={busy}
                    aria-label={`Delete your comment: ${item.text.slice(0, 40)}`}
                    onClick={() => void run({ to, type: 'comment.delete', payload: { commentId: item.commentId } }, 'Comment deleted')}
                  >
                    Delete
                  </button>
                )}
              </li>
            ))}
          </ol>
          {post.comments.length === 0 && <p class="muted">No comments yet.</p>}
          <TextForm id="comment-text" label="Add a comment" limit={commentTextLimit} value={text} onChange={setText} submit="Comment" busy={busy} onSubmit={comment} />
        </>
      )}
      <Notice outcome={outcome} />
    </Card>
  );
}
