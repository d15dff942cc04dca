// The cluster under load: node processes on loopback sharing the real PostgreSQL and
// NATS, under a steady load of 300 SDK players (one command a second each, each watching its own
// user/ topic, connected to the nodes round-robin as behind a load balancer). The scenarios run
// one after another on one fleet; after each, the log is scanned (acceptance 8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetServices, NodeFleet, type ClusterView } from '../../test/support/nodes.js';
import { PlayerLoad } from '../../test/support/player-load.js';
import { expectCleanLog, holders, metric, ownerOfPlayer, sleep, until, view } from './cluster-support.js';

const available = await fleetServices();
const players = 300;
const ttlMs = 5_000;

describe.skipIf(!available)('a cluster of node processes under 300 players', () => {
  let fleet: NodeFleet;
  let load: PlayerLoad;

  beforeAll(async () => {
    fleet = await NodeFleet.start({ nodes: 3, name: 'scaling', env: { DATABASE_POOL_SIZE: '6', CLUSTER_LEASE_TTL_MS: String(ttlMs) } });
    await until(fleet, (cluster) => holders(cluster).byNode.size === 3 && holders(cluster).orphaned.length === 0, { what: 'three nodes holding every shard' });
    load = await PlayerLoad.start({ urls: () => fleet.urls(), players });
  }, 120_000);
  afterAll(async () => {
    await load?.stop({ drainMs: 0, settleMs: 0 });
    await fleet?.close();
  }, 60_000);

  /**
   * Every push a watcher got so far came in order and once. Whether each acknowledged change was
   * delivered is checked once the load has stopped (the last test): while it runs, a push may
   * still be on its way behind its ack.
   */
  const inOrderOnce = () => {
    const report = load.pushReport();
    expect({ duplicates: report.duplicates, outOfOrder: report.outOfOrder }).toEqual({ duplicates: [], outOfOrder: [] });
    return true;
  };

  /** Failed commands (after the SDK's own retries) sent since `from`, by code. */
  const failuresSince = (from: number) => load.summary({ from }).failures;

  it('routes each command to the node holding its actor, and shows watchers on other nodes every change once, in order', async () => {
    const from = Date.now();
    await sleep(8_000);
    const cluster = await view(fleet);
    const crossing = load.players.filter((player) => {
      const connectedTo = fleet.nodes.find((node) => node.url === player.node)?.nodeId;
      return connectedTo !== undefined && ownerOfPlayer(cluster, player.userId) !== connectedTo;
    });
    // Two thirds of the players talk to a node that does not hold their actor.
    expect(crossing.length).toBeGreaterThan(players / 3);
    const summary = load.summary({ from });
    expect(summary.failures).toEqual({});
    expect(summary.ok).toBeGreaterThan(players * 5);
    const remote = await Promise.all(fleet.serving().map((node) => metric(node, 'gamifier_cluster_remote_command_seconds_count')));
    expect(remote.reduce((a, b) => a + b, 0)).toBeGreaterThan(summary.ok / 3);
    expect(inOrderOnce()).toBe(true);
    await expectCleanLog(fleet, load);
  }, 60_000);

  it('moves shards to a fourth node as it joins, and no player sees a failed command', async () => {
    const from = Date.now();
    const fourth = await fleet.add();
    const settled = (cluster: ClusterView) => holders(cluster).orphaned.length === 0 && cluster.handoffs.length === 0;
    const joined = await until(fleet, (cluster) => (holders(cluster).byNode.get(fourth.nodeId)?.length ?? 0) >= 100 && settled(cluster), {
      what: 'the fourth node holding its share of the shards',
    });
    const share = holders(joined.cluster).byNode;
    expect([...share.keys()].sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    await sleep(3_000);
    expect(failuresSince(from)).toEqual({});
    expect(inOrderOnce()).toBe(true);
    await expectCleanLog(fleet, load);
  }, 90_000);

  it('drains a node on SIGTERM: it exits 0 within 15 s, its shards move without waiting for a lease, no command fails', async () => {
    const from = Date.now();
    const leaving = fleet.node('n2')!;
    const survivors = fleet.serving().filter((node) => node !== leaving);
    const expiredBefore = await Promise.all(survivors.map((node) => metric(node, 'gamifier_cluster_handoffs_total', { direction: 'in', reason: 'expired' })));
    const signalled = performance.now();
    leaving.kill('SIGTERM');
    const exit = await leaving.exited;
    expect(exit, leaving.output()).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalled).toBeLessThan(15_000);
    // Every shard it held is held by a survivor already: none waited for its lease to run out.
    const after = await view(fleet, leaving);
    expect(holders(after).orphaned).toEqual([]);
    expect(holders(after).byNode.has('n2')).toBe(false);
    const expiredAfter = await Promise.all(survivors.map((node) => metric(node, 'gamifier_cluster_handoffs_total', { direction: 'in', reason: 'expired' })));
    expect(expiredAfter).toEqual(expiredBefore);
    await sleep(4_000);
    expect(failuresSince(from)).toEqual({});
    expect(inOrderOnce()).toBe(true);
    await expectCleanLog(fleet, load);
  }, 60_000);

  it('serves a kill -9ed node’s shards on the survivors within 7 s, loses no acknowledged event, again and again', async () => {
    const recoveries: number[] = [];
    for (const victimId of ['n1', 'n3', 'n4']) {
      const from = Date.now();
      const victim = fleet.node(victimId)!;
      const before = await view(fleet);
      const killed = performance.now();
      victim.kill('SIGKILL');
      const recovered = await until(fleet, (cluster) => holders(cluster).orphaned.length === 0 && !holders(cluster).byNode.has(victimId), {
        since: killed,
        timeoutMs: 15_000,
        except: victim,
        what: `the shards of ${victimId} held by survivors`,
      });
      recoveries.push(recovered.ms);
      expect(recovered.ms).toBeLessThan(7_000);
      // Only the dead node's shards may have seen errors meanwhile (the SDK retries them).
      await sleep(3_000);
      const failed = load.commands.filter((command) => command.sentAt >= from && command.outcome === 'failed');
      for (const command of failed) expect(ownerOfPlayer(before, command.userId), JSON.stringify(command)).toBe(victimId);
      // Back to four nodes under the same id: it joins as a new incarnation.
      await fleet.add({ nodeId: victimId });
      await until(fleet, (cluster) => holders(cluster).byNode.has(victimId) && cluster.handoffs.length === 0, { what: `${victimId} back` });
    }
    console.info(`kill -9: shards served again after ${recoveries.map((ms) => Math.round(ms)).join(', ')} ms`);
    await expectCleanLog(fleet, load);
  }, 180_000);

  it('takes a paused node’s shards after about the lease, and writes nothing under its old epoch after it wakes', async () => {
    const paused = fleet.node('n3')!;
    const before = await view(fleet);
    const itsShards = holders(before).byNode.get('n3')!;
    expect(itsShards.length).toBeGreaterThan(0);

    // A pause shorter than the lease: nobody takes anything.
    paused.kill('SIGSTOP');
    await sleep(3_000);
    paused.kill('SIGCONT');
    await sleep(1_500);
    const short = await view(fleet);
    for (const shard of itsShards) expect(short.shards[shard]).toMatchObject({ owner: 'n3', epoch: before.shards[shard]!.epoch });

    const stopped = performance.now();
    paused.kill('SIGSTOP');
    const taken = await until(fleet, (cluster) => itsShards.every((shard) => cluster.shards[shard]!.owner !== 'n3' && cluster.shards[shard]!.state === 'held'), {
      since: stopped,
      timeoutMs: 15_000,
      except: paused,
      what: 'the paused node’s shards taken over',
    });
    // Not before its lease could have run out (renewed at most CLUSTER_RENEW_MS before the pause).
    expect(taken.ms).toBeGreaterThan(ttlMs - 1_000 - 250);
    expect(taken.ms).toBeLessThan(ttlMs + 3_000);
    await sleep(Math.max(0, 10_000 - (performance.now() - stopped)));
    paused.kill('SIGCONT');
    // It finds its lease lost, drops everything, joins again and takes a share back by rebalancing.
    await until(fleet, (cluster) => holders(cluster).byNode.has('n3') && cluster.handoffs.length === 0, { what: 'the paused node back' });
    await sleep(2_000);
    const report = await expectCleanLog(fleet, load);
    expect(report.epochRegressions).toEqual([]);
  }, 90_000);

  it('delivered every acknowledged change to its watcher, in order and once, through all of the above', async () => {
    await load.stop();
    expect(load.pushReport()).toMatchObject({ duplicates: [], outOfOrder: [], missed: [] });
    await expectCleanLog(fleet, load);
  }, 60_000);
});
