import type { Bus, BusHandler, BusResponder, BusStats, BusSubscription, RequestOptions, SubscribeOptions } from './bus.js';
import { BusSubjectInvalidError } from './errors.js';
import { checkSubject } from './subjects.js';

/**
 * One deployment's share of a bus: every subject it publishes, subscribes to, requests or serves
 * gets `<prefix>.` in front on the wire, and handlers see it without. Deployments that share a
 * NATS (a staging and a production, parallel test servers) then never hear each other, while the
 * code of each keeps writing `g.evt.user.u42`.
 *
 * @example
 * const bus = new PrefixedBus(await NatsBus.connect({ url }), 'gamifier.prod');
 * bus.publish('g.evt.user.u42', message); // travels on `gamifier.prod.g.evt.user.u42`
 */
export class PrefixedBus implements Bus {
  private readonly strip: number;

  constructor(
    private readonly inner: Bus,
    readonly prefix: string,
  ) {
    checkSubject(prefix, false);
    this.strip = prefix.length + 1;
  }

  get maxPayload(): number {
    return this.inner.maxPayload;
  }

  publish(subject: string, message: unknown): void {
    this.inner.publish(this.wire(subject), message);
  }

  subscribe(subject: string, handler: BusHandler, options?: SubscribeOptions): BusSubscription {
    return this.inner.subscribe(this.wire(subject), (received, message) => handler(received.slice(this.strip), message), options);
  }

  request(subject: string, message: unknown, options?: RequestOptions): Promise<unknown> {
    return this.inner.request(this.wire(subject), message, options);
  }

  serve(subject: string, responder: BusResponder, options?: SubscribeOptions): BusSubscription {
    return this.inner.serve(this.wire(subject), (received, message) => responder(received.slice(this.strip), message), options);
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  stats(): BusStats {
    return this.inner.stats();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private wire(subject: string): string {
    // An empty subject would become `<prefix>.`: refuse it as the unprefixed bus would.
    if (typeof subject !== 'string' || subject.length === 0) throw new BusSubjectInvalidError(String(subject), 'it is empty');
    return `${this.prefix}.${subject}`;
  }
}
