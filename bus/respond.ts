import type { BusResponder } from './bus.js';
import { decode, encodeFailure, encodeReply } from './codec.js';
import type { BusMonitor } from './monitor.js';

/**
 * Runs a responder on a request's bytes and sends its reply (or its failure) through `send`;
 * `send` is absent when the message was published without a reply subject.
 */
export function answer(
  subject: string,
  bytes: Uint8Array,
  responder: BusResponder,
  send: ((reply: Uint8Array) => void) | undefined,
  monitor: BusMonitor,
  maxPayload: () => number,
): void {
  let result: Promise<unknown>;
  try {
    result = Promise.resolve(responder(subject, decode(subject, bytes)));
  } catch (error) {
    result = Promise.reject(error);
  }
  result
    .then((value) => send?.(encodeReply(subject, value, maxPayload())))
    .catch((error: unknown) => {
      // The responder threw, or its reply cannot be sent (too large, not encodable): say so rather than let the requester time out.
      monitor.handlerFailed(subject, error);
      try {
        send?.(encodeFailure(subject, error, maxPayload()));
      } catch (failure) {
        monitor.handlerFailed(subject, failure);
      }
    });
}
