import type { CommittedEvent } from '../../actors/runtime/index.js';
import { eventSubject, type Bus, type StreamEventMessage } from '../../bus/index.js';

export type { StreamEventMessage };

/**
 * The runtime's `onCommitted` that publishes each committed event on the bus.
 *
 * @example
 * new ActorRuntime(types, { store, deadLetters, onCommitted: committedEventPublisher(bus, (error) => log.error({ err: error }, 'publish failed')) });
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
