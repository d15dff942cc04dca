// What the text property test (text.property.e2e.test.ts) sends: every string field of every
// client command, found in the schemas themselves, and strings of every hostile kind.
import fc from 'fast-check';
import type { TSchema } from '@sinclair/typebox';
import { clientCommandPayloads, commandTarget, type ClientCommandType } from '../../protocol/commands.js';

/** Where a string sits in a command: `['payload', 'foods', 0, 'name']`, or `['id']` in the envelope. */
export type FieldPath = Array<string | number>;

/** The paths of every string in a schema (strings and string literals), arrays entered at index 0. */
export function stringPaths(schema: TSchema, at: FieldPath = []): FieldPath[] {
  if (schema.type === 'string' || typeof schema.const === 'string') return [at];
  if (Array.isArray(schema.anyOf)) return schema.anyOf.some((s: TSchema) => typeof s.const === 'string') ? [at] : [];
  if (schema.type === 'array') return stringPaths(schema.items as TSchema, [...at, 0]);
  if (schema.type === 'object') {
    return Object.entries(schema.properties as Record<string, TSchema>).flatMap(([key, s]) => stringPaths(s, [...at, key]));
  }
  return [];
}

/**
 * A valid payload of each command, with every optional string present, for a player, a challenge
 * of its own and a post of its own (`addressOf`).
 */
export function template(type: ClientCommandType, now: number): Record<string, unknown> {
  const food = { name: 'oats', quantity: 100, unit: 'g', calories: 380, proteinG: 13, carbsG: 67, fatG: 7 };
  const templates: Record<ClientCommandType, Record<string, unknown>> = {
    'user.register': { displayName: 'Ann', timezone: 'UTC' },
    'profile.update': { displayName: 'Ann', avatar: 'https://example.com/a.png', timezone: 'Europe/Paris' },
    'goal.set': { calories: 2000, proteinG: 100, carbsG: 250, fatG: 70, waterMl: 2000 },
    'meal.log': { mealId: 'm1', mealType: 'lunch', eatenAt: now, foods: [food] },
    'meal.delete': { mealId: 'm0' },
    'water.log': { ml: 250, drankAt: now },
    'friend.request': { userId: 'friend' },
    'friend.accept': { userId: 'friend' },
    'friend.decline': { userId: 'friend' },
    'friend.remove': { userId: 'friend' },
    'post.create': { postId: 'p1', text: 'Oats again' },
    'user.delete': {},
    'post.delete': {},
    'comment.add': { commentId: 'k1', text: 'Nice' },
    'comment.delete': { commentId: 'k0' },
    'post.like': {},
    'post.unlike': {},
    'challenge.create': { title: 'Cup', kind: 'points', startsAt: now + 3_600_000, endsAt: now + 7_200_000, maxParticipants: 10 },
    'challenge.join': {},
    'challenge.leave': {},
    'challenge.cancel': {},
  };
  return templates[type];
}

/**
 * Every (command, string field) pair: each payload string of each command, and the envelope's id
 * and type (the same schema for every command) on one command of each actor type.
 */
export function allFields(): Array<{ type: ClientCommandType; path: FieldPath }> {
  const envelope = (type: ClientCommandType) => [{ type, path: ['id'] }, { type, path: ['type'] }];
  return [
    ...envelope('meal.log'),
    ...envelope('challenge.create'),
    ...(Object.entries(clientCommandPayloads) as Array<[ClientCommandType, TSchema]>).flatMap(([type, schema]) =>
      stringPaths(schema).map((path) => ({ type, path: ['payload', ...path] })),
    ),
  ];
}

/** A copy of `value` with `text` at `path`. */
export function withText<T>(value: T, path: FieldPath, text: string): T {
  const copy = structuredClone(value) as Record<string | number, any>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]!] = text;
  return copy as T;
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
/** Controls, separators and format characters: refused ones and allowed ones side by side. */
const special = fc.constantFrom(
  '\u0000', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066',
  '\u2069', '\ufeff', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u061c', '\u00ad', '\ufe0f', '\ufffd', '\uffff',
  '\u{e0067}', '👩‍❤️‍👨', '"', '\\', "'", '%00', '\\u0000',
);
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }),
  loneSurrogate,
  special,
);

/** Strings of every kind a hostile client sends: empty, long, lone surrogates, controls, format characters. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.array(piece, { maxLength: 5 }).map((pieces) => pieces.join('')) },
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }), special), { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join('')) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.tuple(fc.nat({ max: 700 }), piece).map(([n, p]) => 'x'.repeat(n) + p) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }).filter((s) => /^[A-Za-z0-9]/.test(s)) },
);

/** Where a player's command of this type goes: their actor, their challenge, their post, or their like of it. */
export function addressOf(type: ClientCommandType, userId: string): string {
  switch (commandTarget[type]) {
    case 'user': return `user/${userId}`;
    case 'post': return `post/p-${userId}`;
    case 'like': return `like/p-${userId}@${userId}`;
    case 'challenge': return `challenge/c-${userId}`;
  }
}
