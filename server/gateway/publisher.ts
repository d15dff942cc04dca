import type { CommittedEvent } from '../../actors/runtime/index.js';
import { eventSubject, type Bus } from '../../bus/index.js';

/**
 * A committed event as it travels on the bus (`g.evt.<type>.<id>`): one message per event, in
 * commit order. Delivery is at most once; watchers find gaps by `version` and read the store.
 */
export interface StreamEventMessage {
  streamId: string;
  /** The stream's version after this event. */
  version: number;
  event: { type: string; data: unknown };
}

/**
 * The runtime's `onCommitted` that publishes each committed event on the bus.
 *
 * @example
 * new ActorRuntime(types, { store, onCommitted: committedEventPublisher(bus, (error) => log.error({ err: error }, 'publish failed')) });
 */
export function committedEventPublisher(
  bus: Bus,
  onError: (error: unknown, streamId: string) => void = () => undefined,
): (address: string, events: readonly CommittedEvent[]) => void {
  return (address, events) => {
    const subject = eventSubject(address);
    for (const event of events) {
      const message: StreamEventMessage = { streamId: address, version: event.version, event: { type: event.type, data: event.data } };
      try {
        bus.publish(subject, message);
      } catch (error) {
        // The runtime's caller must not fail for a watcher's sake: watchers recover from the store.
        onError(error, address);
      }
    }
  };
}

/** The message if it has the shape of a StreamEventMessage of `streamId`; undefined otherwise. */
export function streamEventOf(message: unknown, streamId: string): StreamEventMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { streamId: id, version, event } = message as Partial<StreamEventMessage>;
  if (id !== streamId || !Number.isSafeInteger(version) || (version as number) < 1) return undefined;
  if (typeof event !== 'object' || event === null || typeof event.type !== 'string') return undefined;
  return message as StreamEventMessage;
}
