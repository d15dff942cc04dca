import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Text } from './text.js';

/**
 * The commands a game client may send, with the schema of each payload. Every command is
 * validated against these at the edge (HTTP and WebSocket) before it reaches an actor; the actor's
 * decide then applies the game's rules (an empty meal, a timezone that does not exist…) and
 * answers those with CMD_REJECTED and the rule's code. Bounds here match the rules tables
 * (actors/user/rules.ts, actors/challenge/rules.ts); protocol/ is a leaf and cannot import them.
 * Every string is `Text` (protocol/text.ts): well-formed Unicode without control characters.
 */
const Id = Text({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$' });
const Name = Text({ minLength: 1, maxLength: 40 });
const FoodName = Text({ minLength: 1, maxLength: 60 });
/** A post id: no `@`, so that a like's address `like/<postId>@<userId>` splits at its first `@`. */
const PostId = Text({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' });
const Timezone = Text({ minLength: 1, maxLength: 64 });
const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const Amount = (max: number) => Type.Number({ minimum: 0, maximum: max });
const strict = { additionalProperties: false } as const;

const Food = Type.Object(
  {
    name: FoodName,
    quantity: Amount(100_000),
    unit: Text({ minLength: 1, maxLength: 20 }),
    calories: Amount(20_000),
    proteinG: Amount(2_000),
    carbsG: Amount(2_000),
    fatG: Amount(2_000),
  },
  strict,
);

export const clientCommandPayloads = {
  'user.register': Type.Object({ displayName: Name, timezone: Timezone }, strict),
  'profile.update': Type.Object(
    { displayName: Type.Optional(Name), avatar: Type.Optional(Text({ maxLength: 512 })), timezone: Type.Optional(Timezone) },
    strict,
  ),
  'goal.set': Type.Object(
    { calories: Amount(20_000), proteinG: Amount(2_000), carbsG: Amount(2_000), fatG: Amount(2_000), waterMl: Amount(20_000) },
    strict,
  ),
  'meal.log': Type.Object(
    {
      mealId: Id,
      mealType: Type.Union([Type.Literal('breakfast'), Type.Literal('lunch'), Type.Literal('dinner'), Type.Literal('snack')]),
      eatenAt: EpochMs,
      foods: Type.Array(Food, { maxItems: 50 }),
    },
    strict,
  ),
  'meal.delete': Type.Object({ mealId: Id }, strict),
  'water.log': Type.Object({ ml: Amount(5_000), drankAt: EpochMs }, strict),
  'friend.request': Type.Object({ userId: Id }, strict),
  'friend.accept': Type.Object({ userId: Id }, strict),
  'friend.decline': Type.Object({ userId: Id }, strict),
  'friend.remove': Type.Object({ userId: Id }, strict),
  'post.create': Type.Object({ postId: PostId, text: Text({ minLength: 1, maxLength: 500 }) }, strict),
  'user.delete': Type.Object({}, strict),
  'post.delete': Type.Object({}, strict),
  'comment.add': Type.Object({ commentId: Id, text: Text({ minLength: 1, maxLength: 280 }) }, strict),
  'comment.delete': Type.Object({ commentId: Id }, strict),
  'post.like': Type.Object({ postId: Type.Optional(PostId) }, strict),
  'post.unlike': Type.Object({ postId: Type.Optional(PostId) }, strict),
  'challenge.create': Type.Object(
    {
      challengeId: Type.Optional(Id),
      title: Text({ minLength: 1, maxLength: 80 }),
      kind: Type.Union([Type.Literal('meals-logged'), Type.Literal('water-ml'), Type.Literal('goal-days'), Type.Literal('points')]),
      target: Type.Optional(Type.Number({ minimum: 1, maximum: 1_000_000_000 })),
      startsAt: EpochMs,
      endsAt: EpochMs,
      maxParticipants: Type.Integer({ minimum: 2, maximum: 1_000 }),
    },
    strict,
  ),
  'challenge.join': Type.Object({}, strict),
  'challenge.leave': Type.Object({}, strict),
  'challenge.cancel': Type.Object({}, strict),
} satisfies Record<string, TSchema>;

export type ClientCommandType = keyof typeof clientCommandPayloads;
export type ClientCommandPayload<T extends ClientCommandType> = Static<(typeof clientCommandPayloads)[T]>;

/** The actor type each client command goes to. */
export const commandTarget: Record<ClientCommandType, 'user' | 'challenge' | 'post' | 'like'> = {
  'user.register': 'user',
  'profile.update': 'user',
  'goal.set': 'user',
  'meal.log': 'user',
  'meal.delete': 'user',
  'water.log': 'user',
  'friend.request': 'user',
  'friend.accept': 'user',
  'friend.decline': 'user',
  'friend.remove': 'user',
  'post.create': 'user',
  'user.delete': 'user',
  'post.delete': 'post',
  'comment.add': 'post',
  'comment.delete': 'post',
  'post.like': 'like',
  'post.unlike': 'like',
  'challenge.create': 'challenge',
  'challenge.join': 'challenge',
  'challenge.leave': 'challenge',
  'challenge.cancel': 'challenge',
};

/**
 * A command as a client sends it (HTTP body or the `cmd` frame). `to` is `user/<id>`,
 * `challenge/<id>`, `post/<postId>`, or `like/<postId>@<your id>` (your like of a post).
 */
export const CommandRequest = Type.Object(
  {
    id: Text({ minLength: 1, maxLength: 128 }),
    to: Text({
      minLength: 3,
      maxLength: 160,
      pattern: '^((user|challenge|post)/[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}|like/[A-Za-z0-9][A-Za-z0-9._:-]{0,39}@[A-Za-z0-9][A-Za-z0-9._:@-]{0,63})$',
    }),
    type: Text({ minLength: 1, maxLength: 64 }),
    payload: Type.Optional(Type.Unknown()),
  },
  strict,
);
export type CommandRequest = Static<typeof CommandRequest>;
