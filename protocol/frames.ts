import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { commandTarget } from './commands.js';
import { ErrorCode } from './errors.js';
import type { CloseCode } from './close-codes.js';
import { isText, Text } from './text.js';
import { JsonPatch } from './topic-schemas.js';
import { MAX_TOPIC_LENGTH, parseTopic } from './topics.js';
import { validateClientCommand, Validator, type Checked, type ValidCommand } from './validate.js';

/**
 * The frames of the WebSocket protocol (docs/PROTOCOL.md). Every frame is an object whose `t`
 * names it. What a client sends is validated strictly here (unknown fields are refused) before
 * anything acts on it; what a server sends is checked leniently by the SDK (unknown fields are
 * ignored, so a server may add fields without breaking older clients).
 *
 * @example
 * const decoded = codec.decode(data);
 * const frame = decoded.ok ? parseClientFrame(decoded.value) : decoded;
 * if (!frame.ok) send(errFrame(frame));
 */
export const ClientFrameType = { hello: 'hello', cmd: 'cmd', sub: 'sub', unsub: 'unsub', ping: 'ping' } as const;
export const ServerFrameType = {
  welcome: 'welcome',
  ack: 'ack',
  err: 'err',
  snap: 'snap',
  evt: 'evt',
  pong: 'pong',
  bye: 'bye',
} as const;
export type ClientFrameType = (typeof ClientFrameType)[keyof typeof ClientFrameType];
export type ServerFrameType = (typeof ServerFrameType)[keyof typeof ServerFrameType];

const strict = { additionalProperties: false } as const;
/** The largest version a stream can reach: the store keeps versions as 32-bit integers. */
export const MAX_STREAM_VERSION = 2_147_483_647;
/** A topic version a client may name: what the store can hold, no more. */
const StreamVersion = Type.Integer({ minimum: 0, maximum: MAX_STREAM_VERSION });
/** A version, a counter or a ping number: a non-negative safe integer. */
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** Long enough that a too-long topic is answered TOPIC_INVALID rather than FRAME_INVALID. */
const TopicField = Text({ maxLength: 4 * MAX_TOPIC_LENGTH });

// client → server (strict)
export const HelloFrame = Type.Object({ t: Type.Literal('hello'), token: Text({ minLength: 1, maxLength: 4096 }) }, strict);
export const SubFrame = Type.Object({ t: Type.Literal('sub'), topic: TopicField, fromVersion: Type.Optional(StreamVersion) }, strict);
export const UnsubFrame = Type.Object({ t: Type.Literal('unsub'), topic: TopicField }, strict);
export const PingFrame = Type.Object({ t: Type.Literal('ping'), n: Type.Optional(Count) }, strict);

export type HelloFrame = Static<typeof HelloFrame>;
export type SubFrame = Static<typeof SubFrame>;
export type UnsubFrame = Static<typeof UnsubFrame>;
export type PingFrame = Static<typeof PingFrame>;
/** A command (protocol/commands.ts): validated by validateClientCommand, not by a frame schema. */
export interface CmdFrame extends ValidCommand {
  t: 'cmd';
}
export type ClientFrame = HelloFrame | CmdFrame | SubFrame | UnsubFrame | PingFrame;

// server → client (lenient)
export const Limits = Type.Object({
  /** The largest frame, in bytes, the server accepts. */
  maxFrameBytes: Count,
  /** How many topics one connection may watch at once. */
  maxSubscriptions: Count,
  /** Frames per second a connection may send, sustained (a token bucket's refill rate)… */
  ratePerSec: Count,
  /** …and in a burst (the bucket's size). */
  burst: Count,
  /** Output waiting to be sent beyond which the connection is closed (4002 slow consumer). */
  maxBufferedBytes: Count,
  /** A connection that sends nothing for this long is closed (4005); `ping` keeps it open. */
  idleTimeoutMs: Count,
});
export type Limits = Static<typeof Limits>;

