import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { shardOf } from '../../cluster/shards.js';
import { connect } from '../../protocol/client/index.js';
import { isClean, scanLog, type ScanReport } from '../../test/support/log-scan.js';
import { fleetServices, NodeFleet, type ClusterView, type NodeProcess } from '../../test/support/nodes.js';
import { PlayerLoad } from '../../test/support/player-load.js';
import { CpuMeter } from './machine.js';
import { formatNumber, formatTable, median } from './stats.js';

const usage = `npm run bench cluster -- [--players N] [--seconds N] [--nodes 1,2,3] [--rounds N] [--only throughput,cross,recovery]
  --players N   SDK players of the steady load (default 300)
  --interval-ms N  each player's pause between its commands (default 1000: one a second each);
                e.g. 100 offers ten times the load, to find what the nodes take at most
  --seconds N   measured seconds per run, after a 3 s warm-up (default 20)
  --nodes list  fleet sizes of the throughput runs (default 1,2,3), each on a fresh schema
  --rounds N    throughput runs per fleet size, alternating; the table shows medians (default 1)
  --probes N    commands of the cross-node comparison, each way (default 300)
  --stop-s N    how long the SIGSTOP of the recovery run lasts (default 10)
  --only list   throughput (commands/s, p50/p99 ack for each fleet size), cross (a command sent to
                a node for an actor another node owns, against a local one), recovery (kill -9,
                SIGSTOP, SIGTERM drain of a node under the load)
  DATABASE_URL  the PostgreSQL (default postgres://postgres@127.0.0.1:5432/postgres); NATS_URL the
                NATS (default nats://127.0.0.1:4222). Each fleet gets a schema and a bus prefix of its own.`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The cluster on this machine: node processes on one database and NATS, the steady
 * player load of the acceptance tests (test/support/player-load.ts) in this process. The cores
 * do not grow with the nodes, so the figures measure the cluster's overhead, not its scaling.
 */
