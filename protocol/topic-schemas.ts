import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * What each topic's `snap` holds and what its `evt` pushes carry (docs/PROTOCOL.md, "Topics").
 * Published for documents built from the project's schemas (AsyncAPI) and for client authors;
 * the server's views are tested against them (server/gateway/tests/topic-schemas.test.ts).
 *
 * - `user/<id>`, `challenge/<id>`, `post/<id>`: the snap's `state` is the actor's view; each `evt` carries the
 *   event and `patch`, an RFC 6902 JSON Patch that turns the view at `version - 1` into the view at
 *   `version` (apply it to what you hold; never re-implement a game rule).
 * - `leaderboard/global`, `feed/<id>`: the snap's `state` is a list of rows; each `evt`'s data is a
 *   `RowsDiff` (`upsert`, `remove`, `order`).
 */

const Int = Type.Integer();
const EpochMs = Type.Integer({ minimum: 0 });
/** A local calendar day, `YYYY-MM-DD`. */
const LocalDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** One RFC 6902 operation; the server writes `add`, `remove` and `replace`. */
export const JsonPatchOperation = Type.Union([
  Type.Object({ op: Type.Literal('add'), path: Type.String(), value: Type.Unknown() }),
  Type.Object({ op: Type.Literal('replace'), path: Type.String(), value: Type.Unknown() }),
  Type.Object({ op: Type.Literal('remove'), path: Type.String() }),
  Type.Object({ op: Type.Literal('move'), from: Type.String(), path: Type.String() }),
  Type.Object({ op: Type.Literal('copy'), from: Type.String(), path: Type.String() }),
  Type.Object({ op: Type.Literal('test'), path: Type.String(), value: Type.Unknown() }),
]);
/** An RFC 6902 JSON Patch: the operations, applied in order. */
export const JsonPatch = Type.Array(JsonPatchOperation);
export type JsonPatchOperation = Static<typeof JsonPatchOperation>;
export type JsonPatch = Static<typeof JsonPatch>;

const Totals = { calories: Type.Number(), proteinG: Type.Number(), carbsG: Type.Number(), fatG: Type.Number() };

/** `user/<id>`: the player as they see themselves (actors/user/view.ts). */
export const UserTopicState = Type.Object({
  userId: Type.String(),
  registered: Type.Boolean(),
  displayName: Type.String(),
  avatar: Nullable(Type.String()),
  timezone: Type.String(),
  goal: Nullable(Type.Object({ ...Totals, waterMl: Type.Number() })),
  points: Type.Number(),
  level: Int,
  /** The points at which the next level is reached. */
  nextLevelAt: Type.Number(),
  /** `days` is 0 when the streak's last day is before yesterday (the player's local days). */
  streak: Type.Object({ days: Int, lastDay: Nullable(LocalDay) }),
  /** The player's local day when the view was made, and its totals. */
  today: Type.Object({
    day: LocalDay,
    ...Totals,
    waterMl: Type.Number(),
    meals: Int,
    goalMet: Type.Boolean(),
    waterGoalReached: Type.Boolean(),
  }),
  achievements: Type.Array(Type.String()),
  /** How many friends. */
  friends: Int,
  /** Players whose friend request waits for an answer. */
  friendRequestsReceived: Type.Array(Type.String()),
  challenges: Type.Array(Type.Object({ challengeId: Type.String(), kind: Type.String(), startsAt: EpochMs, endsAt: EpochMs })),
});
export type UserTopicState = Static<typeof UserTopicState>;

export const RankingEntry = Type.Object({ rank: Int, userId: Type.String(), score: Type.Number(), reachedAt: EpochMs });

/** `challenge/<id>`: the challenge and its ranking (actors/challenge/view.ts). */
export const ChallengeTopicState = Type.Object({
  challengeId: Type.String(),
  /** The lifecycle, as the HTTP API names it: `uncreated`, `scheduled`, `open`, `running`, `finished`, `cancelled`. */
  state: Type.String(),
  definition: Nullable(
    Type.Object({
      challengeId: Type.String(),
      creatorId: Type.String(),
      title: Type.String(),
      kind: Type.String(),
      target: Nullable(Type.Number()),
      startsAt: EpochMs,
      endsAt: EpochMs,
      maxParticipants: Int,
      opensAt: EpochMs,
    }),
  ),
  participantCount: Int,
  /** Live while it runs, final once finished. */
  ranking: Type.Array(RankingEntry),
  rewards: Type.Array(
    Type.Object({ userId: Type.String(), rank: Int, points: Type.Number(), achievementId: Type.Optional(Type.String()) }),
  ),
  cancelledBy: Nullable(Type.String()),
});
export type ChallengeTopicState = Static<typeof ChallengeTopicState>;

