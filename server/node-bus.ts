import { Counter, Gauge, type Registry } from 'prom-client';
import { createBus, type Bus } from '../bus/index.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';

/**
 * The node's bus, as the composition root hands it to everything that uses one: NATS when
 * NATS_URL is set, in-process otherwise, under the deployment's BUS_PREFIX either way. The bus
 * logs its status changes; this counts them, and shows whether it is connected and what it
 * dropped, in the node's metrics. `onReconnect` hears each reconnect to NATS (what was published
 * in between is gone: watchers re-check their streams).
 *
 * @example
 * const bus = await openNodeBus(config, log, metrics.registry, () => resyncWatchers()); // … await bus.close() on stop
 */
export async function openNodeBus(
  config: Pick<Config, 'natsUrl' | 'busPrefix' | 'nodeName'>,
  log: Logger,
  registry: Registry,
  onReconnect?: () => void,
): Promise<Bus> {
  const statuses = new Counter({
    name: 'gamifier_bus_status_changes_total',
    help: 'Changes of the bus connection, by NATS status type (disconnect, reconnect, error, staleConnection, …)',
    labelNames: ['status'],
    registers: [registry],
  });
  const bus = await createBus({
    natsUrl: config.natsUrl,
    name: `gamifier-${config.nodeName}`,
    prefix: config.busPrefix,
    log,
    onStatus: (status) => {
      statuses.inc({ status: status.type });
      if (status.type === 'reconnect') onReconnect?.();
    },
  });
  new Gauge({
    name: 'gamifier_bus_connected',
    help: 'Whether the bus is connected (1) or not (0); the in-process bus always is',
    registers: [registry],
    collect() {
      this.set(bus.stats().connected ? 1 : 0);
    },
  });
  counterOf(registry, 'gamifier_bus_messages_dropped_total', 'Messages published while the bus was disconnected: gone (delivery is at most once)', () => bus.stats().dropped);
  counterOf(registry, 'gamifier_bus_handler_errors_total', 'Bus handlers that threw and messages that could not be decoded', () => bus.stats().handlerErrors);
  log.info({ bus: config.natsUrl ? 'nats' : 'in-process', prefix: config.busPrefix }, 'bus open');
  return bus;
}

/** A counter that follows a running total the bus keeps. */
function counterOf(registry: Registry, name: string, help: string, total: () => number): void {
  let counted = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = total();
      if (now > counted) this.inc(now - counted);
      counted = now;
    },
  });
}
