/** A message handler; errors it throws are the subscriber's to log, never the publisher's. */
export type BusHandler = (subject: string, message: unknown) => void;

export interface BusSubscription {
  unsubscribe(): void;
}

/**
 * Fire-and-forget messaging between the parts of a node and between nodes. Subjects are
 * dot-separated (`g.evt.user.u42`); a subscription may end in `>` to take every subject below a
 * prefix (`g.evt.>`), as in NATS. Delivery is at most once: subscribers that must not miss
 * anything (a watcher's topic) detect gaps by version and read the store.
 *
 * @example
 * const sub = bus.subscribe('g.evt.user.u42', (subject, message) => push(message));
 * bus.publish('g.evt.user.u42', { version: 7, event });
 */
export interface Bus {
  publish(subject: string, message: unknown): void;
  subscribe(subject: string, handler: BusHandler): BusSubscription;
  close(): Promise<void>;
}

/** The subject committed events of a stream travel on. */
export function eventSubject(streamId: string): string {
  const slash = streamId.indexOf('/');
  return `g.evt.${streamId.slice(0, slash)}.${streamId.slice(slash + 1).replaceAll('.', '_')}`;
}