/** The limits a gateway applies unless configured otherwise; a client reads the real ones from `welcome`. */
export const defaultLimits: Limits = {
  maxFrameBytes: 64 * 1024,
  maxSubscriptions: 100,
  ratePerSec: 50,
  burst: 100,
  maxBufferedBytes: 1024 * 1024,
  idleTimeoutMs: 120_000,
};

export const WelcomeFrame = Type.Object({
  t: Type.Literal('welcome'),
  userId: Type.String(),
  node: Type.String(),
  serverTime: Count,
  limits: Limits,
  /** When the token expires (epoch ms): the session is closed 1008 then, unless a `hello` with a fresh token came first. */
  expiresAt: Type.Optional(Count),
});
export const AckFrame = Type.Object({ t: Type.Literal('ack'), id: Type.String(), version: Count, duplicate: Type.Boolean() });
export const ErrFrame = Type.Object({
  t: Type.Literal('err'),
  /** The id of the `cmd` this answers. */
  id: Type.Optional(Type.String()),
  /** The topic of the `sub` this answers. */
  topic: Type.Optional(Type.String()),
  /** A catalog code (protocol/errors.ts); a client must accept codes newer than itself. */
  code: Type.Unsafe<ErrorCode>(Type.String()),
  message: Type.String(),
  /** For CMD_REJECTED, the game rule that refused the command (e.g. USER_ALREADY_REGISTERED). */
  reason: Type.Optional(Type.String()),
});
export const SnapFrame = Type.Object({ t: Type.Literal('snap'), topic: Type.String(), version: Count, state: Type.Unknown() });
/** An event as a topic carries it: its type (`nutrition.meal.logged`) and its data. */
export const TopicEvent = Type.Object({ type: Type.String(), data: Type.Unknown() });
export const EvtFrame = Type.Object({
  t: Type.Literal('evt'),
  topic: Type.String(),
  /** The topic's version after this event: always the previous one plus 1. */
  version: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  event: TopicEvent,
  /**
   * `user/` and `challenge/` topics: the RFC 6902 JSON Patch that turns the topic's state at
   * `version - 1` into its state at `version` (protocol/topic-schemas.ts).
   */
  patch: Type.Optional(JsonPatch),
});
export const PongFrame = Type.Object({ t: Type.Literal('pong'), n: Type.Optional(Count), serverTime: Count });
export const ByeFrame = Type.Object({
  t: Type.Literal('bye'),
  code: Type.Unsafe<CloseCode>(Type.Integer({ minimum: 1000, maximum: 4999 })),
  reason: Type.String(),
});

export type WelcomeFrame = Static<typeof WelcomeFrame>;
export type AckFrame = Static<typeof AckFrame>;
export type ErrFrame = Static<typeof ErrFrame>;
export type SnapFrame = Static<typeof SnapFrame>;
export type TopicEvent = Static<typeof TopicEvent>;
export type EvtFrame = Static<typeof EvtFrame>;
export type PongFrame = Static<typeof PongFrame>;
export type ByeFrame = Static<typeof ByeFrame>;
export type ServerFrame = WelcomeFrame | AckFrame | ErrFrame | SnapFrame | EvtFrame | PongFrame | ByeFrame;
export type Frame = ClientFrame | ServerFrame;

/** Why a frame was refused: what an `err` frame answering it carries. */
export interface FrameError {
  ok: false;
  code: ErrorCode;
  message: string;
  id?: string;
  topic?: string;
}
export type ParsedFrame<F> = { ok: true; value: F } | FrameError;

const validators = <K extends string>(schemas: Record<K, TSchema>) =>
  new Map(Object.entries<TSchema>(schemas).map(([t, schema]) => [t, new Validator(schema, ErrorCode.FRAME_INVALID)]));
/** The schema of every client frame but `cmd` (validateClientCommand checks that one), by `t`. */
export const clientFrameSchemas = { hello: HelloFrame, sub: SubFrame, unsub: UnsubFrame, ping: PingFrame } satisfies Record<Exclude<ClientFrameType, 'cmd'>, TSchema>;
/** The schema of every server frame, by `t`: what the SDK checks and protocol/contracts/asyncapi.ts publishes. */
export const serverFrameSchemas = {
  welcome: WelcomeFrame,
  ack: AckFrame,
  err: ErrFrame,
  snap: SnapFrame,
  evt: EvtFrame,
  pong: PongFrame,
  bye: ByeFrame,
} satisfies Record<ServerFrameType, TSchema>;
const clientValidators = validators(clientFrameSchemas);
const serverValidators = validators(serverFrameSchemas);

