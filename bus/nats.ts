import {
  ClosedConnectionError,
  connect,
  NoRespondersError,
  RequestError,
  TimeoutError,
  type Msg,
  type NatsConnection,
  type Status,
  type Subscription,
} from '@nats-io/transport-node';
import { defaultMaxPayload, defaultRequestTimeoutMs, type Bus, type BusHandler, type BusOptions, type BusResponder, type BusStats, type BusSubscription, type RequestOptions, type SubscribeOptions } from './bus.js';
import { decode, decodeReply, encode } from './codec.js';
import { BusClosedError, BusDisconnectedError, BusError, BusNoRespondersError, BusTimeoutError } from './errors.js';
import { BusMonitor } from './monitor.js';
import { answer } from './respond.js';
import { checkSubject } from './subjects.js';

export interface NatsBusOptions extends BusOptions {
  /** `nats://host:port`, or several separated by commas. */
  url: string;
  /** The connection's name as nats-server shows it (`gamifier-<node>`). */
  name?: string;
  /** Attempts to reach NATS at start before giving up with BUS_DISCONNECTED: 10 by default. */
  connectAttempts?: number;
  /** Pause between those attempts: 1,000 ms by default. */
  connectRetryMs?: number;
  /** Pause between reconnect attempts once connected (forever): 1,000 ms by default. */
  reconnectWaitMs?: number;
}

/**
 * The bus of a cluster, on NATS core (no JetStream) with the v3 client. Once connected it
 * reconnects forever; subscriptions are restored by the client on reconnect. nats.js drops what it
 * had not yet written when the connection drops, so a request in flight then would only end at
 * its timeout: this bus rejects every pending request with BUS_DISCONNECTED as soon as the client
 * reports `disconnect`, and rejects requests (and drops publishes, counted) while disconnected.
 *
 * @example
 * const bus = await NatsBus.connect({ url: 'nats://127.0.0.1:4222', name: 'gamifier-n1', log });
 */
export class NatsBus implements Bus {
  private readonly monitor: BusMonitor;
  private connected = true;
  private closing = false;
  /** The last `max_payload` the server announced; kept while disconnected (the client forgets it). */
  private serverMaxPayload: number;
  private readonly pending = new Set<(error: BusError) => void>();
  private readonly watching: Promise<void>;

  private constructor(
    private readonly nc: NatsConnection,
    options: NatsBusOptions,
  ) {
    this.monitor = new BusMonitor(options, options.name ?? 'nats');
    this.serverMaxPayload = nc.info?.max_payload ?? defaultMaxPayload;
    this.watching = this.watch();
  }

