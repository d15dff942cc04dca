/**
 * WebSocket close codes, shared by the gateway and the SDK. 1000–1015 are the standard ones
 * (RFC 6455 §7.4.1 and the IANA registry); 4000–4999 are ours. Before a close it initiates, the
 * server sends a `bye` frame carrying the same code and a reason, so a client whose transport
 * loses the close frame (it then sees 1006) still knows why.
 *
 * @example
 * socket.close(CloseCode.SLOW_CONSUMER, closeCatalog[CloseCode.SLOW_CONSUMER].description);
 * if (shouldReconnect(event.code)) scheduleReconnect();
 */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  ABNORMAL: 1006,
  POLICY_VIOLATION: 1008,
  FRAME_TOO_LARGE: 1009,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  AUTH_FAILED: 4001,
  SLOW_CONSUMER: 4002,
  RATE_LIMIT_ABUSE: 4003,
  TOO_MANY_BAD_FRAMES: 4004,
  IDLE_TIMEOUT: 4005,
  PLAYER_CONNECTION_LIMIT: 4006,
  ADDRESS_CONNECTION_LIMIT: 4007,
  NODE_CONNECTION_LIMIT: 4008,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export interface CloseCodeInfo {
  /** One line for the docs and the logs. */
  readonly description: string;
  /** Whether a client should connect again (with backoff) after this close. */
  readonly reconnect: boolean;
  /** False for codes that only a client observes (the transport's own, never sent in a frame). */
  readonly sentByServer: boolean;
}

export const closeCatalog: { readonly [K in CloseCode]: CloseCodeInfo } = {
  1000: {
    description: 'Normal closure: the server answers a close the client asked for.',
    reconnect: false,
    sentByServer: true,
  },
  1001: { description: 'Going away: the server is stopping without a drain.', reconnect: true, sentByServer: true },
  1006: {
    description: 'Abnormal closure: the connection dropped without a close frame (network, crash). Never sent.',
    reconnect: true,
    sentByServer: false,
  },
  1008: {
    description: 'Policy violation: the token expired or was revoked during the session; connect again with a new token.',
    reconnect: false,
    sentByServer: true,
  },
  1009: {
    description: 'Frame too large for the transport (larger than `limits.maxFrameBytes`).',
    reconnect: true,
    sentByServer: true,
  },
  1011: { description: 'Internal error: the server met a fault it could not answer with an `err`.', reconnect: true, sentByServer: true },
  1012: {
    description: 'Service restart: the node is draining for a graceful shutdown; reconnect (the load balancer sends you elsewhere) and resume.',
    reconnect: true,
    sentByServer: true,
  },
  4001: {
    description: 'Authentication failed: no valid `hello` within the hello timeout, or the token was refused.',
    reconnect: false,
    sentByServer: true,
  },
  4002: {
    description: 'Slow consumer: more output was waiting to be sent than `limits.maxBufferedBytes`; reconnect and resume from your last version.',
    reconnect: true,
    sentByServer: true,
  },
  4003: {
    description: 'Rate limit abuse: the client kept sending after being answered RATE_LIMITED.',
    reconnect: true,
    sentByServer: true,
  },
  4004: { description: 'Too many bad frames: the client sent too many frames the server refused.', reconnect: true, sentByServer: true },
  4005: {
    description: 'Idle timeout: nothing arrived for `limits.idleTimeoutMs` (send `ping` to keep a quiet connection open).',
    reconnect: true,
    sentByServer: true,
  },
  // Not reconnecting: the player's other connections are alive, and another attempt meets the same cap.
  4006: {
    description: 'The player already has the most connections a player may hold open (MAX_CONNECTIONS_PER_PLAYER); close one first.',
    reconnect: false,
    sentByServer: true,
  },
  4007: {
    description: "The client's address already has the most connections an address may hold open (MAX_CONNECTIONS_PER_ADDRESS); reconnect later.",
    reconnect: true,
    sentByServer: true,
  },
  4008: {
    description: 'The node is at its connection cap (MAX_CONNECTIONS); reconnect (the load balancer may send you elsewhere).',
    reconnect: true,
    sentByServer: true,
  },
};

export function isCloseCode(code: number): code is CloseCode {
  return Object.hasOwn(closeCatalog, code);
}

/** Whether to connect again after a close with this code. Codes outside the catalog: yes. */
export function shouldReconnect(code: number): boolean {
  return isCloseCode(code) ? closeCatalog[code].reconnect : true;
}
