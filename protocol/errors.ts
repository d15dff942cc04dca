/**
 * The catalog of stable error codes. Every error the server reports — over HTTP, over the
 * WebSocket or in a log line — carries one of these codes. Codes never change meaning once
 * shipped; new ones are added at the end of their group.
 *
 * @example
 * if (outcome.code === ErrorCode.STREAM_VERSION_CONFLICT) retry();
 */
export const ErrorCode = {
  // store
  STREAM_ID_INVALID: 'STREAM_ID_INVALID',
  STREAM_VERSION_CONFLICT: 'STREAM_VERSION_CONFLICT',
  APPEND_EMPTY: 'APPEND_EMPTY',
  EVENT_INVALID: 'EVENT_INVALID',
  EVENT_NOT_SERIALIZABLE: 'EVENT_NOT_SERIALIZABLE',
  EVENT_ID_CONFLICT: 'EVENT_ID_CONFLICT',
  UPCAST_FAILED: 'UPCAST_FAILED',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  STORE_QUERY_FAILED: 'STORE_QUERY_FAILED',
  STORE_CLOSED: 'STORE_CLOSED',
  MIGRATION_FAILED: 'MIGRATION_FAILED',
  DATA_KEY_UNKNOWN: 'DATA_KEY_UNKNOWN',
  DATA_KEY_MISMATCH: 'DATA_KEY_MISMATCH',
  // commands and actors
  CMD_REJECTED: 'CMD_REJECTED',
  COMMAND_INVALID: 'COMMAND_INVALID',
  COMMAND_UNKNOWN: 'COMMAND_UNKNOWN',
  ACTOR_TYPE_UNKNOWN: 'ACTOR_TYPE_UNKNOWN',
  ACTOR_CRASHED: 'ACTOR_CRASHED',
  ACTOR_UNAVAILABLE: 'ACTOR_UNAVAILABLE',
  RUNTIME_STOPPED: 'RUNTIME_STOPPED',
  DEAD_LETTER_NOT_FOUND: 'DEAD_LETTER_NOT_FOUND',
  COMMAND_ID_REUSED: 'COMMAND_ID_REUSED',
  ACTOR_CRASHED_NOT_KEPT: 'ACTOR_CRASHED_NOT_KEPT',
  SHARD_UNAVAILABLE: 'SHARD_UNAVAILABLE',
  // http and auth
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  BODY_INVALID: 'BODY_INVALID',
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  QUERY_INVALID: 'QUERY_INVALID',
  AUTH_REQUIRED: 'AUTH_REQUIRED',
  AUTH_INVALID: 'AUTH_INVALID',
  AUTH_FORBIDDEN: 'AUTH_FORBIDDEN',
  PLAYER_NOT_FOUND: 'PLAYER_NOT_FOUND',
  CHALLENGE_NOT_FOUND: 'CHALLENGE_NOT_FOUND',
  COMMAND_NOT_FOUND: 'COMMAND_NOT_FOUND',
  STREAM_NOT_FOUND: 'STREAM_NOT_FOUND',
  PROJECTION_NOT_FOUND: 'PROJECTION_NOT_FOUND',
  PROJECTORS_UNAVAILABLE: 'PROJECTORS_UNAVAILABLE',
  PARKED_EVENT_NOT_FOUND: 'PARKED_EVENT_NOT_FOUND',
  PARKED_EVENT_STILL_FAILS: 'PARKED_EVENT_STILL_FAILS',
  // process
  CONFIG_INVALID: 'CONFIG_INVALID',
  INTERNAL: 'INTERNAL',
  PORT_IN_USE: 'PORT_IN_USE',
  // realtime
  FRAME_INVALID: 'FRAME_INVALID',
  FRAME_UNKNOWN: 'FRAME_UNKNOWN',
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  TOPIC_INVALID: 'TOPIC_INVALID',
  TOPIC_FORBIDDEN: 'TOPIC_FORBIDDEN',
  HELLO_REQUIRED: 'HELLO_REQUIRED',
  SUBSCRIPTION_LIMIT: 'SUBSCRIPTION_LIMIT',
  COMMAND_TIMEOUT: 'COMMAND_TIMEOUT',
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
  CONNECTION_LIMIT: 'CONNECTION_LIMIT',
  NODE_FULL: 'NODE_FULL',
  // bus
  BUS_DISCONNECTED: 'BUS_DISCONNECTED',
  BUS_NO_RESPONDERS: 'BUS_NO_RESPONDERS',
  BUS_TIMEOUT: 'BUS_TIMEOUT',
  BUS_PAYLOAD_TOO_LARGE: 'BUS_PAYLOAD_TOO_LARGE',
  BUS_MESSAGE_INVALID: 'BUS_MESSAGE_INVALID',
  BUS_SUBJECT_INVALID: 'BUS_SUBJECT_INVALID',
  BUS_HANDLER_FAILED: 'BUS_HANDLER_FAILED',
  BUS_CLOSED: 'BUS_CLOSED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorCodeInfo {
  /** HTTP status a response carrying this code uses. */
  readonly status: number;
  /** One line for the docs and for clients that show the code to a person. */
  readonly description: string;
}

