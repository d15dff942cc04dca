import { defaultMaxPayload, defaultRequestTimeoutMs, type Bus, type BusHandler, type BusOptions, type BusResponder, type BusStats, type BusSubscription, type RequestOptions, type SubscribeOptions } from './bus.js';
import { decode, decodeReply, encode } from './codec.js';
import { BusClosedError, BusNoRespondersError, BusTimeoutError } from './errors.js';
import { BusMonitor } from './monitor.js';
import { answer } from './respond.js';
import { checkSubject, isPattern, subjectMatches } from './subjects.js';

export interface InProcessBusOptions extends BusOptions {
  /** The size limit of an encoded message; NATS' default (1 MiB) unless set, so that both buses refuse alike. */
  maxPayload?: number;
}

type Reply = (bytes: Uint8Array) => void;

/** One subscription: where it listens and what it does with a message's bytes. */
interface Entry {
  readonly pattern: string;
  readonly queue: string | undefined;
  deliver(subject: string, bytes: Uint8Array, reply: Reply | undefined): void;
}

/**
 * The bus of a single node. Messages are encoded on publish and decoded for each subscriber, as
 * on NATS. Subscribers run synchronously in publish order; one that throws does not stop the
 * others (it is logged and counted). A queue group takes turns. Exact subjects live in a map,
 * patterns in a list.
 *
 * @example
 * const bus = new InProcessBus({ log });
 */
export class InProcessBus implements Bus {
  readonly maxPayload: number;
  private readonly exact = new Map<string, Set<Entry>>();
  private readonly patterns = new Set<Entry>();
  /** Each queue group's next turn. */
  private readonly turns = new Map<string, number>();
  private readonly pending = new Set<() => void>();
  private readonly monitor: BusMonitor;
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.maxPayload = options.maxPayload ?? defaultMaxPayload;
    this.monitor = new BusMonitor(options, 'in-process');
  }

  publish(subject: string, message: unknown): void {
    this.ensureOpen();
    checkSubject(subject, false);
    const bytes = encode(subject, message, this.maxPayload);
    for (const entry of this.targets(subject)) this.deliver(entry, subject, bytes, undefined);
  }

  subscribe(subject: string, handler: BusHandler, options?: SubscribeOptions): BusSubscription {
    return this.add(subject, options, (received, bytes) => handler(received, decode(received, bytes)));
  }

  serve(subject: string, responder: BusResponder, options?: SubscribeOptions): BusSubscription {
    return this.add(subject, options, (received, bytes, reply) =>
      answer(received, bytes, responder, reply, this.monitor, () => this.maxPayload),
    );
  }

  request(subject: string, message: unknown, options?: RequestOptions): Promise<unknown> {
    const timeoutMs = options?.timeoutMs ?? defaultRequestTimeoutMs;
    let bytes: Uint8Array;
    let targets: Entry[];
    try {
      this.ensureOpen();
      checkSubject(subject, false);
      bytes = encode(subject, message, this.maxPayload);
      targets = this.targets(subject);
    } catch (error) {
      return Promise.reject(error);
    }
    if (targets.length === 0) return Promise.reject(new BusNoRespondersError(subject));
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(cancel);
        outcome();
      };
      const timer = setTimeout(() => settle(() => reject(new BusTimeoutError(subject, timeoutMs))), timeoutMs);
      const cancel = () => settle(() => reject(new BusClosedError()));
      this.pending.add(cancel);
      const reply: Reply = (replyBytes) =>
        settle(() => {
          try {
            resolve(decodeReply(subject, replyBytes));
          } catch (error) {
            reject(error);
          }
        });
      for (const entry of targets) this.deliver(entry, subject, bytes, reply);
    });
  }

  async flush(): Promise<void> {
    this.ensureOpen();
  }

  stats(): BusStats {
    return this.monitor.stats();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.monitor.setConnected(false);
    this.exact.clear();
    this.patterns.clear();
    for (const cancel of [...this.pending]) cancel();
  }

  private ensureOpen(): void {
    if (this.closed) throw new BusClosedError();
  }

  private add(subject: string, options: SubscribeOptions | undefined, deliver: Entry['deliver']): BusSubscription {
    this.ensureOpen();
    checkSubject(subject, true);
    if (options?.queue !== undefined) checkSubject(options.queue, false);
    const entry: Entry = { pattern: subject, queue: options?.queue, deliver };
    if (isPattern(subject)) {
      this.patterns.add(entry);
      return { unsubscribe: () => void this.patterns.delete(entry) };
    }
    let entries = this.exact.get(subject);
    if (!entries) this.exact.set(subject, (entries = new Set()));
    entries.add(entry);
    return {
      unsubscribe: () => {
        entries.delete(entry);
        if (entries.size === 0 && this.exact.get(subject) === entries) this.exact.delete(subject);
      },
    };
  }

  /** The subscriptions a message on `subject` goes to: every plain one, one member of each queue group. */
  private targets(subject: string): Entry[] {
    const matching = [...(this.exact.get(subject) ?? [])];
    for (const entry of this.patterns) if (subjectMatches(entry.pattern, subject)) matching.push(entry);
    if (!matching.some((entry) => entry.queue !== undefined)) return matching;
    const targets: Entry[] = [];
    const groups = new Map<string, Entry[]>();
    for (const entry of matching) {
      if (entry.queue === undefined) targets.push(entry);
      else groups.set(entry.queue, [...(groups.get(entry.queue) ?? []), entry]);
    }
    for (const [queue, members] of groups) {
      const turn = this.turns.get(queue) ?? 0;
      this.turns.set(queue, turn + 1);
      targets.push(members[turn % members.length]!);
    }
    return targets;
  }

  private deliver(entry: Entry, subject: string, bytes: Uint8Array, reply: Reply | undefined): void {
    try {
      entry.deliver(subject, bytes, reply);
    } catch (error) {
      this.monitor.handlerFailed(subject, error);
    }
  }
}
