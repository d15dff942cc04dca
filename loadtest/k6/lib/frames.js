// The frames the k6 scripts send, and the payloads of their commands (docs/PROTOCOL.md,
// docs/API.md). Plain JavaScript whose one import is the data it shares with the Node generator
// (data.js), so that loadtest/tests checks every builder against the protocol's own schemas
// (protocol/frames.ts parseClientFrame).
import { FOODS, GOAL, MEAL_TYPES, TIMEZONES, WATER_ML } from './data.js';

/** The JSON subprotocol: k6 speaks text frames. */
export const SUBPROTOCOL = 'gamifier.v1.json';

export function hello(token) {
  return { t: 'hello', token: token };
}

export function command(id, to, type, payload) {
  return { t: 'cmd', id: id, to: to, type: type, payload: payload };
}

/** Watch a topic: from a snap, or (resuming) from the last version applied. */
export function subscribe(topic, fromVersion) {
  return fromVersion === undefined || fromVersion === null ? { t: 'sub', topic: topic } : { t: 'sub', topic: topic, fromVersion: fromVersion };
}

export function unsubscribe(topic) {
  return { t: 'unsub', topic: topic };
}

export function ping(n) {
  return { t: 'ping', n: n };
}

export function encode(frame) {
  return JSON.stringify(frame);
}

function pick(items, random) {
  return items[Math.floor(random() * items.length)];
}

/** `user.register`. */
export function registration(index, random) {
  return { displayName: 'k6 player ' + index, timezone: pick(TIMEZONES, random) };
}

/** `goal.set`: a daily goal around 1,800–2,600 kcal. */
export function goals(random) {
  const calories = GOAL.minCalories + Math.round(random() * GOAL.steps) * GOAL.step;
  return {
    calories: calories,
    proteinG: Math.round(calories / GOAL.proteinPer),
    carbsG: Math.round(calories / GOAL.carbsPer),
    fatG: Math.round(calories / GOAL.fatPer),
    waterMl: GOAL.waterMl,
  };
}

/** `meal.log`: one to three foods, eaten now. */
export function meal(mealId, now, random) {
  const foods = [];
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) foods.push(Object.assign({}, pick(FOODS, random)));
  return { mealId: mealId, mealType: pick(MEAL_TYPES, random), eatenAt: Math.floor(now), foods: foods };
}

/** `water.log`: a glass, 150–500 ml, drunk now. */
export function water(now, random) {
  return { ml: WATER_ML.min + Math.round(random() * WATER_ML.steps) * WATER_ML.step, drankAt: Math.floor(now) };
}

/** `challenge.create`: a water-ml challenge (water logs move its ranking), open at once. */
export function challenge(title, startsAt, endsAt, maxParticipants) {
  return { title: title, kind: 'water-ml', startsAt: Math.floor(startsAt), endsAt: Math.floor(endsAt), maxParticipants: maxParticipants };
}

/**
 * A command id that carries its send time (epoch µs, base 36): the challenge names a ranking
 * update's source `<userId>:<command id>:<index>`, so any VU can time the update.
 */
export function commandId(prefix, seq, sentAtMs) {
  return prefix + '.' + seq + '.t' + Math.round(sentAtMs * 1000).toString(36);
}

/** The send time (epoch ms) carried by a command id or a text holding one; undefined if none. */
export function sentAtOf(text) {
  if (typeof text !== 'string') return undefined;
  const match = /\.t([0-9a-z]{1,12})(?=$|:)/.exec(text);
  return match ? parseInt(match[1], 36) / 1000 : undefined;
}

/** Six random base-36 characters, to tell one run's players from another's. */
export function randomTag(random) {
  const r = random || Math.random;
  let tag = '';
  for (let i = 0; i < 6; i++) tag += Math.floor(r() * 36).toString(36);
  return tag;
}