export const errorCatalog: { readonly [K in ErrorCode]: ErrorCodeInfo } = {
  STREAM_ID_INVALID: { status: 400, description: 'A stream id is not of the form `type/id`.' },
  STREAM_VERSION_CONFLICT: {
    status: 409,
    description: 'The stream was written by someone else since the expected version.',
  },
  APPEND_EMPTY: { status: 400, description: 'An append carried no events.' },
  EVENT_INVALID: { status: 400, description: 'An event lacks an id or a type, or has a bad schema version.' },
  EVENT_NOT_SERIALIZABLE: {
    status: 400,
    description: 'Event data, metadata or a snapshot is not plain JSON that the store can give back (cycles, bigint, functions, NUL characters, unpaired surrogates…).',
  },
  EVENT_ID_CONFLICT: {
    status: 409,
    description: 'An event id is already stored in another stream or at another place of this stream.',
  },
  UPCAST_FAILED: { status: 500, description: 'A stored event could not be upcast to its current schema.' },
  STORE_UNAVAILABLE: {
    status: 503,
    description: 'The database could not be reached; the operation may be retried with the same ids.',
  },
  STORE_QUERY_FAILED: { status: 500, description: 'The database refused a statement.' },
  STORE_CLOSED: { status: 503, description: 'The store was closed while the operation waited.' },
  MIGRATION_FAILED: { status: 500, description: 'A schema migration failed; nothing of it was applied.' },
  DATA_KEY_UNKNOWN: {
    status: 500,
    description: 'Players\' data keys are wrapped by a master key that DATA_KEYS does not hold; the server does not start.',
  },
  DATA_KEY_MISMATCH: {
    status: 500,
    description: 'A master key of DATA_KEYS has the id of a key used before but other material; the server does not start.',
  },
  CMD_REJECTED: {
    status: 422,
    description: 'The game refused the command; `reason` carries the rule that refused it (e.g. USER_ALREADY_REGISTERED).',
  },
  COMMAND_INVALID: { status: 400, description: 'A command lacks an id, a type, a target or a payload of the right shape.' },
  COMMAND_UNKNOWN: { status: 400, description: 'The target actor type has no command of this name.' },
  ACTOR_TYPE_UNKNOWN: { status: 400, description: 'No actor type answers to the prefix of this address.' },
  ACTOR_CRASHED: {
    status: 500,
    description: 'The command crashed its actor on every attempt; it is kept as a dead letter for an operator.',
  },
  ACTOR_UNAVAILABLE: {
    status: 503,
    description: 'The actor is quarantined after crashing repeatedly; try again later.',
  },
  RUNTIME_STOPPED: { status: 503, description: 'The node is shutting down; send the command again to another node.' },
  DEAD_LETTER_NOT_FOUND: { status: 404, description: 'No open dead letter has this id.' },
  COMMAND_ID_REUSED: {
    status: 409,
    description: 'You sent this command id before with another type or payload for the same actor; nothing was applied. Use a new id.',
  },
  SHARD_UNAVAILABLE: {
    status: 503,
    description:
      'No node could take the command in time: its actor is moving between nodes, or the node that held it stopped and its lease has not yet run out. Send it again with the same id.',
  },
  ACTOR_CRASHED_NOT_KEPT: {
    status: 500,
    description: 'The command crashed its actor on every attempt, and keeping it as a dead letter failed too; the failure is logged with the command.',
  },
  ROUTE_NOT_FOUND: { status: 404, description: 'No endpoint answers this method and path.' },
  BODY_INVALID: { status: 400, description: 'The request body is not a JSON object.' },
  BODY_TOO_LARGE: { status: 413, description: 'The request body is larger than the server accepts (MAX_BODY_BYTES).' },
  QUERY_INVALID: { status: 400, description: 'A path or query parameter has a value the endpoint cannot use.' },
  AUTH_REQUIRED: { status: 401, description: 'The request carries no bearer token.' },
  AUTH_INVALID: { status: 401, description: 'The token is malformed, expired or not signed by this server.' },
  AUTH_FORBIDDEN: {
    status: 403,
    description: "The token may not do this: another player's actor, or an operator endpoint without the admin token.",
  },
  PLAYER_NOT_FOUND: { status: 404, description: 'No registered player has this id.' },
  CHALLENGE_NOT_FOUND: { status: 404, description: 'No challenge has this id.' },
  COMMAND_NOT_FOUND: { status: 404, description: 'No command with this id was handled for this actor.' },
  STREAM_NOT_FOUND: { status: 404, description: 'The stream has no events.' },
  PROJECTION_NOT_FOUND: { status: 404, description: 'No projection has this name.' },
  PROJECTORS_UNAVAILABLE: {
    status: 503,
    description:
      'In a cluster the projectors run on one node (the holder of shard 0), and this request went to it over the bus: that node did not answer in time, or the projectors are moving to another node. Ask again.',
  },
  PARKED_EVENT_NOT_FOUND: {
    status: 404,
    description: 'The projection has no parked event with this id (it was retried, skipped, or its generation was replaced).',
  },
  PARKED_EVENT_STILL_FAILS: {
    status: 409,
    description: 'Retrying the parked event failed again; it stays parked, with the new error and one more attempt.',
  },
  CONFIG_INVALID: { status: 500, description: 'An environment variable has a value the server cannot use.' },
  INTERNAL: { status: 500, description: 'An unexpected fault; it is logged with context.' },
  PORT_IN_USE: {
    status: 500,
    description: 'The server cannot listen on HOST:PORT: another process holds the port (or it is not allowed); the server does not start.',
  },
  FRAME_INVALID: {
    status: 400,
    description: 'A WebSocket frame could not be decoded, is not an object with a known shape, or came out of order (a second hello).',
  },
  FRAME_UNKNOWN: { status: 400, description: 'The frame\'s `t` names no frame a client may send.' },
  FRAME_TOO_LARGE: { status: 413, description: 'The frame is larger than `limits.maxFrameBytes` of the welcome.' },
  RATE_LIMITED: {
    status: 429,
    description: "The player sent frames or commands faster than the player's rate limit (one budget over all of their connections and POST /v1/commands); send it again later.",
  },
  TOPIC_INVALID: {
    status: 400,
    description: 'A topic is not one of `user/<id>`, `challenge/<id>`, `post/<id>`, `feed/<id>`, `leaderboard/global`.',
  },
  TOPIC_FORBIDDEN: { status: 403, description: "A player may watch only their own `user/` and `feed/` topics." },
  HELLO_REQUIRED: { status: 400, description: 'A frame other than `hello` arrived before the server\'s `welcome`.' },
  SUBSCRIPTION_LIMIT: {
    status: 429,
    description: 'The connection already watches `limits.maxSubscriptions` topics; unsubscribe from one first.',
  },
  COMMAND_TIMEOUT: {
    status: 504,
    description: 'The client SDK got no answer in time; the command may have been applied: send it again with the same id.',
  },
  CONNECTION_CLOSED: {
    status: 503,
    description: 'The client was closed (or refused for good) before the answer came; a command may have been applied.',
  },
  CONNECTION_LIMIT: {
    status: 429,
    description: 'The player, or the address, already holds the most WebSocket connections it may; close one, or try later.',
  },
  NODE_FULL: { status: 503, description: 'The node holds as many WebSocket connections as it may; connect again later or to another node.' },
  BUS_DISCONNECTED: {
    status: 503,
    description: "The node's connection to NATS dropped (or never came up); a request in flight may have been handled: retry it with the same command id.",
  },
  BUS_NO_RESPONDERS: {
    status: 503,
    description: "No node listens on the subject of a bus request (NATS' 503 status); retry later, with the same command id.",
  },
  BUS_TIMEOUT: {
    status: 504,
    description: 'No reply came to a bus request within its timeout; it may have been handled: retry it with the same command id.',
  },
  BUS_PAYLOAD_TOO_LARGE: {
    status: 413,
    description: "A bus message is larger than NATS' `max_payload` (1 MiB by default); it was not sent.",
  },
  BUS_MESSAGE_INVALID: {
    status: 500,
    description: 'A bus message could not be encoded (a cycle…) or decoded with the bus codec (MessagePack).',
  },
  BUS_SUBJECT_INVALID: { status: 500, description: 'A bus subject has an empty token, whitespace, or a misplaced `*` or `>`.' },
  BUS_HANDLER_FAILED: {
    status: 500,
    description: 'The responder of a bus request failed; its own code and message travel with the error.',
  },
  BUS_CLOSED: { status: 503, description: 'The bus was closed (the node is shutting down) before the operation completed.' },
};

