import { ErrorCode } from './errors.js';
import type { Checked } from './validate.js';

/**
 * What a client can watch (`sub`): `user/<id>` (the player's own state), `challenge/<id>` (state
 * and live ranking), `post/<id>` (a post, its likes count and comments), `leaderboard/global`
 * (top 100) and `feed/<id>` (friends' activity).
 * Ids follow the actor id rule: 1–64 of `A-Z a-z 0-9 . _ : @ -`, starting with a letter or digit.
 *
 * @example
 * const topic = authorizeTopic('u42', 'challenge/c7'); // { ok: true, value: { kind: 'challenge', id: 'c7', … } }
 */
export const TopicKind = {
  user: 'user',
  challenge: 'challenge',
  post: 'post',
  leaderboard: 'leaderboard',
  feed: 'feed',
} as const;

export type TopicKind = (typeof TopicKind)[keyof typeof TopicKind];

export interface Topic {
  kind: TopicKind;
  id: string;
  /** The canonical string, `kind/id`. */
  name: string;
}

/** The longest topic a client may send: `challenge/` and a 64-character id. */
export const MAX_TOPIC_LENGTH = 74;

const shape = /^(user|challenge|post|leaderboard|feed)\/([A-Za-z0-9][A-Za-z0-9._:@-]{0,63})$/;
/** The leaderboards that exist; their topic ids. */
const leaderboards: ReadonlySet<string> = new Set(['global']);

export function parseTopic(raw: unknown): Checked<Topic> {
  const match = typeof raw === 'string' && raw.length <= MAX_TOPIC_LENGTH ? shape.exec(raw) : null;
  if (!match) {
    return {
      ok: false,
      code: ErrorCode.TOPIC_INVALID,
      message: 'a topic is user/<id>, challenge/<id>, post/<id>, feed/<id> or leaderboard/global',
    };
  }
  const kind = match[1] as TopicKind;
  const id = match[2]!;
  if (kind === 'leaderboard' && !leaderboards.has(id)) {
    return { ok: false, code: ErrorCode.TOPIC_INVALID, message: `no leaderboard ${id}; there is leaderboard/global` };
  }
  return { ok: true, value: { kind, id, name: raw as string } };
}

/** A player watches only their own `user/` and `feed/`; any `challenge/`, any `post/` and the leaderboard. */
export function canWatch(userId: string, topic: Topic): boolean {
  return topic.kind === 'challenge' || topic.kind === 'post' || topic.kind === 'leaderboard' || topic.id === userId;
}

/** Parses a topic and checks that `userId` may watch it (TOPIC_INVALID, TOPIC_FORBIDDEN). */
export function authorizeTopic(userId: string, raw: unknown): Checked<Topic> {
  const parsed = parseTopic(raw);
  if (!parsed.ok || canWatch(userId, parsed.value)) return parsed;
  return {
    ok: false,
    code: ErrorCode.TOPIC_FORBIDDEN,
    message: `a player may watch only their own ${parsed.value.kind}/ topic (${parsed.value.kind}/${userId})`,
  };
}

/**
 * The event stream a topic follows, when it is an actor's (`user/u42` → stream `user/u42`);
 * undefined for read-model topics (leaderboard, feed).
 */
export function topicStream(topic: Topic): string | undefined {
  return topic.kind === 'user' || topic.kind === 'challenge' || topic.kind === 'post' ? topic.name : undefined;
}
