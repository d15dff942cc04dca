import type { ChallengeEventType } from '../../actors/challenge/index.js';
import type { LikeEventType } from '../../actors/like/index.js';
import type { PostEventType } from '../../actors/post/index.js';
import type { UserEventType } from '../../actors/user/index.js';
import type { ClientCommandType } from '../../protocol/commands.js';

/** What each client command does, one line each (docs/GAME.md, "Commands"). */
export const commandSummaries: Record<ClientCommandType, string> = {
  'user.register': 'Registers the player (once). The display name is trimmed; the timezone is stored in its canonical spelling.',
  'profile.update': 'Changes any of the three fields. Only the fields that change are in the event; a change to nothing is accepted with no event.',
  'goal.set': "Sets the player's daily goal (replacing the last one). It counts from the next change of a day's totals.",
  'meal.log': "Logs a meal on the local day of `eatenAt` in the player's timezone; see Points for what it earns.",
  'meal.delete': "Deletes a meal of the last retained days: the day's totals go down; points, streak and the day's rewarded-meal count stay.",
  'water.log': "Logs water on the local day of `drankAt`.",
  'friend.request': 'Asks another player to be friends. If they asked this player already, they become friends at once. A request to an id that is not a registered player stays pending.',
  'friend.accept': 'Accepts a pending request from `userId`: both become friends.',
  'friend.decline': 'Declines a pending request from `userId`.',
  'friend.remove': 'Ends a friendship, on both sides.',
  'post.create': 'Writes a post (`post/<postId>`, a new id of your choosing) in your name: your friends see it in their feeds, anyone may watch, like and comment on it. The text is trimmed. Counts against the rate of posting (shared moments do not).',
  'user.delete': "Deletes the player's account for good (an operator may too: `POST /v1/admin/players/:id/delete`). Their personal data is forgotten: their data key is destroyed, so their display name, food names, posts' and comments' texts read `(deleted)` in the log; they leave the leaderboard, profiles, feeds and friends' lists; a challenge's ranking keeps their entry (an id and a score, no name) so it stays whole. Friends are told. Every later command to the player, `user.register` included, is rejected (`PLAYER_DELETED`).",
  'post.delete': 'Deletes the post (its author only): it leaves the feeds, its comments and likes with it, and takes no more comments or likes.',
  'comment.add': 'Comments on the post. `commentId` is of your choosing, unique within the post; the text is trimmed.',
  'comment.delete': 'Deletes a comment (its writer only).',
  'post.like': 'Likes the post, once: liking it again changes nothing. `to` is your like of the post, `like/<postId>@<your id>`; `postId` may be left out (it is taken from `to`). A like of a post that does not exist, or was deleted, counts nowhere.',
  'post.unlike': 'Takes your like back (nothing to take back: no change).',
  'challenge.create': 'Creates the challenge named in `to` (`challenge/<new id>`), created by the player, who does not join by it. `challengeId` may be left out (it is taken from `to`).',
  'challenge.join': 'Joins the challenge: the player\'s events from now on advance it (see Challenges).',
  'challenge.leave': 'Leaves the challenge; the score goes with the player, and joining again starts from 0.',
  'challenge.cancel': 'Cancels the challenge (the creator only, before it starts).',
};

/** When each of the player's events happens (docs/GAME.md, "Events"). */
export const userEventNotes: Record<UserEventType, string> = {
  'user.registered': '`user.register`',
  'user.profile.updated': '`profile.update`; only the fields that changed',
  'nutrition.goal.set': '`goal.set`',
  'nutrition.meal.logged': '`meal.log`; `day` is the local day, `totals` the sum of the foods, `rewarded` whether it earned meal points',
  'nutrition.meal.deleted': "`meal.delete`; `totals` are the deleted meal's",
  'nutrition.water.logged': '`water.log`; `dayTotalMl` is the day\'s water after it, `goalReached` whether this log first reached the water goal',
  'nutrition.goal.met': "a day's totals first meet the goal (after a meal logged or deleted); `daysInARow` is the run of met days it belongs to",
  'points.earned': 'every credit of points: `reason` is `meal`, `water-goal`, `goal-met`, `streak-milestone`, `achievement`, or another actor\'s (`challenge-reward`); points total the sum of these',
  'user.level.up': 'one per level crossed, in order, right after the `points.earned` that crossed it',
  'user.streak.extended': 'the first meal on a local day after the streak\'s last day; `days` is the new length',
  'user.streak.broken': 'before `user.streak.extended {days: 1}` when the new meal\'s day is not the next day; `days` is the length that ended',
  'user.streak.milestone': 'a streak reaches a milestone length (then its `points.earned`)',
  'achievement.unlocked': 'an achievement, once per player; a `points.earned` (`achievement`) with its points follows',
  'social.friend.request.sent': '`friend.request` (to a player who had not asked)',
  'social.friend.request.received': 'another player asked this one',
  'social.friend.request.declined': 'a pending request was declined: by this player (`incoming`) or by the other (`outgoing`)',
  'social.friend.added': 'a friendship began (on each side)',
  'social.friend.removed': 'a friendship ended (on each side)',
  'social.post.created': '`post.create` (`kind` `text`), or a moment the sharing rules post for the player (`achievement`, `level`, `challenge-won`); the post itself is `post/<postId>`',
  'user.account.deleted': "`user.delete`, by the player or an operator: no personal data; their friends are told (`friend.deleted`), their data key is destroyed, their state is the initial one and every later command is rejected (`PLAYER_DELETED`)",
  'user.challenge.tracked': 'the player joined a challenge: their events now advance it',
  'user.challenge.untracked': 'the player left it, or it finished or was cancelled',
};

