/** A message handler; errors it throws are the subscriber's to log, never the publisher's. */
export type BusHandler = (subject: string, message: unknown) => void;

/** Answers a request: what it returns (or resolves to) is the reply; what it throws reaches the requester as BUS_HANDLER_FAILED. */
export type BusResponder = (subject: string, message: unknown) => unknown;

export interface BusSubscription {
  unsubscribe(): void;
}

export interface SubscribeOptions {
  /** A queue group: each message goes to one member of the group rather than to all of them. */
  queue?: string;
}

export interface RequestOptions {
  /** How long to wait for the reply; BUS_TIMEOUT after that. 5,000 ms when absent. */
  timeoutMs?: number;
}

/**
 * Messaging between the parts of a node and between nodes. Every message crosses as msgpack bytes
 * (`codec.ts`), in-process too. Subjects are NATS subjects: dot-separated tokens
 * (`g.evt.user.u42`); a subscription may use `*` for one token and a final `>` for one or more
 * (`g.evt.*.u42`, `g.evt.>`). Delivery is at most once: subscribers that must not miss anything
 * (a watcher's topic) detect gaps by version and read the store.
 *
 * `publish` and `subscribe` throw a BusError at once for a bad subject, an unencodable message or
 * one over `maxPayload`; `request` rejects with BUS_NO_RESPONDERS, BUS_TIMEOUT, BUS_DISCONNECTED
 * (retry with the same command id), BUS_HANDLER_FAILED or BUS_CLOSED.
 *
 * @example
 * const sub = bus.subscribe('g.evt.user.u42', (subject, message) => push(message));
 * bus.publish('g.evt.user.u42', { version: 7, event });
 * bus.serve('g.node.n1', (subject, command) => runtime.handle(command), { queue: 'nodes' });
 * const outcome = await bus.request('g.node.n1', command, { timeoutMs: 2_000 });
 */
export interface Bus {
  /** The largest encoded message, in bytes, this bus sends (NATS' `max_payload`, 1 MiB by default). */
  readonly maxPayload: number;
  publish(subject: string, message: unknown): void;
  subscribe(subject: string, handler: BusHandler, options?: SubscribeOptions): BusSubscription;
  request(subject: string, message: unknown, options?: RequestOptions): Promise<unknown>;
  serve(subject: string, responder: BusResponder, options?: SubscribeOptions): BusSubscription;
  /** Resolves once everything sent before (subscriptions included) has reached NATS: a subscriber then hears what others publish. */
  flush(): Promise<void>;
  /** Counters of what the bus went through: status changes, faults of handlers, dropped messages. */
  stats(): BusStats;
  close(): Promise<void>;
}

/** The logger a bus reports to: pino's `Logger` fits. */
export interface BusLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** A change of the connection: NATS' status types (`disconnect`, `reconnecting`, `reconnect`, `error`, `close` …). */
export interface BusStatus {
  type: string;
  server?: string;
  error?: unknown;
}

export interface BusOptions {
  /** Status changes (info/warn), faults of handlers (error). */
  log?: BusLog;
  /** Each status change as it happens, e.g. to count it in a metric. */
  onStatus?: (status: BusStatus) => void;
}

export interface BusStats {
  connected: boolean;
  /** How many times each status type was seen. */
  statuses: Readonly<Record<string, number>>;
  /** Handlers and responders that threw, and messages that could not be decoded. */
  handlerErrors: number;
  /** Messages published while disconnected: at most once means they are gone. */
  dropped: number;
}

export const defaultRequestTimeoutMs = 5_000;
/** nats-server's default `max_payload`: 1 MiB. */
export const defaultMaxPayload = 1024 * 1024;