export async function run(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      players: { type: 'string', default: '300' },
      'interval-ms': { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '20' },
      nodes: { type: 'string', default: '1,2,3' },
      rounds: { type: 'string', default: '1' },
      probes: { type: 'string', default: '300' },
      'stop-s': { type: 'string', default: '10' },
      only: { type: 'string', default: 'throughput,cross,recovery' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(usage), 0;
  const players = Number(values.players);
  const intervalMs = Number(values['interval-ms']);
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const probes = Number(values.probes);
  const stopS = Number(values['stop-s']);
  const sizes = values.nodes.split(',').map(Number);
  const only = values.only.split(',').map((key) => key.trim());
  const valid = (n: number) => Number.isInteger(n) && n >= 1;
  if (![players, seconds, rounds, probes, stopS, intervalMs, ...sizes].every(valid) || !only.every((key) => ['throughput', 'cross', 'recovery'].includes(key))) {
    return console.error(usage), 2;
  }
  if (!(await fleetServices())) return console.error('PostgreSQL and NATS are needed'), 1;
  console.log(`players: ${players}, each a command every ${intervalMs} ms (meal and water logs), watching its own user/ topic`);
  let clean = true;
  if (only.includes('throughput')) clean = (await throughput(sizes, rounds, players, seconds, intervalMs)) && clean;
  if (only.includes('cross')) await crossNode(probes);
  if (only.includes('recovery')) clean = (await recovery(players, stopS)) && clean;
  return clean ? 0 : 1;
}

interface LoadRun {
  commandsPerSecond: number;
  p50: number;
  p99: number;
  failed: number;
  /** The load's (this process's) CPU, in cores, and its event loop delay p99, ms. */
  clientCpu: number;
  loopP99: number;
  /** Every node process's CPU, in cores, summed; and the whole machine's busy share. */
  nodesCpu: number;
  machine: number;
  scan: ScanReport;
}

async function throughput(sizes: readonly number[], rounds: number, players: number, seconds: number, intervalMs: number): Promise<boolean> {
  const runs = new Map<number, LoadRun[]>(sizes.map((size) => [size, []]));
  for (let round = 0; round < rounds; round++) {
    for (const size of sizes) {
      const result = await loadRun(size, players, seconds, intervalMs);
      runs.get(size)!.push(result);
      console.log(
        `  ${size} node(s), round ${round + 1}: ${formatNumber(result.commandsPerSecond)} commands/s, p50 ${formatNumber(result.p50)} ms, p99 ${formatNumber(result.p99)} ms, ${result.failed} failed`,
      );
    }
  }
  const rows = sizes.map((size) => {
    const all = runs.get(size)!;
    const mid = (pick: (run: LoadRun) => number) => median(all.map(pick));
    return [
      String(size),
      formatNumber(mid((r) => r.commandsPerSecond)),
      formatNumber(mid((r) => r.p50)),
      formatNumber(mid((r) => r.p99)),
      String(all.reduce((sum, r) => sum + r.failed, 0)),
      formatNumber(mid((r) => r.clientCpu)),
      formatNumber(mid((r) => r.loopP99)),
      formatNumber(mid((r) => r.nodesCpu)),
      `${formatNumber(mid((r) => r.machine) * 100, 0)}%`,
      all.every((r) => isClean(r.scan)) ? 'clean' : 'NOT CLEAN',
    ];
  });
  console.log(`\nsteady load, ${players} players × a command every ${intervalMs} ms, ${seconds} s measured${rounds > 1 ? `, medians of ${rounds} rounds` : ''}:`);
  console.log(
    formatTable(['nodes', 'commands/s', 'ack p50 ms', 'ack p99 ms', 'failed', 'client cores', 'client loop p99 ms', 'nodes cores', 'machine busy', 'log scan'], rows),
  );
  const dirty = [...runs.values()].flat().filter((r) => !isClean(r.scan));
  for (const r of dirty) console.log('scan:', JSON.stringify(r.scan));
  return dirty.length === 0;
}

async function loadRun(size: number, players: number, seconds: number, intervalMs: number): Promise<LoadRun> {
  const fleet = await NodeFleet.start({ nodes: size, name: `bench${size}` });
  let load: PlayerLoad | undefined;
  try {
    load = await PlayerLoad.start({ urls: () => fleet.urls(), players, intervalMs });
    await sleep(3_000);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpu = CpuMeter.start();
    const nodesBefore = fleet.nodes.map((node) => cpuSeconds(node.pid));
    const from = Date.now();
    await sleep(seconds * 1_000);
    const to = Date.now();
    const nodesCpu = fleet.nodes.reduce((sum, node, i) => sum + (cpuSeconds(node.pid) - nodesBefore[i]!), 0) / seconds;
    const used = cpu.stop();
    loop.disable();
    await load.stop();
    const summary = load.summary({ from, to });
    const scan = await scanLog({ databaseUrl: fleet.databaseUrl, schema: fleet.schema, acknowledged: load.acknowledged(), points: load.livePoints() });
    return {
      commandsPerSecond: summary.commandsPerSecond,
      p50: summary.p50,
      p99: summary.p99,
      failed: summary.failed,
      clientCpu: used.process,
      loopP99: loop.percentile(99) / 1e6,
      nodesCpu,
      machine: used.machine,
      scan,
    };
  } finally {
    await load?.stop({ drainMs: 0, settleMs: 0 });
    await fleet.close();
  }
}

/**
 * One player's commands, one at a time (at most 40 a second), sent to node 1 for an actor that node 2 or 3 owns, against a player's
 * whose actor node 1 owns, one at a time: what the NATS hop costs. Needs the cluster's admin
 * view (GET /v1/admin/cluster with its shard owners) to choose the players.
 */
async function crossNode(probes: number): Promise<void> {
  const fleet = await NodeFleet.start({ nodes: 3, name: 'cross' });
  try {
    const entry = fleet.nodes[0]!;
    const view = await settled(fleet, entry);
    if (!view) {
      const local = await probe(entry, 'xlocal-0', probes);
      console.log(`\ncross-node command: cluster not available (GET /v1/admin/cluster has no shard owners); every command is local`);
      console.log(`local commands through ${entry.nodeId}: p50 ${formatNumber(local.p50)} ms, p99 ${formatNumber(local.p99)} ms`);
      return;
    }
    const owner = new Map(view.shards.map((row) => [row.shard, row.owner]));
    const find = (wanted: (owner: string | null | undefined) => boolean) => {
      for (let k = 0; k < 100_000; k++) if (wanted(owner.get(shardOf(`user/xprobe-${k}`, view.shardCount)))) return `xprobe-${k}`;
      throw new Error('no player id found for the probe');
    };
    const localId = find((o) => o === entry.nodeId);
    const remoteId = find((o) => o !== undefined && o !== null && o !== entry.nodeId);
    const local = await probe(entry, localId, probes);
    const remote = await probe(entry, remoteId, probes);
    console.log(`\ncross-node command against a local one, ${probes} commands each, one at a time, through ${entry.nodeId}:`);
    console.log(
      formatTable(
        ['command', 'p50 ms', 'p99 ms'],
        [
          [`local (${localId} on ${entry.nodeId})`, formatNumber(local.p50), formatNumber(local.p99)],
          [`cross-node (${remoteId} on ${owner.get(shardOf(`user/${remoteId}`, view.shardCount))})`, formatNumber(remote.p50), formatNumber(remote.p99)],
          ['ratio', `${formatNumber(remote.p50 / local.p50)}×`, `${formatNumber(remote.p99 / local.p99)}×`],
        ],
      ),
    );
  } finally {
    await fleet.close();
  }
}

/** The shard table once every node holds shards and no handoff is in flight (at most 30 s), or undefined without a cluster. */
async function settled(fleet: NodeFleet, node: NodeProcess): Promise<ClusterView | undefined> {
  for (let polls = 0; polls < 300; polls++) {
    const view = await fleet.clusterView(node);
    if (!view) return undefined;
    const owners = new Set(view.shards.map((row) => row.owner));
    if (owners.size === fleet.nodes.length && !owners.has(null) && view.handoffs.length === 0) return view;
    await sleep(100);
  }
  throw new Error('the shards did not settle on the nodes within 30 s');
}

async function probe(node: NodeProcess, userId: string, count: number): Promise<{ p50: number; p99: number }> {
  const response = await fetch(`${node.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId }) });
  const { token } = (await response.json()) as { token: string };
  const client = await connect({ url: node.wsUrl, token, WebSocket });
  try {
    await client.send({ to: `user/${userId}`, type: 'user.register', payload: { displayName: userId, timezone: 'UTC' } });
    const latencies: number[] = [];
    for (let i = 0; i < count + 20; i++) {
      const started = performance.now();
      const result = await client.send({ to: `user/${userId}`, type: 'water.log', payload: { ml: 100, drankAt: Date.now() } });
      if (result.status !== 'ok') throw new Error(`probe ${userId}: ${result.code} ${result.message}`);
      const took = performance.now() - started;
      if (i >= 20) latencies.push(took); // the first ones warm the actor and the route
      await sleep(25 - took); // under the player's rate limit (50 frames a second)
    }
    latencies.sort((a, b) => a - b);
    return { p50: latencies[Math.floor(latencies.length / 2)]!, p99: latencies[Math.ceil(latencies.length * 0.99) - 1]! };
  } finally {
    await client.close();
  }
}

/** How long after `since` (performance.now()) no live shard is held by `node` any more, polling the table every 20 ms (15 s at most). */
async function shardsTakenOver(fleet: NodeFleet, node: NodeProcess, since: number): Promise<string> {
  for (let polls = 0; polls < 750 && performance.now() - since < 15_000; polls++) {
    const asker = fleet.serving().find((other) => other !== node);
    const view = asker && (await fleet.clusterView(asker));
    if (view) {
      const live = new Set(view.members.filter((member) => member.live && member.status === 'up').map((member) => member.nodeId));
      if (view.shards.every((row) => row.state === 'held' && row.owner !== node.nodeId && row.owner !== null && live.has(row.owner))) {
        return `${formatNumber(performance.now() - since)} ms`;
      }
    }
    await sleep(20);
  }
  return 'more than 15 s';
}

/** How long after `at` (epoch ms) the given players' commands were acknowledged again: the first ack of each, ms. */
function servedAgain(load: PlayerLoad, userIds: ReadonlySet<string>, at: number): { p50: number; max: number; players: number; retried: number; failed: number } {
  const first = new Map<string, number>();
  let retried = 0;
  let failed = 0;
  for (const command of load.commands) {
    if (!userIds.has(command.userId)) continue;
    retried += command.retried.filter((retry) => retry.at >= at).length;
    if (command.outcome === 'failed' && command.answeredAt! >= at) failed++;
    if (command.outcome !== 'ok' || command.answeredAt! < at) continue;
    first.set(command.userId, Math.min(first.get(command.userId) ?? Infinity, command.answeredAt! - at));
  }
  const waits = [...first.values()];
  // A player not served again at all counts as never.
  const max = waits.length < userIds.size ? Infinity : Math.max(...waits);
  return { p50: median(waits), max, players: userIds.size, retried, failed };
}

/**
 * The players whose actors `node` holds: by the cluster's shard owners when its admin view has
 * them, otherwise (plain nodes: each serves the players connected to it) those connected to it.
 */
async function playersOf(fleet: NodeFleet, node: NodeProcess, load: PlayerLoad): Promise<Set<string>> {
  const asker = fleet.serving().find((other) => other !== node) ?? node;
  const view = await fleet.clusterView(asker);
  if (view) {
    const owned = new Set(view.shards.filter((row) => row.owner === node.nodeId).map((row) => row.shard));
    return new Set(load.players.filter((player) => owned.has(shardOf(`user/${player.userId}`, view.shardCount))).map((player) => player.userId));
  }
  return new Set(load.players.filter((player) => player.node === node.url && player.client?.status === 'open').map((player) => player.userId));
}

async function recovery(players: number, stopS: number): Promise<boolean> {
  const fleet = await NodeFleet.start({ nodes: 3, name: 'recovery' });
  let load: PlayerLoad | undefined;
  const rows: string[][] = [];
  const row = (what: string, figures: ReturnType<typeof servedAgain>, extra: string) =>
    rows.push([what, String(figures.players), formatNumber(figures.p50), formatNumber(figures.max), String(figures.retried), String(figures.failed), extra]);
  try {
    load = await PlayerLoad.start({ urls: () => fleet.urls(), players });
    await sleep(5_000);

    const killed = fleet.nodes[1]!;
    const killedPlayers = await playersOf(fleet, killed, load);
    const killedAt = Date.now();
    killed.kill('SIGKILL');
    const killTakeover = await shardsTakenOver(fleet, killed, performance.now());
    await sleep(10_000 - (Date.now() - killedAt));
    row(`kill -9 ${killed.nodeId}`, servedAgain(load, killedPlayers, killedAt), `its shards held by survivors after ${killTakeover}`);
    const replacement = await fleet.add();
    row(`start ${replacement.nodeId}`, { p50: NaN, max: NaN, players: 0, retried: 0, failed: 0 }, `ready ${formatNumber(replacement.readyAt! - replacement.startedAt)} ms after spawn`);
    await sleep(5_000);

    const stopped = fleet.nodes[2]!;
    const stoppedPlayers = await playersOf(fleet, stopped, load);
    const stoppedAt = Date.now();
    stopped.kill('SIGSTOP');
    const stopTakeover = await shardsTakenOver(fleet, stopped, performance.now());
    await sleep(stopS * 1_000 - (Date.now() - stoppedAt));
    stopped.kill('SIGCONT');
    await sleep(5_000);
    row(`SIGSTOP ${stopped.nodeId} ${stopS} s`, servedAgain(load, stoppedPlayers, stoppedAt), `its shards held by survivors after ${stopTakeover}`);

    const drained = fleet.nodes[0]!;
    const drainedPlayers = await playersOf(fleet, drained, load);
    const drainAt = Date.now();
    const signalled = performance.now();
    drained.kill('SIGTERM');
    const drainTakeover = await shardsTakenOver(fleet, drained, signalled);
    const exit = await drained.exited;
    await sleep(5_000);
    row(`SIGTERM ${drained.nodeId}`, servedAgain(load, drainedPlayers, drainAt), `exit ${exit.code ?? exit.signal} after ${formatNumber(exit.at - signalled)} ms; its shards held by others after ${drainTakeover}`);

    await load.stop();
    const summary = load.summary();
    const scan = await scanLog({ databaseUrl: fleet.databaseUrl, schema: fleet.schema, acknowledged: load.acknowledged(), points: load.livePoints() });
    console.log(`\nrecovery under the load (${players} players; 3 nodes; figures in ms from the signal; "its players" are those whose actors it held, "served again" the first ack of each after the signal, the wait for its next command included):`);
    console.log(formatTable(['event', 'its players', 'served again p50', 'max', 'retried', 'failed', 'note'], rows));
    console.log(
      `whole run: ${summary.ok} acknowledged, ${summary.failed} failed ${JSON.stringify(summary.failures)}, retried ${JSON.stringify(summary.retries)}; log scan ${isClean(scan) ? 'clean' : `NOT CLEAN ${JSON.stringify(scan)}`}`,
    );
    return isClean(scan);
  } finally {
    await load?.stop({ drainMs: 0, settleMs: 0 });
    await fleet.close();
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (0 where there is none). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat(5), here 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