function frameType(decoded: unknown): string | FrameError {
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    return { ok: false, code: ErrorCode.FRAME_INVALID, message: 'a frame is an object with a string field t' };
  }
  const t = (decoded as { t?: unknown }).t;
  if (typeof t !== 'string') return { ok: false, code: ErrorCode.FRAME_INVALID, message: '/t: a frame names its type in t' };
  return t;
}

const unknownFrame = (t: string, side: string): FrameError => ({
  ok: false,
  code: ErrorCode.FRAME_UNKNOWN,
  message: `${JSON.stringify(t.slice(0, 32))} is not a frame a ${side} sends`,
});

/**
 * Checks a decoded frame from a client. Never throws. A refusal carries the code (FRAME_INVALID,
 * FRAME_UNKNOWN, TOPIC_INVALID, COMMAND_INVALID, COMMAND_UNKNOWN) and, when the frame names them,
 * the `id` of its command or its `topic`, so that the `err` answering it can say what it answers.
 */
export function parseClientFrame(decoded: unknown): ParsedFrame<ClientFrame> {
  const t = frameType(decoded);
  if (typeof t !== 'string') return t;
  const frame = decoded as Record<string, unknown>;
  if (t === 'cmd') return parseCommand(frame);
  const validator = clientValidators.get(t);
  if (!validator) return unknownFrame(t, 'client');
  const checked = validator.validate(frame);
  if (!checked.ok) return { ...checked, ...echoed('topic', frame.topic, 4 * MAX_TOPIC_LENGTH) };
  const value = checked.value as ClientFrame;
  if (value.t === 'sub' || value.t === 'unsub') {
    const topic = parseTopic(value.topic);
    if (!topic.ok) return { ...topic, topic: value.topic };
  }
  return { ok: true, value };
}

function parseCommand(frame: Record<string, unknown>): ParsedFrame<CmdFrame> {
  const { t: _t, ...request } = frame;
  const id = echoed('id', frame.id, 128);
  const checked = validateClientCommand(request);
  if (!checked.ok) return { ...checked, ...id };
  const target = checkCommandTarget(checked.value);
  if (!target.ok) return { ...target, ...id };
  return { ok: true, value: { t: 'cmd', ...target.value } };
}

/**
 * A field of a refused frame that its `err` repeats, if it is text (protocol/text.ts): a command's
 * id only when it is not too long, a topic cut to `maxLength`.
 */
function echoed<K extends 'id' | 'topic'>(key: K, value: unknown, maxLength: number): { [P in K]?: string } {
  if (typeof value !== 'string' || value.length === 0 || (key === 'id' && value.length > maxLength)) return {};
  const repeated = value.slice(0, maxLength);
  return isText(repeated) ? ({ [key]: repeated } as { [P in K]?: string }) : {};
}

/**
 * Whom a player may command, the one rule for every way in (WebSocket `cmd`, `POST /v1/commands`,
 * and asking what became of a command): their own `user/<id>`, their own likes
 * (`like/<postId>@<their id>`), and any challenge or post, which checks the player itself
 * (meta.userId). AUTH_FORBIDDEN otherwise.
 *
 * @example
 * mayCommand('u42', 'user/u7'); // { ok: false, code: 'AUTH_FORBIDDEN', … }
 */
export function mayCommand(userId: string, to: string): Checked<string> {
  const [kind, targetId] = to.split('/') as [string, string];
  if (kind === 'like') {
    if (targetId.slice(targetId.indexOf('@') + 1) === userId) return { ok: true, value: to };
    return { ok: false, code: ErrorCode.AUTH_FORBIDDEN, message: `a player may command only their own likes (like/<postId>@${userId})` };
  }
  if (kind !== 'user' || targetId === userId) return { ok: true, value: to };
  return { ok: false, code: ErrorCode.AUTH_FORBIDDEN, message: `a player may command only user/${userId} (and challenges, posts and their own likes)` };
}

