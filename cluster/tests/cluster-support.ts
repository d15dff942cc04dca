// What the multi-process cluster tests share: reading the shard table through a node, waiting
// for it to settle, and the log scan of acceptance 8 after each scenario.
import { expect } from 'vitest';
import { isClean, scanLog, type ScanReport } from '../../test/support/log-scan.js';
import type { ClusterView, NodeFleet, NodeProcess } from '../../test/support/nodes.js';
import type { PlayerLoad } from '../../test/support/player-load.js';
import { shardOf } from '../shards.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The shard table as the first serving node answers it. */
export async function view(fleet: NodeFleet, except?: NodeProcess): Promise<ClusterView> {
  for (const node of fleet.serving()) {
    if (node === except) continue;
    const answer = await fleet.clusterView(node);
    if (answer) return answer;
  }
  throw new Error('no serving node answered GET /v1/admin/cluster');
}

/** Shards held by a live member, per member; and the shards nobody live holds. */
export function holders(cluster: ClusterView): { byNode: Map<string, number[]>; orphaned: number[] } {
  const live = new Set(cluster.members.filter((member) => member.live && member.status === 'up').map((member) => member.nodeId));
  const byNode = new Map<string, number[]>();
  const orphaned: number[] = [];
  for (const row of cluster.shards) {
    if (row.state === 'held' && row.owner && live.has(row.owner)) byNode.set(row.owner, [...(byNode.get(row.owner) ?? []), row.shard]);
    else orphaned.push(row.shard);
  }
  return { byNode, orphaned };
}

/**
 * Polls the shard table every 50 ms until `done` holds (at most `timeoutMs`); answers the time it
 * took from `since` (performance.now()) and the last table read.
 */
export async function until(
  fleet: NodeFleet,
  done: (cluster: ClusterView) => boolean,
  options: { since?: number; timeoutMs?: number; except?: NodeProcess; what: string },
): Promise<{ ms: number; cluster: ClusterView }> {
  const since = options.since ?? performance.now();
  const deadline = performance.now() + (options.timeoutMs ?? 30_000);
  let last: ClusterView | undefined;
  for (let polls = 0; polls < 2_000; polls++) {
    last = await view(fleet, options.except).catch(() => last);
    if (last && done(last)) return { ms: performance.now() - since, cluster: last };
    if (performance.now() > deadline) break;
    await sleep(50);
  }
  const held = last && Object.fromEntries([...holders(last).byNode].map(([node, shards]) => [node, shards.length]));
  const nodes = fleet.nodes.map((node) => `--- ${node.nodeId} (pid ${node.pid}, ${node.alive ? 'alive' : 'exited'}):\n${node.output().slice(-3_000)}`);
  throw new Error(`not within ${options.timeoutMs ?? 30_000} ms: ${options.what}; shards held: ${JSON.stringify(held)}, orphaned: ${last && holders(last).orphaned.length}\n${nodes.join('\n')}`);
}

/** The node each player's actor lives on, by the shard table. */
export function ownerOfPlayer(cluster: ClusterView, userId: string): string | null {
  return cluster.shards[shardOf(`user/${userId}`, cluster.shardCount)]?.owner ?? null;
}

/** A gauge or counter of one node's /metrics, summed over the series that match `labels`. */
export async function metric(node: NodeProcess, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`, { signal: AbortSignal.timeout(20_000) })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{([^}]*)\})? ([0-9.e+-]+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const seen = Object.fromEntries((match[3] ?? '').split(',').filter(Boolean).map((pair) => pair.split('=').map((part) => part.replace(/"/g, '')) as [string, string]));
    if (Object.entries(labels).every(([key, value]) => seen[key] === value)) sum += Number(match[4]);
  }
  return sum;
}

/** Acceptance 8: the log has no gap, no duplicate, no command twice, no stale epoch; acked commands are there; points add up. */
export async function expectCleanLog(fleet: NodeFleet, load: PlayerLoad): Promise<ScanReport> {
  const report = await scanLog({ databaseUrl: fleet.databaseUrl, schema: fleet.schema, acknowledged: load.acknowledged(), points: load.livePoints() });
  expect(isClean(report), JSON.stringify({ ...report, byNode: undefined }, null, 1).slice(0, 4_000)).toBe(true);
  expect(report.checked.acknowledged).toBeGreaterThan(0);
  return report;
}
