/**
 * Every tunable number of the player's game (GAME.md, "Player"), in one table a designer can
 * change. Code reads these values; it never repeats them.
 *
 * @example
 * userRules.meals.rewardedPerDay // 4
 */
export const userRules = {
  profile: {
    displayNameMaxLength: 40,
    avatarMaxLength: 512,
  },
  meals: {
    /** Points for a logged meal, for the first `rewardedPerDay` meals of a local day. */
    points: 10,
    rewardedPerDay: 4,
    maxFoods: 50,
    /** How far back a meal may be dated: limits back-filling days for points and streaks. */
    backdateLimitMs: 48 * 60 * 60 * 1000,
    /** How far ahead of the server clock a meal may be dated (client clock skew). */
    futureToleranceMs: 5 * 60 * 1000,
  },
  water: {
    /** Points when a day's water reaches the player's water goal (once a day). */
    goalPoints: 5,
    maxMlPerLog: 5000,
    backdateLimitMs: 48 * 60 * 60 * 1000,
    futureToleranceMs: 5 * 60 * 1000,
  },
  goal: {
    /** Points for `nutrition.goal.met` (once a day). */
    metPoints: 20,
    /** Calories within ±this percent of the calorie goal (and protein at or above its goal). */
    calorieTolerancePercent: 10,
  },
  streak: {
    /** Reached by every streak that gets there (a new streak earns them again). */
    milestones: [
      { days: 3, points: 30 },
      { days: 7, points: 70 },
      { days: 30, points: 300 },
      { days: 100, points: 1000 },
    ],
  },
  levels: {
    /** Level n is reached at `pointsFactor · n · (n − 1)` points: level 2 at 100, 3 at 300, 4 at 600. */
    pointsFactor: 50,
  },
  achievements: {
    'first-meal': { rarity: 'common', points: 10, firstMeal: true },
    hydrated: { rarity: 'common', points: 10, dailyWaterMl: 2000 },
    'week-streak': { rarity: 'rare', points: 50, streakDays: 7 },
    'balanced-week': { rarity: 'epic', points: 150, goalDaysInARow: 7 },
    /** Granted by a challenge actor (`achievement.grant`), never detected by the player's actor. */
    'challenge-winner': { rarity: 'rare', points: 100, grantedByChallenge: true },
    legend: { rarity: 'legendary', points: 500, level: 20 },
  },
  awards: {
    /** The largest `points.award` another actor may make at once (a challenge pays at most 300). */
    maxPoints: 100_000,
  },
  friends: {
    /** Friends plus friend requests sent and not yet answered. */
    max: 500,
  },
  posts: {
    textMaxLength: 500,
    /** A player writes at most this many posts in any `windowMs` (shared moments do not count). */
    maxPerWindow: 20,
    windowMs: 24 * 60 * 60 * 1000,
  },
  /** Which moments of the game are posted for the player (`social.post.created`, kind other than text). */
  sharing: {
    /** Achievements of these rarities, when unlocked (those a challenge grants are shared as its win). */
    achievementRarities: ['rare', 'epic', 'legendary'],
    /** Every level from this one on. */
    levelsFrom: 5,
    /** A challenge won (first place), each time. */
    challengeWins: true,
  },
  history: {
    /** Days of totals and meals kept in state (older meals can no longer be deleted). */
    retainDays: 31,
  },
} as const;

export type AchievementId = keyof typeof userRules.achievements;
export type Rarity = (typeof userRules.achievements)[AchievementId]['rarity'];
export const achievementIds = Object.keys(userRules.achievements) as AchievementId[];

/** The points at which level `n` is reached. */
export function levelThreshold(level: number): number {
  return userRules.levels.pointsFactor * level * (level - 1);
}

/** The level a points total gives (1 at 0 points). */
export function levelFor(points: number): number {
  const factor = userRules.levels.pointsFactor;
  let level = Math.max(1, Math.floor((1 + Math.sqrt(1 + (4 * Math.max(0, points)) / factor)) / 2));
  // The square root may be off by one at exact thresholds; settle on integers.
  while (levelThreshold(level + 1) <= points) level++;
  while (level > 1 && levelThreshold(level) > points) level--;
  return level;
}