/** `post/<id>`: a post, its count of likes and its comments, oldest first (actors/post/view.ts). */
export const PostTopicState = Type.Object({
  postId: Type.String(),
  /** `unpublished`, `published` or `deleted` (a deleted post shows no text and no comments). */
  state: Type.String(),
  authorId: Nullable(Type.String()),
  /** `text` (the player's words), `achievement`, `level` or `challenge-won` (a moment shared for them). */
  kind: Nullable(Type.String()),
  text: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  createdAt: Nullable(EpochMs),
  likes: Int,
  comments: Type.Array(Type.Object({ commentId: Type.String(), userId: Type.String(), text: Type.String(), at: EpochMs })),
});
export type PostTopicState = Static<typeof PostTopicState>;

/** A row of `leaderboard/global` (the top 100), keyed by `userId`. */
export const LeaderboardRow = Type.Object({ rank: Int, userId: Type.String(), displayName: Type.String(), points: Type.Number(), level: Int });
export const LeaderboardTopicState = Type.Array(LeaderboardRow);
/** An item of `feed/<id>` (the 50 newest of the player's friends' activity), keyed by `id`. */
export const FeedRow = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  kind: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  /** ISO 8601 time. */
  at: Type.String(),
  displayName: Type.Optional(Type.String()),
  avatar: Type.Optional(Nullable(Type.String())),
});
export const FeedTopicState = Type.Array(FeedRow);
export type LeaderboardRow = Static<typeof LeaderboardRow>;
export type FeedRow = Static<typeof FeedRow>;

/**
 * The data of a `leaderboard.changed` / `feed.changed` push. Apply in this order: drop the rows
 * whose key is in `remove`; replace each row of `upsert` whose key you hold, in place; append the
 * others in `upsert`'s order; then, when `order` is present, arrange the rows in the order of its
 * keys (it lists every row's key; it is sent only when the order is not the one the first steps give).
 */
export const RowsDiff = <Row extends TSchema>(row: Row) =>
  Type.Object({ upsert: Type.Array(row), remove: Type.Array(Type.String()), order: Type.Optional(Type.Array(Type.String())) });
export const LeaderboardDiff = RowsDiff(LeaderboardRow);
export const FeedDiff = RowsDiff(FeedRow);
export interface RowsDiffData<Row> {
  upsert: Row[];
  remove: string[];
  order?: string[];
}

const snapOf = <S extends TSchema>(topicPattern: string, state: S) =>
  Type.Object({ t: Type.Literal('snap'), topic: Type.String({ pattern: topicPattern }), version: Type.Integer({ minimum: 0 }), state });
const evtOf = <E extends TSchema>(topicPattern: string, event: E, patch: boolean) =>
  Type.Object({
    t: Type.Literal('evt'),
    topic: Type.String({ pattern: topicPattern }),
    version: Type.Integer({ minimum: 1 }),
    event,
    ...(patch ? { patch: JsonPatch } : {}),
  });
const DomainEvent = Type.Object({ type: Type.String(), data: Type.Unknown() });

export const UserSnap = snapOf('^user/', UserTopicState);
export const UserPush = evtOf('^user/', DomainEvent, true);
export const ChallengeSnap = snapOf('^challenge/', ChallengeTopicState);
export const ChallengePush = evtOf('^challenge/', DomainEvent, true);
export const PostSnap = snapOf('^post/', PostTopicState);
export const PostPush = evtOf('^post/', DomainEvent, true);
export const LeaderboardSnap = snapOf('^leaderboard/', LeaderboardTopicState);
export const LeaderboardPush = evtOf('^leaderboard/', Type.Object({ type: Type.Literal('leaderboard.changed'), data: LeaderboardDiff }), false);
export const FeedSnap = snapOf('^feed/', FeedTopicState);
export const FeedPush = evtOf('^feed/', Type.Object({ type: Type.Literal('feed.changed'), data: FeedDiff }), false);

/** Every topic kind's `snap` and `evt` schemas, by kind. */
export const topicSchemas = {
  user: { snap: UserSnap, push: UserPush, state: UserTopicState },
  challenge: { snap: ChallengeSnap, push: ChallengePush, state: ChallengeTopicState },
  post: { snap: PostSnap, push: PostPush, state: PostTopicState },
  leaderboard: { snap: LeaderboardSnap, push: LeaderboardPush, state: LeaderboardTopicState },
  feed: { snap: FeedSnap, push: FeedPush, state: FeedTopicState },
} as const;
