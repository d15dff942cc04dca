import { randomUUID } from 'node:crypto';
import type { ChallengeDefinition, ChallengeEvent, RankingEntry } from '../../actors/challenge/events.js';
import type { Totals, UserEvent } from '../../actors/user/events.js';
import type { AchievementId, Rarity } from '../../actors/user/rules.js';
import { ANY, type EventStore } from '../../store/index.js';

/** Appends game events as the actors would write them (one append per call, in order). */
export class GameWriter {
  constructor(private readonly store: EventStore) {}

  async user(userId: string, ...events: UserEvent[]): Promise<void> {
    await this.store.append(`user/${userId}`, ANY, events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data })));
  }

  async challenge(challengeId: string, ...events: ChallengeEvent[]): Promise<void> {
    await this.store.append(`challenge/${challengeId}`, ANY, events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data })));
  }
}

export const totals = (calories: number, proteinG = 0, carbsG = 0, fatG = 0): Totals => ({ calories, proteinG, carbsG, fatG });

/** Player events, shaped like `actors/user/events.ts`. */
export const player = {
  registered: (userId: string, displayName: string, timezone = 'UTC'): UserEvent => ({ type: 'user.registered', data: { userId, displayName, timezone } }),
  profileUpdated: (data: { displayName?: string; avatar?: string; timezone?: string }): UserEvent => ({ type: 'user.profile.updated', data }),
  meal: (mealId: string, day: string, meal: Totals, eatenAt = Date.parse(`${day}T12:00:00Z`), rewarded = true): UserEvent => ({
    type: 'nutrition.meal.logged',
    data: {
      mealId,
      mealType: 'lunch',
      eatenAt,
      day,
      foods: [{ name: 'bowl', quantity: 1, unit: 'portion', ...meal }],
      totals: meal,
      rewarded,
    },
  }),
  mealDeleted: (mealId: string, day: string, meal: Totals): UserEvent => ({ type: 'nutrition.meal.deleted', data: { mealId, day, totals: meal } }),
  water: (ml: number, day: string, dayTotalMl: number): UserEvent => ({
    type: 'nutrition.water.logged',
    data: { ml, drankAt: Date.parse(`${day}T09:00:00Z`), day, dayTotalMl, goalReached: false },
  }),
  goalMet: (day: string): UserEvent => ({ type: 'nutrition.goal.met', data: { day, calories: 2000, proteinG: 120, daysInARow: 1 } }),
  points: (amount: number, reason = 'meal', sourceId = randomUUID()): UserEvent => ({ type: 'points.earned', data: { amount, reason, sourceId } }),
  levelUp: (level: number): UserEvent => ({ type: 'user.level.up', data: { level } }),
  streakExtended: (days: number, day: string): UserEvent => ({ type: 'user.streak.extended', data: { days, day } }),
  streakBroken: (days: number): UserEvent => ({ type: 'user.streak.broken', data: { days } }),
  streakMilestone: (days: number): UserEvent => ({ type: 'user.streak.milestone', data: { days } }),
  achievement: (achievementId: AchievementId, rarity: Rarity, points: number): UserEvent => ({ type: 'achievement.unlocked', data: { achievementId, rarity, points } }),
  friendAdded: (userId: string): UserEvent => ({ type: 'social.friend.added', data: { userId } }),
  friendRemoved: (userId: string): UserEvent => ({ type: 'social.friend.removed', data: { userId } }),
};

/** Challenge events, shaped like `actors/challenge/events.ts`. */
export const challenge = {
  created: (definition: Partial<ChallengeDefinition> & { challengeId: string; startsAt: number }): ChallengeEvent => ({
    type: 'challenge.created',
    data: {
      creatorId: 'creator',
      title: `Challenge ${definition.challengeId}`,
      kind: 'meals-logged',
      target: null,
      endsAt: definition.startsAt + 7 * 86_400_000,
      maxParticipants: 10,
      opensAt: definition.startsAt - 86_400_000,
      ...definition,
    },
  }),
  opened: (): ChallengeEvent => ({ type: 'challenge.opened', data: {} }),
  started: (): ChallengeEvent => ({ type: 'challenge.started', data: {} }),
  joined: (userId: string, joinedAt: number): ChallengeEvent => ({ type: 'challenge.participant.joined', data: { userId, joinedAt } }),
  left: (userId: string): ChallengeEvent => ({ type: 'challenge.participant.left', data: { userId } }),
  progress: (userId: string, delta: number, score: number, at: number): ChallengeEvent => ({
    type: 'challenge.progress.recorded',
    data: { userId, delta, sourceEventId: randomUUID(), at, score },
  }),
  finished: (ranking: RankingEntry[]): ChallengeEvent => ({ type: 'challenge.finished', data: { ranking } }),
  cancelled: (by: string): ChallengeEvent => ({ type: 'challenge.cancelled', data: { by } }),
  reward: (userId: string, rank: number, points: number): ChallengeEvent => ({ type: 'challenge.reward.granted', data: { userId, rank, points } }),
};
