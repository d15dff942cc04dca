import type { Draft } from './draft.js';
import { PointsReason } from './events.js';
import { levelFor, userRules, type AchievementId } from './rules.js';

/**
 * Credits points, then one `user.level.up` per level crossed (in order: a 700-point award from
 * level 1 gives levels 2, 3 and 4), then the level achievements they reach.
 */
export function earn(draft: Draft, amount: number, reason: string, sourceId: string): void {
  draft.emit({ type: 'points.earned', data: { amount, reason, sourceId } });
  const reached = levelFor(draft.state.points);
  while (draft.state.level < reached) draft.emit({ type: 'user.level.up', data: { level: draft.state.level + 1 } });
  if (draft.state.level >= userRules.achievements.legend.level) unlock(draft, 'legend');
}

/**
 * Unlocks an achievement once: `achievement.unlocked` carries its points for display, and a
 * `points.earned` (reason `achievement`) credits them, so points totals sum `points.earned` alone.
 */
export function unlock(draft: Draft, achievementId: AchievementId): void {
  if (draft.state.achievements.includes(achievementId)) return;
  const { rarity, points } = userRules.achievements[achievementId];
  draft.emit({ type: 'achievement.unlocked', data: { achievementId, rarity, points } });
  earn(draft, points, PointsReason.achievement, `achievement:${achievementId}`);
}