/**
 * The codes that answer a command without deciding it: the server applied nothing for it, or
 * what it applied is recorded under the command's id. Send the same command again — same id, same
 * payload — after a backoff: the server applies an id once. `RATE_LIMITED` also answers a `sub`,
 * which may be sent again the same way. Every other code is the command's outcome.
 *
 * The SDK retries these by itself (`ClientOptions.retry`); the runtime's outbox and timers resend
 * a command until its outcome is none of them (actors/runtime/outcome.ts `taken`).
 *
 * @example
 * if (result.status === 'error' && isRetryable(result.code)) resendLater({ ...command, id: result.id });
 */
export const retryableCodes = [
  ErrorCode.STREAM_VERSION_CONFLICT,
  ErrorCode.STORE_UNAVAILABLE,
  ErrorCode.ACTOR_UNAVAILABLE,
  ErrorCode.RUNTIME_STOPPED,
  ErrorCode.SHARD_UNAVAILABLE,
  ErrorCode.RATE_LIMITED,
] as const;

export type RetryableCode = (typeof retryableCodes)[number];

const retryable: ReadonlySet<string> = new Set(retryableCodes);

/** Whether `code` (any string: codes newer than this build are not retryable) is one of `retryableCodes`. */
export function isRetryable(code: string): code is RetryableCode {
  return retryable.has(code);
}

/** Base of every error the project raises on purpose: a stable code plus the cause. */
export class GamifierError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
