import { machineFacts } from './machine.js';

/** A benchmark: parses its own options, prints its figures, returns the exit code. */
interface Bench {
  run(args: readonly string[]): Promise<number>;
}

/** `npm run bench <name> [-- options]`. Add a benchmark with one line here. */
const benches: Record<string, { about: string; load: () => Promise<Bench> }> = {
  actors: { about: 'actor runtime: commands/s over 10k actors vs raw append, latency, activation, heap per actor', load: () => import('./actors.js') },
  store: { about: 'event store: naive vs raw INSERT vs group-committed append, open-loop latency, PGlite', load: () => import('./store.js') },
  cluster: { about: 'cluster: node processes under a steady SDK player load: commands/s and p50/p99 for 1–3 nodes, cross-node vs local, kill -9/SIGSTOP/drain recovery', load: () => import('./cluster.js') },
  push: { about: 'realtime push: uWS echo ceiling, SDK command→ack/push on uWS and ws, leaderboard fan-out', load: () => import('./push.js') },
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const bench = name === undefined ? undefined : benches[name];
  if (!bench) {
    if (name !== undefined) console.error(`no benchmark named ${JSON.stringify(name)}`);
    console.error('usage: npm run bench <name> [-- options]\n\navailable:');
    for (const [key, { about }] of Object.entries(benches)) console.error(`  ${key.padEnd(8)} ${about}`);
    return 2;
  }
  console.log(`command: npm run bench ${name}${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`);
  console.log(`date: ${new Date().toISOString()}`);
  for (const fact of machineFacts()) console.log(fact);
  return (await bench.load()).run(args);
}

process.exitCode = await main(process.argv.slice(2));