/** When each of a challenge's events happens. */
export const challengeEventNotes: Record<ChallengeEventType, string> = {
  'challenge.created': '`challenge.create`; the data is the definition (`opensAt`: when it becomes joinable)',
  'challenge.opened': 'it becomes joinable (see Lifecycle)',
  'challenge.started': 'at `startsAt`',
  'challenge.participant.joined': '`challenge.join`',
  'challenge.participant.left': '`challenge.leave`',
  'challenge.progress.recorded': "a participant's event advanced their score: `delta` is what counted (a target caps it), `score` the new score, `at` when the player's event happened",
  'challenge.finished': 'the end: the final ranking',
  'challenge.cancelled': '`challenge.cancel`; `by` is the creator',
  'challenge.reward.granted': 'after `challenge.finished`, one per rewarded rank; `achievementId` for the first',
};

/** When each of a post's events happens (every one names the post's `authorId`). */
export const postEventNotes: Record<PostEventType, string> = {
  'social.post.published': "the author's actor published it (after its `social.post.created`); the data is the post",
  'social.post.like.counted': 'a like given (`liked`) or taken back reached the post; `likes` is the count after it, `seq` the like\'s change number',
  'social.comment.added': '`comment.add`; `userId` wrote it, `at` is epoch ms',
  'social.comment.deleted': '`comment.delete`',
  'social.post.deleted': '`post.delete`; its comments go with it',
  'social.post.player.forgotten': "a player's account was deleted (`post.forget` from the outbox): the post's text if `userId` wrote it, and their comments' texts, read `(deleted)` from now on, as the log does once their key is destroyed; `authorId` is null for a post never published",
};

/** When each of a like's events happens. */
export const likeEventNotes: Record<LikeEventType, string> = {
  'social.post.liked': '`post.like` when the player did not like the post; `seq` numbers the like\'s changes',
  'social.post.unliked': '`post.unlike` when the player liked it',
};

/** What each field of a topic's snap holds, by topic kind and the field's path. */
export const viewFieldNotes: Record<'user' | 'challenge' | 'post' | 'leaderboard' | 'feed', Record<string, string>> = {
  user: {
    userId: 'the player',
    registered: 'false until `user.register`: the rest then holds defaults',
    displayName: 'trimmed display name',
    avatar: 'as last set; null if never set',
    timezone: 'canonical IANA name; `UTC` until registered',
    goal: 'the daily goal (NutritionGoal), null if none set',
    points: 'total points',
    level: 'current level',
    nextLevelAt: 'points at which the next level is reached',
    streak: 'the meal streak',
    'streak.days': "its length; 0 if `lastDay` is before yesterday (the player's local day): such a streak is over",
    'streak.lastDay': 'last local day with a meal in it, `YYYY-MM-DD`',
    today: "totals of the player's local day at the time of the snap",
    'today.day': "`YYYY-MM-DD` in the player's timezone",
    'today.calories': "sum of the day's meals (less deleted ones)",
    'today.proteinG': 'likewise',
    'today.carbsG': 'likewise',
    'today.fatG': 'likewise',
    'today.waterMl': 'water logged that day',
    'today.meals': 'meals logged that day, less deleted ones',
    'today.goalMet': '`nutrition.goal.met` happened that day',
    'today.waterGoalReached': 'the water goal was reached that day',
    achievements: 'unlocked achievement ids, in unlock order',
    friends: 'number of friends',
    friendRequestsReceived: 'ids of players whose requests await an answer',
    challenges: 'challenges the player takes part in and that have not ended',
    'challenges[].challengeId': 'the challenge',
    'challenges[].kind': 'what it counts',
    'challenges[].startsAt': 'epoch ms',
    'challenges[].endsAt': 'epoch ms',
  },
  challenge: {
    challengeId: 'the challenge',
    state: '`uncreated`, `scheduled`, `open`, `running`, `finished` or `cancelled`',
    definition: 'the `challenge.created` data (ChallengeDefinition); null while uncreated',
    participantCount: 'participants now',
    ranking: 'the live ranking (RankingEntry), best first; the final one once finished',
    rewards: 'rewards granted at the end (empty before)',
    'rewards[].userId': 'the rewarded player',
    'rewards[].rank': '1, 2 or 3',
    'rewards[].points': 'points awarded',
    'rewards[].achievementId': '`challenge-winner`, for the first',
    cancelledBy: 'the creator, once cancelled; else null',
  },
  post: {
    postId: 'the post',
    state: '`unpublished`, `published` or `deleted`',
    authorId: 'who wrote it (or for whom it was shared); null while unpublished',
    kind: '`text`, `achievement`, `level` or `challenge-won`; null while unpublished',
    text: 'the text; null unless published (a deleted post shows none)',
    data: 'what a shared moment was (`{achievementId, rarity}`, `{level}`, `{title}`); `{}` for text',
    createdAt: 'epoch ms; null while unpublished',
    likes: 'how many players like it',
    comments: 'its comments, oldest first (none once deleted)',
    'comments[].commentId': 'the comment',
    'comments[].userId': 'who wrote it',
    'comments[].text': 'trimmed text',
    'comments[].at': 'epoch ms',
  },
  leaderboard: {
    rank: 'competition rank by points ("1224": equal points share a rank)',
    userId: 'the player',
    displayName: "the player's display name",
    points: 'total points',
    level: 'level',
  },
  feed: {
    id: 'the item (the id of the event it reports)',
    userId: 'the friend who did it',
    kind: 'what it reports (see the feed kinds below)',
    data: 'depends on `kind`',
    at: 'when, an ISO 8601 time',
    displayName: "the friend's display name",
    avatar: "the friend's avatar, or null",
  },
};
