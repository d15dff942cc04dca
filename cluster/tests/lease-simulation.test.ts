import { describe, expect, it } from 'vitest';
import { afterGrant, minimumMargin, servingUntil, type NodeBelief } from '../lease-protocol.js';
import { simulate, type Coverage, type ServingRule, type SimulationConfig, type Violation } from './lease-simulator.js';

const TTL = 5000;
const DRIFT = 0.001; // ±0.1 %
const SCHEDULES = 2000;
const base: Omit<SimulationConfig, 'seed'> = {
  steps: 400, nodes: 4, shards: 8, ttl: TTL, renewEvery: 1000, driftBound: DRIFT,
  margin: minimumMargin(TTL, DRIFT), rule: (r) => servingUntil(r.sentLocal, r.ttl, r.margin), grant: afterGrant,
};

/** The first violation over `SCHEDULES` seeded schedules (or undefined), and what they went through. */
function search(config: Partial<SimulationConfig>): { violation: Violation | undefined; total: Coverage } {
  const total: Coverage = { kills: 0, pauses: 0, slowLinks: 0, starts: 0, takeovers: 0, lostLeases: 0, staleGrantsIgnored: 0 };
  for (let seed = 1; seed <= SCHEDULES; seed++) {
    const { violation, coverage } = simulate({ ...base, ...config, seed });
    for (const key of Object.keys(total) as Array<keyof Coverage>) total[key] += coverage[key];
    if (violation) return { violation, total };
  }
  return { violation: undefined, total };
}
const show = (v: Violation | undefined) => (v ? `seed ${v.seed}, shard ${v.shard} at ${v.at.toFixed(1)}: ${v.servers.join(', ')}\n${v.trace.join('\n')}` : 'none');

describe('lease protocol simulation (kills, pauses, joins, slow links, drifting clocks)', () => {
  it(`never two processes serving one shard: ${SCHEDULES} schedules of ${base.steps} steps, margin = ttl × drift bound`, () => {
    const { violation, total } = search({});
    expect(violation, show(violation)).toBeUndefined();
    // It went where the danger is: every kind of fault, and shards taken from expired owners.
    for (const [kind, count] of Object.entries(total)) expect(count, kind).toBeGreaterThan(SCHEDULES / 10);
  });

  it('is deterministic: a seed replays the same schedule', () => {
    const unsafe: ServingRule = (r) => servingUntil(r.repliedLocal, r.ttl, r.margin);
    expect(simulate({ ...base, seed: 4, rule: unsafe })).toEqual(simulate({ ...base, seed: 4, rule: unsafe }));
  });

  // The invariant bites: each unsafe variant below yields a counterexample.
  const naiveGrant = (belief: NodeBelief, shard: number, epoch: number): NodeBelief => ({ ...belief, held: new Map(belief.held).set(shard, epoch) });
  const unsafe: Array<[name: string, config: Partial<SimulationConfig>]> = [
    ['a negative margin (serving 500 ms past the lease)', { margin: -500 }],
    ['counting the lease from when the reply arrived, not from when the renewal was sent', { margin: 100, rule: (r) => servingUntil(r.repliedLocal, r.ttl, r.margin) }],
    ["serving by the database's expiry read against the node's own clock", { margin: 100, rule: (r) => r.expiresAt - r.margin }],
    ['taking a delayed grant after releasing the shard (no epoch check)', { grant: naiveGrant }],
  ];
  it.each(unsafe)('finds two owners with %s', (_name, config) => {
    const { violation } = search(config);
    expect(violation).toBeDefined();
    expect(violation!.servers.length).toBeGreaterThan(1);
  });
});
