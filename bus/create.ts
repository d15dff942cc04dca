import type { Bus, BusLog, BusOptions } from './bus.js';
import { InProcessBus } from './in-process.js';
import { NatsBus } from './nats.js';
import { PrefixedBus } from './prefixed.js';

export interface CreateBusOptions extends BusOptions {
  /** NATS to connect to; without it the node gets an in-process bus (a single node). */
  natsUrl?: string | undefined;
  /** The connection's name on NATS, e.g. `gamifier-<node id>`. */
  name?: string;
  log?: BusLog;
  /** Start-up attempts to reach NATS before failing with BUS_DISCONNECTED: 10 by default. */
  connectAttempts?: number;
  /** Pause between those attempts: 1,000 ms by default. */
  connectRetryMs?: number;
  /** Puts every subject under `<prefix>.` on the wire (`PrefixedBus`): one deployment's share of a shared NATS. */
  prefix?: string | undefined;
}

/**
 * The node's bus: `NatsBus` when `natsUrl` is given, `InProcessBus` otherwise. Reaching NATS at
 * start is bounded (`connectAttempts`, about ten seconds by default) so that a node whose NATS is
 * missing fails its start-up visibly; once connected, it reconnects forever. With `prefix`, the
 * bus is a `PrefixedBus` (in-process too, so that single-node tests cross the same code).
 *
 * @example
 * const bus = await createBus({ natsUrl: process.env.NATS_URL, name: `gamifier-${nodeId}`, prefix: 'gamifier.prod', log });
 */
export async function createBus(options: CreateBusOptions): Promise<Bus> {
  const bus = options.natsUrl ? await NatsBus.connect({ ...options, url: options.natsUrl }) : new InProcessBus(options);
  return options.prefix ? new PrefixedBus(bus, options.prefix) : bus;
}
