import { addDays } from './calendar.js';
import { ownPointsReasons, type LocalDay, type Totals, type UserEvent } from './events.js';
import { get, has, put, without } from '../domain/records.js';
import { userRules } from './rules.js';
import { emptyDay, initialUserState, type DayLog, type UserState } from './state.js';
import { round2 } from '../domain/validate.js';

/** Applies one event to the player's state. Pure; never rejects (events are facts). */
export function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'user.registered':
      return { ...state, userId: event.data.userId, displayName: event.data.displayName, timezone: event.data.timezone };
    case 'user.profile.updated': {
      const { displayName, avatar, timezone } = event.data;
      return {
        ...state,
        displayName: displayName ?? state.displayName,
        avatar: avatar ?? state.avatar,
        timezone: timezone ?? state.timezone,
      };
    }
    case 'nutrition.goal.set':
      return { ...state, goal: { ...event.data } };
    case 'nutrition.meal.logged': {
      const { mealId, day, totals, rewarded } = event.data;
      const log = dayLog(state, day);
      const next = withDay(state, day, {
        ...add(log, totals, 1),
        meals: log.meals + 1,
        rewardedMeals: log.rewardedMeals + (rewarded ? 1 : 0),
      });
      return { ...next, meals: put(next.meals, mealId, { day, totals }) };
    }
    case 'nutrition.meal.deleted': {
      const { mealId, day, totals } = event.data;
      const meals = without(state.meals, mealId);
      const log = get(state.days, day);
      if (!log) return { ...state, meals };
      return { ...state, meals, days: put(state.days, day, { ...add(log, totals, -1), meals: log.meals - 1 }) };
    }
    case 'nutrition.water.logged': {
      const { day, ml, goalReached } = event.data;
      const log = dayLog(state, day);
      return withDay(state, day, { ...log, waterMl: log.waterMl + ml, waterGoalReached: log.waterGoalReached || goalReached });
    }
    case 'nutrition.goal.met':
      return withDay(state, event.data.day, { ...dayLog(state, event.data.day), goalMet: true });
    case 'points.earned': {
      const { amount, reason, sourceId } = event.data;
      const awardSources = ownPointsReasons.has(reason) ? state.awardSources : put(state.awardSources, sourceId, true as const);
      return { ...state, points: state.points + amount, awardSources };
    }
    case 'user.level.up':
      return { ...state, level: event.data.level };
    case 'user.streak.extended':
      return { ...state, streak: { days: event.data.days, lastDay: event.data.day } };
    case 'user.streak.broken':
      return { ...state, streak: { ...state.streak, days: 0 } };
    case 'user.streak.milestone':
      return state;
    case 'achievement.unlocked':
      return { ...state, achievements: [...state.achievements, event.data.achievementId] };
    case 'social.friend.request.sent':
      return { ...state, requestsSent: put(state.requestsSent, event.data.userId, true as const) };
    case 'social.friend.request.received':
      return { ...state, requestsReceived: put(state.requestsReceived, event.data.userId, true as const) };
    case 'social.friend.request.declined':
      return withoutRequests(state, event.data.userId);
    case 'social.friend.added': {
      const next = withoutRequests(state, event.data.userId);
      return { ...next, friends: put(next.friends, event.data.userId, true as const) };
    }
    case 'social.friend.removed':
      return { ...state, friends: without(state.friends, event.data.userId) };
    case 'social.post.created': {
      const { kind, at, sourceId } = event.data;
      const awardSources = sourceId === undefined ? state.awardSources : put(state.awardSources, sourceId, true as const);
      if (kind !== 'text') return { ...state, awardSources };
      // Only the posts of the rate window are kept: the state stays bounded however much one posts.
      const { windowMs, maxPerWindow } = userRules.posts;
      const recentPosts = [...state.recentPosts.filter((time) => time > at - windowMs), at].slice(-maxPerWindow);
      return { ...state, awardSources, recentPosts };
    }
    case 'user.account.deleted':
      // Nothing of the player is kept but their id: no name, meals, friends or points.
      return { ...initialUserState, userId: state.userId };
    case 'user.challenge.tracked': {
      const { challengeId, kind, startsAt, endsAt } = event.data;
      return { ...state, challenges: put(state.challenges, challengeId, { kind, startsAt, endsAt }) };
    }
    case 'user.challenge.untracked':
      return { ...state, challenges: without(state.challenges, event.data.challengeId) };
  }
}

function dayLog(state: UserState, day: LocalDay): DayLog {
  return get(state.days, day) ?? emptyDay;
}

function add(log: DayLog, totals: Totals, sign: 1 | -1): DayLog {
  return {
    ...log,
    calories: round2(log.calories + sign * totals.calories),
    proteinG: round2(log.proteinG + sign * totals.proteinG),
    carbsG: round2(log.carbsG + sign * totals.carbsG),
    fatG: round2(log.fatG + sign * totals.fatG),
  };
}

/** Sets a day's log; a new latest day drops the days (and their meals) older than the retention. */
function withDay(state: UserState, day: LocalDay, log: DayLog): UserState {
  const isNew = !has(state.days, day);
  const next = { ...state, days: put(state.days, day, log) };
  if (!isNew || Object.keys(state.days).some((known) => known > day)) return next;
  const oldest = addDays(day, -userRules.history.retainDays);
  const days = Object.fromEntries(Object.entries(next.days).filter(([known]) => known > oldest));
  const meals = Object.fromEntries(Object.entries(next.meals).filter(([, meal]) => meal.day > oldest));
  return { ...next, days, meals };
}

function withoutRequests(state: UserState, userId: string): UserState {
  return { ...state, requestsSent: without(state.requestsSent, userId), requestsReceived: without(state.requestsReceived, userId) };
}
