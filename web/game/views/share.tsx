import { useState } from 'preact/hooks';
import { clientCommandPayloads } from '../../../protocol/commands.js';
import { Card } from '../../shared/card.js';
import { newId } from '../connection.js';
import { addOwnPost, loadOwnPosts, type OwnPost } from '../own-posts.js';
import { useCommand } from '../use-command.js';
import { useTopic } from '../use-topic.js';
import { Notice } from './notice.js';
import { momentLabel } from './posts.js';
import { TextForm } from './text-form.js';

/** The longest post the server takes (docs/GAME.md, `post.create`): the protocol's own bound. */
export const postTextLimit = clientCommandPayloads['post.create'].properties.text.maxLength ?? Infinity;

/**
 * Sharing a post with one's friends, and the player's own posts (their `social.post.created`
 * events, shared moments included) to open: a post's likes and comments show in its thread.
 */
export function Share({ userId, onOpen }: { userId: string; onOpen(postId: string): void }) {
  const { run, outcome, busy } = useCommand();
  const [text, setText] = useState('');
  const [own, setOwn] = useState<OwnPost[]>(() => loadOwnPosts(userId));
  useTopic(`user/${userId}`, (item) => {
    if (item.kind !== 'evt' || item.event.type !== 'social.post.created') return;
    const data = item.event.data as { postId: string; kind: string; text: string; data: Record<string, unknown> };
    const post = { postId: data.postId, kind: data.kind, text: momentLabel(data.kind, data.data ?? {}) ?? data.text };
    setOwn((posts) => addOwnPost(userId, posts, post));
  });

  async function share(event: Event) {
    event.preventDefault();
    const postId = newId('post-');
    if (await run({ to: `user/${userId}`, type: 'post.create', payload: { postId, text } }, 'Shared with your friends')) {
      setText('');
      onOpen(postId);
    }
  }

  return (
    <Card id="share" title="Share" mark="share">
      <TextForm id="post-text" label="Share with your friends" limit={postTextLimit} value={text} onChange={setText} submit="Post" busy={busy} onSubmit={share} />
      <Notice outcome={outcome} />
      {own.length > 0 && (
        <>
          <h3>Your posts</h3>
          <ul class="own-posts" aria-label="Your posts">
            {own.slice(0, 5).map((post) => (
              <li key={post.postId}>
                <span class="post-preview">{post.text}</span>
                <button type="button" class="secondary" aria-label={`Open your post: ${post.text.slice(0, 40)}`} onClick={() => onOpen(post.postId)}>
                  Open
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}
