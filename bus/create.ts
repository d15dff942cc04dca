import type { Bus, BusLog, BusOptions } from './bus.js';
import { InProcessBus } from './in-process.js';
import { NatsBus } from './nats.js';

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
}

/**
 * The node's bus: `NatsBus` when `natsUrl` is given, `InProcessBus` otherwise. Reaching NATS at
 * start is bounded (`connectAttempts`, about ten seconds by default) so that a node whose NATS is
 * missing fails its start-up visibly; once connected, it reconnects forever.
 *
 * @example
 * const bus = await createBus({ natsUrl: process.env.NATS_URL, name: `gamifier-${nodeId}`, log });
 */
export async function createBus(options: CreateBusOptions): Promise<Bus> {
  if (!options.natsUrl) return new InProcessBus(options);
  return NatsBus.connect({ ...options, url: options.natsUrl });
}
