import { commandLoop, type LoopResult, type PushSettings } from './push-scenarios.js';
import { formatNumber, formatTable, median } from './stats.js';

/** One way of running (b), compared with another in `pairedRuns`. */
interface Variant {
  name: string;
  run(): Promise<LoopResult>;
}

/**
 * (b) two ways, alternately, `rounds` times each (the first way first in odd rounds, the second
 * first in even ones), so that whatever else the machine runs weighs on both alike. Each run is a
 * fresh server in a fresh schema; `cleanUp` drops it. Prints every run, then the medians and the
 * difference.
 */
async function pairedRuns([a, b]: readonly [Variant, Variant], rounds: number, cleanUp: () => Promise<void>, heading: string): Promise<void> {
  const runs = new Map<string, LoopResult[]>([[a.name, []], [b.name, []]]);
  for (let round = 1; round <= rounds; round++) {
    for (const variant of round % 2 === 1 ? [a, b] : [b, a]) {
      const result = await variant.run().finally(cleanUp);
      runs.get(variant.name)!.push(result);
      const errors = Object.values(result.errors).reduce((total, tally) => total + tally.count, 0);
      console.log(
        `(b) round ${round}, ${variant.name.padEnd(14)} ${formatNumber(result.perSecond).padStart(7)} commands/s  ack p50 ${formatNumber(result.ack.p50)} p99 ${formatNumber(result.ack.p99)} ms  ` +
          `push p50 ${formatNumber(result.push.p50)} p99 ${formatNumber(result.push.p99)} ms  errors ${errors}  (${result.connected} connected)`,
      );
    }
  }
  const of = (name: string, pick: (result: LoopResult) => number) => median(runs.get(name)!.map(pick));
  const picks: Array<[string, (result: LoopResult) => number]> = [
    ['commands/s', (result) => result.perSecond],
    ['ack p50 ms', (result) => result.ack.p50],
    ['ack p99 ms', (result) => result.ack.p99],
    ['push p50 ms', (result) => result.push.p50],
    ['push p99 ms', (result) => result.push.p99],
    // Within one run: what the push takes beyond the ack, i.e. the hop from the publisher back to the watcher.
    ['push p50 − ack p50 ms', (result) => result.push.p50 - result.ack.p50],
  ];
  console.log(`\n(b) medians of ${rounds} rounds each (${heading}):`);
  console.log(
    formatTable(
      ['', a.name, b.name, `${b.name} − ${a.name}`],
      picks.map(([name, pick]) => {
        const [first, second] = [of(a.name, pick), of(b.name, pick)];
        return [name, formatNumber(first), formatNumber(second), `${second - first >= 0 ? '+' : ''}${formatNumber(second - first)}`];
      }),
    ),
  );
}

/**
 * (b) on the in-process bus and on NATS, alternately, and what the NATS hop costs.
 *
 * @example
 * await pairedBuses(settings, 'nats://127.0.0.1:4222', 3, dropSchemas);
 */
export function pairedBuses(settings: PushSettings, natsUrl: string, rounds: number, cleanUp: () => Promise<void>): Promise<void> {
  const variants = [
    { name: 'in-process', run: () => commandLoop(settings, 'uws', '') },
    { name: 'NATS', run: () => commandLoop(settings, 'uws', natsUrl) },
  ] as const;
  return pairedRuns(variants, rounds, cleanUp, `NATS at ${natsUrl}`);
}

/**
 * (b) with personal-field encryption off (DATA_ENCRYPTION=off) and on, alternately, and what it
 * costs. The servers keep the environment's bus.
 *
 * @example
 * await pairedEncryption(settings, 3, dropSchemas);
 */
export function pairedEncryption(settings: PushSettings, rounds: number, cleanUp: () => Promise<void>): Promise<void> {
  const variants = [
    { name: 'encryption off', run: () => commandLoop(settings, 'uws', undefined, { DATA_ENCRYPTION: 'off' }) },
    { name: 'encryption on', run: () => commandLoop(settings, 'uws', undefined, { DATA_ENCRYPTION: 'on' }) },
  ] as const;
  return pairedRuns(variants, rounds, cleanUp, 'DATA_ENCRYPTION off and on');
}