/**
 * The checks of a command that need its target, shared by every way in: the command goes to an
 * actor of the type that has it (COMMAND_UNKNOWN), `challenge.create` creates the challenge
 * its `to` names (its payload's challengeId is filled in from `to`, or must equal it), and a like
 * is of the post its `to` names (`postId` likewise).
 */
export function checkCommandTarget(command: ValidCommand): Checked<ValidCommand> {
  if (!aimsAt(command.to, commandTarget[command.type])) {
    const [kind] = command.to.split('/') as [string];
    return { ok: false, code: ErrorCode.COMMAND_UNKNOWN, message: `${command.type} is not a command of ${kind} actors` };
  }
  if (command.type === 'post.like' || command.type === 'post.unlike') {
    const postId = command.to.slice('like/'.length, command.to.indexOf('@'));
    const given = command.payload.postId;
    if (given !== undefined && given !== postId) {
      return { ok: false, code: ErrorCode.COMMAND_INVALID, message: `payload.postId must be ${postId}, the post in "to"` };
    }
    return { ok: true, value: { ...command, payload: { postId } } };
  }
  if (command.type !== 'challenge.create') return { ok: true, value: command };
  const [, targetId] = command.to.split('/') as [string, string];
  const given = command.payload.challengeId;
  if (given !== undefined && given !== targetId) {
    return { ok: false, code: ErrorCode.COMMAND_INVALID, message: `payload.challengeId must be ${targetId}, the id in "to"` };
  }
  return { ok: true, value: { ...command, payload: { ...command.payload, challengeId: targetId } } };
}

/** Whether `to` names an actor of type `kind`: `to.split('/')[0] === kind`, without splitting `to` for every command. */
function aimsAt(to: string, kind: string): boolean {
  return to.startsWith(kind) && (to.length === kind.length || to.charCodeAt(kind.length) === 0x2f); // '/'
}

/** Checks a decoded frame from the server (the SDK's side). Never throws. */
export function parseServerFrame(decoded: unknown): ParsedFrame<ServerFrame> {
  const t = frameType(decoded);
  if (typeof t !== 'string') return t;
  const validator = serverValidators.get(t);
  if (!validator) return unknownFrame(t, 'server');
  return validator.validate(decoded) as ParsedFrame<ServerFrame>;
}

/** The `err` frame that answers a refused frame (or any error), without absent fields. */
export function errFrame(error: { code: ErrorCode; message: string; id?: string; topic?: string; reason?: string }): ErrFrame {
  const frame: ErrFrame = { t: 'err', code: error.code, message: error.message };
  if (error.id !== undefined) frame.id = error.id;
  if (error.topic !== undefined) frame.topic = error.topic;
  if (error.reason !== undefined) frame.reason = error.reason;
  return frame;
}

/** What handling a command came to, as the actor runtime reports it (actors/runtime/outcome.ts). */
export type CommandOutcome =
  | { status: 'ok'; version: number; duplicate: boolean }
  | { status: 'rejected'; code: string; message: string }
  | { status: 'failed'; code: ErrorCode; message: string };

/**
 * The frame that answers a `cmd`: `ack`, or `err` with the same codes as the HTTP API
 * (server/http/commands.ts `outcomeReply`): a game rule's refusal is CMD_REJECTED with the rule in
 * `reason`.
 */
export function answerFrame(id: string, outcome: CommandOutcome): AckFrame | ErrFrame {
  switch (outcome.status) {
    case 'ok':
      return { t: 'ack', id, version: outcome.version, duplicate: outcome.duplicate };
    case 'rejected':
      return errFrame({ id, code: ErrorCode.CMD_REJECTED, message: outcome.message, reason: outcome.code });
    case 'failed':
      return errFrame({ id, code: outcome.code, message: outcome.message });
  }
}
