import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { readFigures } from '../../server/node-stats.js';
import { interval, point, quantile } from '../dashboard/figures.js';

// What the dashboard charts, from two readings of a node's metrics a second apart: the rates, and
// the percentiles of the commands of that second only, as Prometheus' histogram_quantile would
// estimate them from the same buckets.
const bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

function node() {
  const registry = new Registry();
  const latency = new Histogram({ name: 'gamifier_command_duration_seconds', help: 'h', labelNames: ['actor'], buckets: bounds, registers: [registry] });
  const commands = new Counter({ name: 'gamifier_commands_total', help: 'c', labelNames: ['actor', 'type', 'outcome'], registers: [registry] });
  const handle = (seconds: number[]) => {
    for (const s of seconds) {
      latency.observe({ actor: s > 0.01 ? 'challenge' : 'user' }, s);
      commands.inc({ actor: 'user', type: 'meal.log', outcome: 'ok' });
    }
  };
  return { registry, handle };
}

/** The bucket bounds around the exact q-quantile of `values` (the estimate must fall between them). */
function bucketOf(q: number, values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  const upper = bounds.find((bound) => exact <= bound) ?? bounds.at(-1)!;
  const lower = [...bounds].reverse().find((bound) => bound < upper) ?? 0;
  return [lower, upper];
}

const latencies = fc.array(fc.double({ min: 0.0001, max: 2, noNaN: true }), { minLength: 1, maxLength: 300 });

describe("the dashboard's figures", () => {
  it('estimate p50 and p99 of the commands between two readings within the bucket of the exact value', async () => {
    await fc.assert(
      fc.asyncProperty(latencies, latencies, async (earlier, during) => {
        const { registry, handle } = node();
        handle(earlier);
        const before = { ...(await readFigures('n1', registry)), at: 0 };
        handle(during);
        const after = { ...(await readFigures('n1', registry)), at: 2_000 };
        const seen = point(interval(before, after));
        expect(seen.commandsPerSec).toBeCloseTo(during.length / 2);
        for (const [q, estimate] of [[0.5, seen.p50], [0.99, seen.p99]] as const) {
          const [lower, upper] = bucketOf(q, during);
          expect(estimate! / 1_000).toBeGreaterThanOrEqual(lower - 1e-12);
          expect(estimate! / 1_000).toBeLessThanOrEqual(upper + 1e-12);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('counts a node that restarted from zero, never as a negative rate', async () => {
    const first = node();
    first.handle([0.001, 0.002, 0.003, 0.004]);
    const before = { ...(await readFigures('n1', first.registry)), at: 0 };
    const restarted = node();
    restarted.handle([0.001]);
    const after = { ...(await readFigures('n1', restarted.registry)), at: 1_000 };
    expect(point(interval(before, after))).toMatchObject({ commandsPerSec: 1 });
  });

  it('has no percentile for a second without commands', () => {
    expect(quantile(0.5, bounds, bounds.map(() => 0), 0)).toBeUndefined();
  });
});
