import { localDay } from './calendar.js';
import { levelThreshold } from './rules.js';
import type { UserState } from './state.js';

/**
 * What watchers of `user/<id>` see in a `snap`: a public view of the actor's state, without its
 * bookkeeping (de-duplication sets, retained meals). The `evt`s that follow are the actor's own events; a client applies them to
 * this view as it sees fit.
 */

/** The player's view at `now`: today is the player's local day in their timezone. */
export function userView(userId: string, state: UserState, now: number) {
  const today = localDay(now, state.timezone);
  const day = Object.hasOwn(state.days, today) ? state.days[today]! : undefined;
  const yesterday = previousDay(today);
  // The actor records a broken streak only at the next meal; a streak whose last day is before
  // yesterday is already over for the player.
  const streakAlive = state.streak.lastDay !== null && (state.streak.lastDay === today || state.streak.lastDay === yesterday);
  return {
    userId,
    registered: state.userId !== null,
    displayName: state.displayName,
    avatar: state.avatar,
    timezone: state.timezone,
    goal: state.goal,
    points: state.points,
    level: state.level,
    nextLevelAt: levelThreshold(state.level + 1),
    streak: { days: streakAlive ? state.streak.days : 0, lastDay: state.streak.lastDay },
    today: {
      day: today,
      calories: day?.calories ?? 0,
      proteinG: day?.proteinG ?? 0,
      carbsG: day?.carbsG ?? 0,
      fatG: day?.fatG ?? 0,
      waterMl: day?.waterMl ?? 0,
      meals: day?.meals ?? 0,
      goalMet: day?.goalMet ?? false,
      waterGoalReached: day?.waterGoalReached ?? false,
    },
    achievements: [...state.achievements],
    friends: Object.keys(state.friends).length,
    friendRequestsReceived: Object.keys(state.requestsReceived),
    challenges: Object.entries(state.challenges).map(([challengeId, tracked]) => ({ challengeId, ...tracked })),
  };
}

export type UserView = ReturnType<typeof userView>;

/** The calendar day before `YYYY-MM-DD` (plain date arithmetic: no timezone is involved). */
function previousDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, date! - 1)).toISOString().slice(0, 10);
}
