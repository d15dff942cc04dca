import { reject, type Rejection } from '../runtime/types.js';
import { derivedPostId, isPostId, type PostKind, type PostPublishPayload } from '../domain/contracts.js';
import type { PostCreate } from './commands.js';
import type { Draft } from './draft.js';
import { UserErrorCode as Code } from './errors.js';
import type { UserEvent } from './events.js';
import { userRules } from './rules.js';
import { isText } from '../domain/validate.js';

// The player as an author: their own posts (rate-limited here, where their history is), and the
// moments of their game the sharing rules post for them. Either way the player's stream records
// `social.post.created` and the post's own actor (`post/<postId>`) is told with `post.publish`.

export function createPost(draft: Draft, { payload }: PostCreate): Rejection | void {
  const { postId, text } = payload;
  const { textMaxLength, maxPerWindow, windowMs } = userRules.posts;
  if (!isPostId(postId)) return reject(Code.POST_ID_INVALID, 'postId must be 1 to 40 of A-Z a-z 0-9 . _ : - (starting with a letter or digit)');
  if (!isText(text, textMaxLength)) return reject(Code.POST_TEXT_INVALID, `text must be 1 to ${textMaxLength} characters`);
  const recent = draft.state.recentPosts.filter((time) => time > draft.now - windowMs);
  if (recent.length >= maxPerWindow) return reject(Code.POST_RATE_LIMITED, `a player writes at most ${maxPerWindow} posts a day`);
  publish(draft, postId, 'text', text.trim(), {});
}

/**
 * Posts the moments of this decision that the sharing rules name (rare and rarer achievements,
 * levels from `levelsFrom`). Their ids derive from the player and the moment, each reached once.
 */
export function shareMoments(draft: Draft, events: readonly UserEvent[]): void {
  const { achievementRarities, levelsFrom } = userRules.sharing;
  for (const event of events) {
    if (event.type === 'achievement.unlocked') {
      const { achievementId, rarity } = event.data;
      if (!(achievementRarities as readonly string[]).includes(rarity)) continue;
      if ('grantedByChallenge' in userRules.achievements[achievementId]) continue;
      share(draft, `achievement:${achievementId}`, 'achievement', `Unlocked ${achievementId} (${rarity})`, { achievementId, rarity });
    } else if (event.type === 'user.level.up' && event.data.level >= levelsFrom) {
      share(draft, `level:${event.data.level}`, 'level', `Reached level ${event.data.level}`, { level: event.data.level });
    }
  }
}

/** A challenge won, shared once per win (`sourceId` of the winner's grant). */
export function shareChallengeWin(draft: Draft, sourceId: string, title: string | undefined): void {
  if (!userRules.sharing.challengeWins || Object.hasOwn(draft.state.awardSources, sourceId)) return;
  const name = title === undefined || title === '' ? 'a challenge' : `the challenge "${title}"`;
  share(draft, sourceId, 'challenge-won', `Won ${name}`, title === undefined ? {} : { title }, sourceId);
}

function share(draft: Draft, seed: string, kind: PostKind, text: string, data: Record<string, string | number>, sourceId?: string): void {
  publish(draft, derivedPostId(`${draft.userId}\u0000${seed}`), kind, text, data, sourceId);
}

function publish(draft: Draft, postId: string, kind: PostKind, text: string, data: Record<string, string | number>, sourceId?: string): void {
  const at = draft.now;
  draft.emit({ type: 'social.post.created', data: { postId, kind, text, data, at, ...(sourceId === undefined ? {} : { sourceId }) } });
  const publish: PostPublishPayload = { postId, authorId: draft.userId, kind, text, data, createdAt: at };
  draft.send(`post/${postId}`, 'post.publish', publish);
}
