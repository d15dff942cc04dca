import type { UserEvent } from '../../actors/user/events.js';
import type { RecordedEvent } from '../../store/index.js';
import type { DailyNutrition, LeaderboardEntry } from '../index.js';

const userOf = (event: RecordedEvent) => event.streamId.slice('user/'.length);
const leaderboardTypes = new Set(['user.registered', 'user.profile.updated', 'points.earned', 'user.level.up', 'user.account.deleted']);

/** The leaderboard as a plain fold over the log: the oracle the read model must match. */
export function foldLeaderboard(log: readonly RecordedEvent[]): LeaderboardEntry[] {
  const players = new Map<string, { userId: string; displayName: string; points: number; level: number; reachedAt: string }>();
  for (const recorded of log) {
    if (!recorded.streamId.startsWith('user/')) continue;
    const event = recorded as unknown as UserEvent;
    if (!leaderboardTypes.has(event.type)) continue;
    const userId = userOf(recorded);
    if (event.type === 'user.account.deleted') {
      players.delete(userId);
      continue;
    }
    const row = players.get(userId) ?? { userId, displayName: '', points: 0, level: 1, reachedAt: recorded.createdAt.toISOString() };
    if (event.type === 'user.registered') row.displayName = event.data.displayName;
    if (event.type === 'user.profile.updated' && event.data.displayName !== undefined) row.displayName = event.data.displayName;
    if (event.type === 'user.level.up') row.level = Math.max(row.level, event.data.level);
    if (event.type === 'points.earned') {
      row.points += event.data.amount;
      row.reachedAt = recorded.createdAt.toISOString();
    }
    players.set(userId, row);
  }
  const sorted = [...players.values()].sort(
    (a, b) => b.points - a.points || a.reachedAt.localeCompare(b.reachedAt) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
  return sorted.map(({ userId, displayName, points, level }) => ({
    rank: 1 + sorted.filter((other) => other.points > points).length,
    userId,
    displayName,
    points,
    level,
  }));
}

/** Daily nutrition as a plain fold over the log. */
export function foldNutritionDays(log: readonly RecordedEvent[]): DailyNutrition[] {
  const days = new Map<string, DailyNutrition>();
  const r2 = (n: number) => Math.round(n * 100) / 100;
  for (const recorded of log) {
    const event = recorded as unknown as UserEvent;
    if (!('day' in event.data) || !event.type.startsWith('nutrition.')) continue;
    const userId = userOf(recorded);
    const key = `${userId}/${event.data.day}`;
    const day = days.get(key) ?? { userId, day: event.data.day, calories: 0, proteinG: 0, carbsG: 0, fatG: 0, waterMl: 0, meals: 0, goalMet: false };
    const sign = event.type === 'nutrition.meal.deleted' ? -1 : 1;
    if (event.type === 'nutrition.meal.logged' || event.type === 'nutrition.meal.deleted') {
      day.calories = r2(day.calories + sign * event.data.totals.calories);
      day.proteinG = r2(day.proteinG + sign * event.data.totals.proteinG);
      day.carbsG = r2(day.carbsG + sign * event.data.totals.carbsG);
      day.fatG = r2(day.fatG + sign * event.data.totals.fatG);
      day.meals += sign;
    } else if (event.type === 'nutrition.water.logged') day.waterMl += event.data.ml;
    else if (event.type === 'nutrition.goal.met') day.goalMet = true;
    days.set(key, day);
  }
  return [...days.values()].sort((a, b) => (a.userId + a.day < b.userId + b.day ? -1 : 1));
}

/**
 * The posts a reader's feed shows, as a fold over the log: each published and not deleted post,
 * its likes counted from the likes' own streams (`like/<postId>@<userId>`, a like's last event
 * says whether it stands), its comments added less deleted, and whether `reader` likes it.
 */
export function foldFeedPosts(log: readonly RecordedEvent[], reader: string): Array<{ postId: string; authorId: string; likes: number; comments: number; liked: boolean }> {
  const posts = new Map<string, { authorId: string; comments: number; deleted: boolean }>();
  const likes = new Map<string, Map<string, boolean>>();
  for (const event of log) {
    const id = event.streamId.slice(event.streamId.indexOf('/') + 1);
    if (event.streamType === 'post') {
      const known = posts.get(id);
      if (event.type === 'social.post.published') posts.set(id, { authorId: (event.data as { authorId: string }).authorId, comments: 0, deleted: false });
      else if (known && event.type === 'social.comment.added') known.comments += 1;
      else if (known && event.type === 'social.comment.deleted') known.comments -= 1;
      else if (known && event.type === 'social.post.deleted') known.deleted = true;
      else if (known && event.type === 'social.post.player.forgotten' && (event.data as { userId: string }).userId === known.authorId) known.deleted = true;
    } else if (event.streamType === 'like') {
      const { postId, userId } = event.data as { postId: string; userId: string };
      if (!likes.has(postId)) likes.set(postId, new Map());
      likes.get(postId)!.set(userId, event.type === 'social.post.liked');
    }
  }
  return [...posts]
    .filter(([, post]) => !post.deleted)
    .map(([postId, post]) => {
      const likers = likes.get(postId) ?? new Map<string, boolean>();
      return { postId, authorId: post.authorId, likes: [...likers.values()].filter(Boolean).length, comments: post.comments, liked: likers.get(reader) === true };
    });
}
