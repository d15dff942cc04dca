/**
 * The WebSocket the SDK drives, injected so that one SDK runs in browsers (the native
 * `WebSocket`) and in Node (`ws`): both fit this shape.
 *
 * @example
 * import WebSocket from 'ws';
 * const client = await connect({ url, token, WebSocket });
 */
export interface WebSocketLike {
  binaryType: string;
  readonly protocol: string;
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}

export type WebSocketConstructor = new (url: string, protocols: string | string[]) => WebSocketLike;

/**
 * A handler typed as a method, whose parameter TypeScript compares both ways: `ws` and the DOM
 * declare their handlers with their own event classes, which a plain function type would refuse.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** `readyState` of an open socket, the same in `ws` and the DOM. */
export const OPEN = 1;
