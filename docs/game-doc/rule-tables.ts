import { challengeRules } from '../../actors/challenge/index.js';
import { postRules } from '../../actors/post/index.js';
import { levelThreshold, userRules } from '../../actors/user/index.js';
import { table } from './markdown.js';

const number = (value: number) => value.toLocaleString('en-US');
const ms = (value: number) =>
  value % 86_400_000 === 0 && value > 2 * 86_400_000 ? `${value / 86_400_000} days` : value % 3_600_000 === 0 ? `${value / 3_600_000} h` : value % 60_000 === 0 ? `${value / 60_000} min` : `${value / 1000} s`;

/** The levels shown: up to five past the highest level an achievement asks for. */
export const levelsShown = userRules.achievements.legend.level + 5;

/** Level n is reached at `levelThreshold(n)` points (actors/user/rules.ts). */
export function levelTable(): string {
  const rows = Array.from({ length: levelsShown }, (_, i) => [String(i + 1), number(levelThreshold(i + 1))]);
  return `Level *n* is reached at ${userRules.levels.pointsFactor} · *n* · (*n* − 1) points.\n\n${table(['level', 'reached at (points)'], rows)}`;
}

/** What unlocks each achievement, by the criterion its rule row carries. */
const criteria: Record<string, (value: number | boolean) => string> = {
  firstMeal: () => 'the first meal logged',
  dailyWaterMl: (value) => `${number(value as number)} ml of water in one local day (with or without a water goal)`,
  streakDays: (value) => `a streak of ${String(value)} days`,
  goalDaysInARow: (value) => `the goal met ${String(value)} days in a row`,
  grantedByChallenge: () => 'first place in a finished challenge (granted by the challenge)',
  level: (value) => `level ${String(value)} reached`,
};

export function achievementTable(): string {
  const rows = Object.entries(userRules.achievements).map(([id, rule]) => {
    const found = Object.entries(rule).filter(([key]) => key !== 'rarity' && key !== 'points');
    const when = found.map(([key, value]) => {
      const describe = criteria[key];
      if (!describe) throw new Error(`docs/game-doc/rule-tables.ts does not describe the achievement criterion ${key}`);
      return describe(value as number | boolean);
    });
    return [`\`${id}\``, rule.rarity, number(rule.points), when.join('; ')];
  });
  return table(['achievement', 'rarity', 'points', 'unlocked by'], rows);
}

export function pointsTable(): string {
  const { meals, water, goal, streak } = userRules;
  const { rewards } = challengeRules;
  const rows = [
    ['a meal logged', number(meals.points), `\`meal\`; the first ${meals.rewardedPerDay} meals of a local day only (deleting one does not free a place)`],
    ["the day's water reaching the water goal", number(water.goalPoints), '`water-goal`; once a local day, only with a goal set'],
    [
      'the goal met (`nutrition.goal.met`)',
      number(goal.metPoints),
      `\`goal-met\`; once a local day: calories within ±${goal.calorieTolerancePercent} % of the calorie goal and protein at or above the protein goal`,
    ],
    ...streak.milestones.map((m) => [`a streak reaching ${m.days} days`, number(m.points), '`streak-milestone`; in every streak that reaches it']),
    ['an achievement', 'its points (below)', '`achievement`; once per achievement'],
    ...rewards.points.map((points, i) => [
      `rank ${i + 1} when a challenge finishes`,
      number(points),
      `\`${rewards.reason}\`; with ${rewards.minParticipants}+ participants at the end and a score above 0`,
    ]),
  ];
  return table(['what', 'points', 'reason, and when'], rows);
}

/** The other numbers of the player's rules. */
export function playerLimitsTable(): string {
  const { meals, water, friends, history, awards } = userRules;
  return table(['rule', 'value'], [
    ['meal and water times may be back-dated by', ms(meals.backdateLimitMs)],
    ['… and be ahead of the server clock by', ms(meals.futureToleranceMs)],
    ['water per `water.log`', `${number(water.maxMlPerLog)} ml at most`],
    ['days of totals and meals kept (older meals cannot be deleted)', String(history.retainDays)],
    ['friends plus pending requests sent', `${friends.max} at most`],
    ['largest single award from another actor', number(awards.maxPoints)],
  ]);
}

/** The limits of posts and comments, and the sharing rules: which moments are posted for the player. */
export function socialLimitsTable(): string {
  const { posts, sharing } = userRules;
  const { comments } = postRules;
  return table(['rule', 'value'], [
    ['post text', `1 to ${number(posts.textMaxLength)} characters`],
    ['posts a player writes', `${posts.maxPerWindow} in any ${ms(posts.windowMs)} at most (shared moments do not count)`],
    ['comment text', `1 to ${number(comments.textMaxLength)} characters`],
    ['comments on a post', `${comments.maxPerPost} at most, ${comments.maxPerPlayer} of one player (deleted ones free their place)`],
    ['likes', 'one per player and post; liking again, or taking back a like not given, changes nothing'],
    ['shared: achievements', `of rarity ${sharing.achievementRarities.join(', ')}, when unlocked (challenge-winner is shared as the win)`],
    ['shared: levels', `every level from ${sharing.levelsFrom}`],
    ['shared: challenge wins', sharing.challengeWins ? 'each first place, with the challenge\'s title' : 'no'],
  ]);
}

/** A challenge's states, each with when it begins, from the rules' timings. */
export function lifecycleTable(): string {
  const { window, participants, titleMaxLength } = challengeRules;
  const rows = [
    ['`scheduled`', `at \`challenge.create\` when \`startsAt\` is more than ${ms(window.opensBeforeStartMs)} away`, 'no (`CHALLENGE_NOT_JOINABLE`)'],
    ['`open`', `at \`challenge.create\` when \`startsAt\` is within ${ms(window.opensBeforeStartMs)} (\`opensAt\` = creation time); else at \`opensAt\` = \`startsAt\` − ${ms(window.opensBeforeStartMs)}`, 'yes, until full'],
    ['`running`', 'at `startsAt`', 'yes, until full and until `endsAt`'],
    ['`finished`', `at \`endsAt\` + ${ms(window.settleMs)} (progress made before \`endsAt\` but still on its way is counted)`, 'no'],
    ['`cancelled`', 'at `challenge.cancel`, by the creator, before `startsAt`', 'no'],
  ];
  const limits = table(['rule', 'value'], [
    ['`startsAt` at creation', `from ${ms(window.startToleranceMs)} before the server clock to ${ms(window.maxLeadMs)} after it`],
    ['`endsAt` − `startsAt`', `${ms(window.minDurationMs)} to ${ms(window.maxDurationMs)}`],
    ['`maxParticipants`', `${participants.min} to ${number(participants.max)}`],
    ['title', `1 to ${titleMaxLength} characters`],
    ['rewards by rank', challengeRules.rewards.points.map(number).join(', ')],
    ['winner achievement', `\`${challengeRules.rewards.winnerAchievement}\``],
  ]);
  return `${table(['state', 'begins', 'joinable'], rows)}\n\n${limits}`;
}
