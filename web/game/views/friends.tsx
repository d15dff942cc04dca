import type { FeedRow, UserTopicState } from '../../../protocol/topic-schemas.js';
import { Card } from '../../shared/card.js';
import { useCommand } from '../use-command.js';
import { useTopic } from '../use-topic.js';
import { achievementTitle } from './achievements.js';
import { fromNow } from './challenge-kinds.js';
import { Alert, Notice } from './notice.js';
import { PostItem } from './posts.js';

/** Friends: ask a player by id, answer the requests received, and the friends' activity live (`feed/<id>`), their posts included. */
export function Friends({ player, onOpenPost }: { player: UserTopicState; onOpenPost(postId: string): void }) {
  const { run, outcome, busy } = useCommand();
  const { state: feed, error } = useTopic<FeedRow[]>(`feed/${player.userId}`);
  const to = `user/${player.userId}`;

  function ask(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const userId = String(new FormData(formElement).get('friend') ?? '').trim();
    void run({ to, type: 'friend.request', payload: { userId } }, `Friend request sent to ${userId}`).then((sent) => sent && formElement.reset());
  }

  return (
    <Card id="friends" title={<>Friends <span class="count">{player.friends}</span></>} mark="blue">
      <form class="row" onSubmit={ask}>
        <div class="field">
          <label for="friend-id">Add a friend by player id</label>
          <input id="friend-id" name="friend" required maxLength={64} />
        </div>
        <button type="submit" disabled={busy}>
          Add friend
        </button>
      </form>
      {player.friendRequestsReceived.length > 0 && (
        <ul class="requests" aria-label="Friend requests">
          {player.friendRequestsReceived.map((userId) => (
            <li key={userId}>
              <span>{userId} wants to be friends</span>
              <span class="row">
                <button type="button" disabled={busy} aria-label={`Accept ${userId}`} onClick={() => void run({ to, type: 'friend.accept', payload: { userId } }, `You and ${userId} are friends`)}>
                  Accept
                </button>
                <button type="button" class="secondary" disabled={busy} aria-label={`Decline ${userId}`} onClick={() => void run({ to, type: 'friend.decline', payload: { userId } }, 'Request declined')}>
                  Decline
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <Notice outcome={outcome} />
      <h3>Friends' activity</h3>
      <Alert text={error} />
      <ul class="feed" aria-label="Friends' activity">
        {(feed ?? []).slice(0, 12).map((item) => (
          <li key={item.id}>
            {item.kind === 'post' ? (
              <PostItem item={item} userId={player.userId} onOpen={onOpenPost} />
            ) : (
              <>
                <strong>{item.displayName ?? item.userId}</strong> {describe(item)} <span class="muted small">{fromNow(Date.parse(item.at))}</span>
              </>
            )}
          </li>
        ))}
        {feed?.length === 0 && <li class="muted">Nothing yet. Your friends' posts, meals, levels and wins show up here.</li>}
      </ul>
    </Card>
  );
}

/** A feed item in words (docs/GAME.md, "Feed kinds"). */
function describe(item: FeedRow): string {
  const data = item.data;
  switch (item.kind) {
    case 'meal.logged':
      return `logged ${String(data.mealType ?? 'a meal')} (${Number(data.calories ?? 0)} kcal)`;
    case 'goal.met':
      return 'met their daily goal';
    case 'level.up':
      return `reached level ${Number(data.level)}`;
    case 'streak.milestone':
      return `is on a ${Number(data.days)}-day streak`;
    case 'achievement.unlocked':
      return `unlocked ${achievementTitle(String(data.achievementId))}`;
    case 'challenge.joined':
      return `joined ${String(data.title ?? data.challengeId)}`;
    case 'challenge.won':
      return `won ${String(data.title ?? data.challengeId)} (+${Number(data.points)})`;
    default:
      return item.kind;
  }
}
