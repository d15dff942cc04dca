import type { Sql } from 'postgres';
import type { Projection } from '../../store/index.js';
import { challengeDirectoryProjection, type ChallengeQueries } from './challenge-directory.js';
import { friendsFeedProjection, type FeedQueries } from './friends-feed.js';
import { leaderboardProjection, type LeaderboardQueries } from './leaderboard.js';
import { nutritionDaysProjection, type NutritionQueries } from './nutrition-days.js';
import { profilesProjection, type ProfileQueries } from './profiles.js';

/** The read models of GAME.md ("Read models"), for `new Projections(store, gameProjections)`. */
export const gameProjections: readonly Projection[] = [
  leaderboardProjection,
  profilesProjection,
  nutritionDaysProjection,
  friendsFeedProjection,
  challengeDirectoryProjection,
];

/** Every query of the game's read models; they read the served generation, whichever it is. */
export interface ReadModelQueries {
  leaderboard: LeaderboardQueries;
  profiles: ProfileQueries;
  nutrition: NutritionQueries;
  feed: FeedQueries;
  challenges: ChallengeQueries;
}

/**
 * The queries, on any connection to the database (every node may answer them, whether or not it
 * runs the projectors).
 *
 * @example
 * const queries = readModelQueries(store.sql);
 * await queries.leaderboard.top(10);
 * await queries.profiles.get('u42', Date.now());
 */
export function readModelQueries(sql: Sql): ReadModelQueries {
  return {
    leaderboard: leaderboardProjection.queries(sql),
    profiles: profilesProjection.queries(sql),
    nutrition: nutritionDaysProjection.queries(sql),
    feed: friendsFeedProjection.queries(sql),
    challenges: challengeDirectoryProjection.queries(sql),
  };
}

export { challengeDirectoryProjection, friendsFeedProjection, leaderboardProjection, nutritionDaysProjection, profilesProjection };
export type { ChallengeQueries, ChallengeState, ChallengeSummary, Standing } from './challenge-directory.js';
export { FeedKind, type FeedItem, type FeedQueries } from './friends-feed.js';
export type { LeaderboardEntry, LeaderboardQueries } from './leaderboard.js';
export type { DailyNutrition, NutritionQueries } from './nutrition-days.js';
export type { PlayerProfile, ProfileAchievement, ProfileQueries } from './profiles.js';