  /** Connects, trying `connectAttempts` times `connectRetryMs` apart; rejects with BUS_DISCONNECTED after the last. */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const attempts = Math.max(1, options.connectAttempts ?? 10);
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const nc = await connect({
          servers: options.url.split(','),
          name: options.name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: options.reconnectWaitMs ?? 1_000,
          timeout: 2_000,
        });
        return new NatsBus(nc, options);
      } catch (error) {
        lastError = error;
        options.log?.warn({ bus: options.name, url: options.url, attempt, attempts, err: error }, 'NATS is not reachable yet');
        if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, options.connectRetryMs ?? 1_000));
      }
    }
    throw new BusDisconnectedError(`NATS at ${options.url} was not reachable in ${attempts} attempts`, { cause: lastError });
  }

  get maxPayload(): number {
    return this.serverMaxPayload;
  }

  publish(subject: string, message: unknown): void {
    this.ensureOpen();
    checkSubject(subject, false);
    const bytes = encode(subject, message, this.maxPayload);
    if (!this.connected) return this.monitor.drop(subject);
    this.nc.publish(subject, bytes);
  }

  subscribe(subject: string, handler: BusHandler, options?: SubscribeOptions): BusSubscription {
    return this.add(subject, options, (msg) => handler(msg.subject, decode(msg.subject, msg.data)));
  }

  serve(subject: string, responder: BusResponder, options?: SubscribeOptions): BusSubscription {
    return this.add(subject, options, (msg) => {
      const send = msg.reply ? (reply: Uint8Array) => void msg.respond(reply) : undefined;
      answer(msg.subject, msg.data, responder, send, this.monitor, () => this.maxPayload);
    });
  }

  request(subject: string, message: unknown, options?: RequestOptions): Promise<unknown> {
    const timeoutMs = options?.timeoutMs ?? defaultRequestTimeoutMs;
    let bytes: Uint8Array;
    try {
      this.ensureOpen();
      checkSubject(subject, false);
      bytes = encode(subject, message, this.maxPayload);
      if (!this.connected) throw new BusDisconnectedError(`the bus is disconnected from NATS: no request on ${subject}`);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: BusError) => {
        if (settled) return;
        settled = true;
        this.pending.delete(fail);
        reject(error);
      };
      this.pending.add(fail);
      this.nc.request(subject, bytes, { timeout: timeoutMs }).then(
        (reply) => {
          if (settled) return;
          settled = true;
          this.pending.delete(fail);
          try {
            resolve(decodeReply(subject, reply.data));
          } catch (error) {
            reject(error);
          }
        },
        (error: unknown) => fail(this.requestError(subject, timeoutMs, error)),
      );
    });
  }

  async flush(): Promise<void> {
    this.ensureOpen();
    if (!this.connected) throw new BusDisconnectedError('the bus is disconnected from NATS: nothing can be flushed');
    try {
      await this.nc.flush();
    } catch (error) {
      throw this.closing ? new BusClosedError() : new BusDisconnectedError(`the flush to NATS failed: ${(error as Error).message}`, { cause: error });
    }
  }

  stats(): BusStats {
    return this.monitor.stats();
  }

  async close(): Promise<void> {
    if (this.closing) return this.watching;
    this.closing = true;
    this.failPending(new BusClosedError());
    try {
      await this.nc.close();
    } finally {
      await this.watching;
    }
  }

  private ensureOpen(): void {
    if (this.closing) throw new BusClosedError();
  }

  private add(subject: string, options: SubscribeOptions | undefined, receive: (msg: Msg) => void): BusSubscription {
    this.ensureOpen();
    checkSubject(subject, true);
    if (options?.queue !== undefined) checkSubject(options.queue, false);
    const subscription: Subscription = this.nc.subscribe(subject, {
      queue: options?.queue,
      callback: (error, msg) => {
        if (error) return this.monitor.handlerFailed(subject, error);
        try {
          receive(msg);
        } catch (failure) {
          this.monitor.handlerFailed(msg.subject, failure);
        }
      },
    });
    return { unsubscribe: () => void (this.nc.isClosed() || subscription.unsubscribe()) };
  }

  /** Follows the client's status: logs and counts each change, fails pending requests on a disconnect. */
  private async watch(): Promise<void> {
    try {
      for await (const status of this.nc.status()) this.onStatus(status);
    } catch (error) {
      this.monitor.handlerFailed('status', error);
    }
  }

  private onStatus(status: Status): void {
    const server = 'server' in status ? status.server : undefined;
    const error = status.type === 'error' ? status.error : undefined;
    if (status.type === 'disconnect' || status.type === 'close') {
      this.connected = false;
      this.monitor.setConnected(false);
      this.failPending(status.type === 'close' && this.closing ? new BusClosedError() : new BusDisconnectedError(`the connection to NATS (${server ?? 'closed'}) dropped`));
    } else if (status.type === 'reconnect') {
      this.connected = true;
      this.monitor.setConnected(true);
      this.serverMaxPayload = this.nc.info?.max_payload ?? this.serverMaxPayload;
    }
    this.monitor.status({ type: status.type, server, error });
  }

  private failPending(error: BusError): void {
    for (const fail of [...this.pending]) fail(error);
  }

  private requestError(subject: string, timeoutMs: number, error: unknown): BusError {
    if (error instanceof BusError) return error;
    if (error instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders())) {
      return new BusNoRespondersError(subject, { cause: error });
    }
    if (error instanceof TimeoutError || (error as Error)?.cause instanceof TimeoutError) return new BusTimeoutError(subject, timeoutMs, { cause: error });
    if (error instanceof ClosedConnectionError && this.closing) return new BusClosedError();
    return new BusDisconnectedError(`the request on ${subject} failed: ${(error as Error)?.message}`, { cause: error });
  }
}
