/**
 * The typed client SDK of the Gamifier WebSocket protocol, for browsers and Node alike (inject the
 * WebSocket class). See docs/PROTOCOL.md for the protocol it speaks.
 *
 * @example
 * import WebSocket from 'ws';
 * const client = await connect({ url: 'ws://localhost:8080/v1/ws', token, WebSocket });
 * const result = await client.send({ to: 'user/u42', type: 'meal.delete', payload: { mealId: 'm1' } });
 * for await (const item of client.watch('user/u42')) render(item);
 */
export { connect, GamifierClient } from './client.js';
export type { ClientOptions, ClientStatus, CommandInput } from './client.js';
export type { CommandResult } from './pending.js';
export { Watch } from './watch.js';
export type { WatchItem, WatchOptions } from './watch.js';
export { ClientError } from './errors.js';
export { backoffDelay, defaultBackoff } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { defaultRetry } from './retry.js';
export type { RetryOptions } from './retry.js';
export type { WebSocketConstructor, WebSocketLike } from './socket.js';
export { ErrorCode, errorCatalog, retryableCodes, isRetryable } from '../errors.js';
export type { RetryableCode } from '../errors.js';
export { CloseCode, closeCatalog, shouldReconnect } from '../close-codes.js';
export { Subprotocol, WEBSOCKET_PATH } from '../codecs.js';
export type { ClientCommandType, ClientCommandPayload } from '../commands.js';
export type { TopicEvent, Limits } from '../frames.js';
