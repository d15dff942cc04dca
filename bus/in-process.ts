import type { Bus, BusHandler, BusSubscription } from './bus.js';

/**
 * The bus of a single node: exact subjects in a map, `prefix.>` wildcards in a list. Handlers run
 * synchronously in publish order; one that throws does not stop the others.
 */
export class InProcessBus implements Bus {
  private readonly exact = new Map<string, Set<BusHandler>>();
  private readonly wildcards = new Set<{ prefix: string; handler: BusHandler }>();

  constructor(private readonly onHandlerError: (subject: string, error: unknown) => void = () => undefined) {}

  publish(subject: string, message: unknown): void {
    const handlers = this.exact.get(subject);
    if (handlers) for (const handler of handlers) this.deliver(handler, subject, message);
    for (const { prefix, handler } of this.wildcards) if (subject.startsWith(prefix)) this.deliver(handler, subject, message);
  }

  subscribe(subject: string, handler: BusHandler): BusSubscription {
    if (subject.endsWith('>')) {
      const entry = { prefix: subject.slice(0, -1), handler };
      this.wildcards.add(entry);
      return { unsubscribe: () => void this.wildcards.delete(entry) };
    }
    let handlers = this.exact.get(subject);
    if (!handlers) this.exact.set(subject, (handlers = new Set()));
    handlers.add(handler);
    return {
      unsubscribe: () => {
        handlers!.delete(handler);
        if (handlers!.size === 0 && this.exact.get(subject) === handlers) this.exact.delete(subject);
      },
    };
  }

  async close(): Promise<void> {
    this.exact.clear();
    this.wildcards.clear();
  }

  private deliver(handler: BusHandler, subject: string, message: unknown): void {
    try {
      handler(subject, message);
    } catch (error) {
      this.onHandlerError(subject, error);
    }
  }
}
