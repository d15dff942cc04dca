import { commandLoop, type LoopResult, type PushSettings } from './push-scenarios.js';
import { formatNumber, formatTable, median } from './stats.js';

/** The bus of one run of (b): the in-process bus, or NATS. */
type BusKind = 'in-process' | 'NATS';

/**
 * (b) on the in-process bus and on NATS, alternately, `rounds` times each (in-process first in odd
 * rounds, NATS first in even ones), so that whatever else the machine runs weighs on both alike.
 * Each run is a fresh server in a fresh schema; `cleanUp` drops it. Prints every run, then the
 * medians and what the NATS hop costs.
 *
 * @example
 * await pairedBuses(settings, 'nats://127.0.0.1:4222', 3, dropSchemas);
 */
export async function pairedBuses(settings: PushSettings, natsUrl: string, rounds: number, cleanUp: () => Promise<void>): Promise<void> {
  const runs: Record<BusKind, LoopResult[]> = { 'in-process': [], NATS: [] };
  for (let round = 1; round <= rounds; round++) {
    const order: BusKind[] = round % 2 === 1 ? ['in-process', 'NATS'] : ['NATS', 'in-process'];
    for (const bus of order) {
      const result = await commandLoop(settings, 'uws', bus === 'NATS' ? natsUrl : '').finally(cleanUp);
      runs[bus].push(result);
      const errors = Object.values(result.errors).reduce((total, tally) => total + tally.count, 0);
      console.log(
        `(b) round ${round}, ${bus.padEnd(10)} ${formatNumber(result.perSecond).padStart(7)} commands/s  ack p50 ${formatNumber(result.ack.p50)} p99 ${formatNumber(result.ack.p99)} ms  ` +
          `push p50 ${formatNumber(result.push.p50)} p99 ${formatNumber(result.push.p99)} ms  errors ${errors}  (${result.connected} connected)`,
      );
    }
  }
  const of = (bus: BusKind, pick: (result: LoopResult) => number) => median(runs[bus].map(pick));
  const picks: Array<[string, (result: LoopResult) => number]> = [
    ['commands/s', (result) => result.perSecond],
    ['ack p50 ms', (result) => result.ack.p50],
    ['ack p99 ms', (result) => result.ack.p99],
    ['push p50 ms', (result) => result.push.p50],
    ['push p99 ms', (result) => result.push.p99],
    // Within one run: what the push takes beyond the ack, i.e. the hop from the publisher back to the watcher.
    ['push p50 − ack p50 ms', (result) => result.push.p50 - result.ack.p50],
  ];
  console.log(`\n(b) medians of ${rounds} rounds per bus (NATS at ${natsUrl}):`);
  console.log(
    formatTable(
      ['', 'in-process', 'NATS', 'NATS − in-process'],
      picks.map(([name, pick]) => {
        const [local, nats] = [of('in-process', pick), of('NATS', pick)];
        return [name, formatNumber(local), formatNumber(nats), `${nats - local >= 0 ? '+' : ''}${formatNumber(nats - local)}`];
      }),
    ),
  );
}
