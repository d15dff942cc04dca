// The frames the k6 scripts send, and the payloads of their commands (docs/PROTOCOL.md,
// docs/API.md). Pure JavaScript without any import, so that loadtest/tests checks every builder
// against the protocol's own schemas (protocol/frames.ts parseClientFrame).

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

const TIMEZONES = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'UTC', 'Australia/Sydney', 'America/Sao_Paulo'];
const MEAL_TYPES = ['breakfast', 'lunch', 'dinner', 'snack'];
const FOODS = [
  { name: 'oats', quantity: 80, unit: 'g', calories: 300, proteinG: 11, carbsG: 54, fatG: 6 },
  { name: 'greek yogurt', quantity: 170, unit: 'g', calories: 100, proteinG: 17, carbsG: 6, fatG: 1 },
  { name: 'banana', quantity: 1, unit: 'piece', calories: 105, proteinG: 1, carbsG: 27, fatG: 0 },
  { name: 'chicken breast', quantity: 150, unit: 'g', calories: 248, proteinG: 46, carbsG: 0, fatG: 5 },
  { name: 'brown rice', quantity: 180, unit: 'g', calories: 216, proteinG: 5, carbsG: 45, fatG: 2 },
  { name: 'lentil soup', quantity: 400, unit: 'g', calories: 450, proteinG: 28, carbsG: 60, fatG: 9 },
  { name: 'salmon', quantity: 120, unit: 'g', calories: 250, proteinG: 25, carbsG: 0, fatG: 16 },
  { name: 'mixed salad', quantity: 200, unit: 'g', calories: 90, proteinG: 3, carbsG: 12, fatG: 4 },
  { name: 'almonds', quantity: 30, unit: 'g', calories: 170, proteinG: 6, carbsG: 6, fatG: 15 },
];

function pick(items, random) {
  return items[Math.floor(random() * items.length)];
}

/** `user.register`. */
export function registration(index, random) {
  return { displayName: 'k6 player ' + index, timezone: pick(TIMEZONES, random) };
}

/** `goal.set`: a daily goal around 1,800–2,600 kcal. */
export function goals(random) {
  const calories = 1800 + Math.round(random() * 8) * 100;
  return { calories: calories, proteinG: Math.round(calories / 20), carbsG: Math.round(calories / 8), fatG: Math.round(calories / 30), waterMl: 2000 };
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
  return { ml: 150 + Math.round(random() * 35) * 10, drankAt: Math.floor(now) };
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
