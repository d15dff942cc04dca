import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import { clientCommandPayloads, CommandRequest } from '../commands.js';
import { ErrorCode } from '../errors.js';

/**
 * The bodies of the HTTP API (docs/API.md) as schemas: the routes produce them (the compiler
 * checks a handler's answer against its schema) and `GET /v1/openapi.json` publishes them.
 * Answers are open (a server may add fields); what a client sends is checked strictly.
 *
 * @example
 * answer(PlayerProfile, await queries.profiles.get('ada')); // server/http/reads.ts
 */
const Count = Type.Integer({ minimum: 0 });
const Version = Type.Integer({ minimum: 0 });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a local calendar day, YYYY-MM-DD' });
const EpochMs = Type.Integer({ minimum: 0, description: 'epoch milliseconds' });
const Instant = Type.String({ format: 'date-time' });
const Nullable = <S extends TSchema>(schema: S) => Type.Union([schema, Type.Null()]);
const Cursor = Nullable(Type.String({ description: 'the cursor of the next page; null on the last one' }));

/** Every error answer: `{"error": {"code", "message", …}}` with a catalog code (protocol/errors.ts). */
export const ErrorBody = (codes: readonly ErrorCode[] = Object.values(ErrorCode)) =>
  Type.Object({
    error: Type.Object({
      code: Type.Unsafe<ErrorCode>(Type.String({ enum: [...codes] })),
      message: Type.String(),
      /** The command's id, for answers to a command. */
      id: Type.Optional(Type.String()),
      /** For CMD_REJECTED, the game rule that refused the command. */
      reason: Type.Optional(Type.String()),
    }),
  });

/**
 * A command as a client sends it, one variant per command type with the payload it takes;
 * `extra` adds fields (the WebSocket `cmd` frame's `t`). `POST /v1/commands` takes `commandBody()`.
 */
export const commandBody = (extra: TProperties = {}) =>
  Type.Union(
    Object.entries(clientCommandPayloads).map(([type, payload]) =>
      Type.Composite([Type.Object(extra), Type.Omit(CommandRequest, ['type', 'payload']), Type.Object({ type: Type.Literal(type), payload: payload as TSchema })], {
        additionalProperties: false,
        title: type,
      }),
    ),
  );
export const CommandBody = commandBody();

/** An applied command: the actor's version after it and the events it recorded. */
export const CommandApplied = Type.Object({
  id: Type.String(),
  status: Type.Literal('ok'),
  version: Version,
  /** True when this id had been applied before: nothing new happened, `events` are the first time's. */
  duplicate: Type.Boolean(),
  events: Type.Array(Type.Object({ type: Type.String(), version: Version, data: Type.Unknown() })),
});

/** `GET /v1/commands/:id?to=…`: the command was applied, leaving its actor at `version`. */
export const CommandStatus = Type.Object({ id: Type.String(), to: Type.String(), status: Type.Literal('ok'), version: Version });

export const DevToken = Type.Object({ userId: Type.String(), token: Type.String(), expiresAt: Instant });

export const Health = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('starting')]), node: Type.Optional(Type.String()) });
export const Ready = Type.Object({ status: Type.Literal('ready') });
export const NotReady = Type.Object({
  status: Type.Union([Type.Literal('starting'), Type.Literal('unavailable'), Type.Literal('draining')]),
  reason: Type.Optional(Type.Unsafe<ErrorCode>(Type.String())),
  since: Type.Optional(Instant),
});

export const DailyNutrition = Type.Object({
  userId: Type.String(),
  day: Day,
  calories: Type.Number(),
  proteinG: Type.Number(),
  carbsG: Type.Number(),
  fatG: Type.Number(),
  waterMl: Type.Number(),
  meals: Count,
  goalMet: Type.Boolean(),
});
export const NutritionDays = Type.Object({ days: Type.Array(DailyNutrition) });

export const PlayerProfile = Type.Object({
  userId: Type.String(),
  displayName: Type.String(),
  avatar: Nullable(Type.String()),
  timezone: Type.String(),
  level: Type.Integer({ minimum: 1 }),
  points: Count,
  streak: Type.Object({ days: Count, lastDay: Nullable(Day) }),
  achievements: Type.Array(Type.Object({ achievementId: Type.String(), rarity: Type.String(), points: Count, unlockedAt: Instant })),
  today: DailyNutrition,
  registeredAt: Nullable(Instant),
});

export const FeedPage = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      userId: Type.String(),
      displayName: Type.String(),
      avatar: Nullable(Type.String()),
      kind: Type.String({ description: 'meal.logged, level.up, achievement.unlocked, streak.milestone, goal.met, challenge.joined, challenge.won' }),
      data: Type.Record(Type.String(), Type.Unknown()),
      at: Instant,
    }),
  ),
  next: Cursor,
});

const LeaderboardEntry = Type.Object({ rank: Type.Integer({ minimum: 1 }), userId: Type.String(), displayName: Type.String(), points: Count, level: Type.Integer({ minimum: 1 }) });
export const Leaderboard = Type.Object({ players: Count, entries: Type.Array(LeaderboardEntry) });
export const LeaderboardAround = Type.Object({ player: LeaderboardEntry, above: Type.Array(LeaderboardEntry), below: Type.Array(LeaderboardEntry), players: Count });

export const ChallengeStates = ['scheduled', 'open', 'running', 'finished', 'cancelled'] as const;
const ChallengeSummaryFields = {
  challengeId: Type.String(),
  creatorId: Type.String(),
  title: Type.String(),
  kind: Type.String(),
  target: Nullable(Type.Number()),
  opensAt: EpochMs,
  startsAt: EpochMs,
  endsAt: EpochMs,
  participants: Count,
  maxParticipants: Count,
  state: Type.Union(ChallengeStates.map((state) => Type.Literal(state))),
};
export const ChallengeList = Type.Object({ items: Type.Array(Type.Object(ChallengeSummaryFields)), next: Cursor });
export const ChallengeWithStandings = Type.Object({
  ...ChallengeSummaryFields,
  standings: Type.Array(Type.Object({ rank: Type.Integer({ minimum: 1 }), userId: Type.String(), score: Type.Number(), reachedAt: EpochMs })),
});
