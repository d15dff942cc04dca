/**
 * A deterministic simulation of the lease protocol (cluster/lease-protocol.ts): one database,
 * several node processes with drifting monotonic clocks, delayed requests and replies, kills,
 * SIGSTOP-like pauses, joins and slow links, all driven by one seeded PRNG.
 *
 * True (global) time is the database's clock. The invariant — never two processes that *believe
 * they may serve* one shard at one instant — is checked after every event. That is complete: a
 * process's serving period starts only at an event (a grant or a renewal arriving), so any overlap
 * of two periods contains the event that started the later one.
 */
import { acquire, afterRelease, emptyLeaseDb, join, leaseLive, mayServe, noBelief, release, renew, type Incarnation, type LeaseDb, type NodeBelief, type Outcome } from '../lease-protocol.js';

/** How a process turns an accepted renewal (or join) into its local serving deadline. */
export type ServingRule = (r: { sentLocal: number; repliedLocal: number; expiresAt: number; ttl: number; margin: number }) => number;

export interface SimulationConfig {
  readonly seed: number;
  readonly steps: number;
  readonly nodes: number;
  readonly shards: number;
  readonly ttl: number;
  readonly renewEvery: number;
  readonly margin: number;
  /** Each process's clock runs at a rate in [1 − driftBound, 1 + driftBound]. */
  readonly driftBound: number;
  readonly rule: ServingRule;
  /** How a process takes a grant into its belief: `afterGrant`, or an unsafe variant. */
  readonly grant: (belief: NodeBelief, shard: number, epoch: number) => NodeBelief;
}


export interface Violation {
  readonly seed: number;
  readonly step: number;
  readonly at: number;
  readonly shard: number;
  readonly servers: readonly string[];
  readonly trace: readonly string[];
}

/** What a schedule went through, so a test can show the interesting cases are reached. */
export interface Coverage {
  kills: number;
  pauses: number;
  slowLinks: number;
  starts: number;
  /** Grants of a shard whose previous owner's lease had expired (not released). */
  takeovers: number;
  lostLeases: number;
  staleGrantsIgnored: number;
}

export interface Run {
  readonly violation: Violation | undefined;
  readonly coverage: Coverage;
}

interface Proc {
  readonly node: string;
  readonly id: number;
  incarnation: Incarnation;
  alive: boolean;
  pausedUntil: number;
  slowUntil: number;
  readonly offset: number;
  readonly rate: number;
  joined: boolean;
  joining: boolean;
  nextRenewLocal: number;
  belief: NodeBelief;
}

type Request = { kind: 'join' | 'renew'; sentLocal: number } | { kind: 'acquire'; shard: number; sentLocal: number } | { kind: 'release'; shard: number };
type Reply = { kind: 'join' | 'renew'; sentLocal: number; outcome: Outcome<{ expiresAt: number }> } | { kind: 'acquire'; shard: number; outcome: Outcome<{ epoch: number }> };
type SimEvent =
  | { at: number; seq: number; type: 'tick'; proc: Proc }
  | { at: number; seq: number; type: 'request'; proc: Proc; incarnation: Incarnation; request: Request }
  | { at: number; seq: number; type: 'reply'; proc: Proc; incarnation: Incarnation; reply: Reply };

type WithoutSeq<E> = E extends unknown ? Omit<E, 'seq'> : never;
type Unsequenced = WithoutSeq<SimEvent>;

/** mulberry32: a small, fast, seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, between: (lo: number, hi: number) => lo + next() * (hi - lo), int: (n: number) => Math.floor(next() * n), chance: (p: number) => next() < p };
}

/** Runs one schedule, up to the first violation of the invariant. */
export function simulate(config: SimulationConfig): Run {
  const coverage: Coverage = { kills: 0, pauses: 0, slowLinks: 0, starts: 0, takeovers: 0, lostLeases: 0, staleGrantsIgnored: 0 };
  const random = prng(config.seed);
  const { ttl, margin, shards } = config;
  let db: LeaseDb = emptyLeaseDb(ttl);
  let now = 0;
  let seq = 0;
  let procCount = 0;
  const queue: SimEvent[] = [];
  const trace: string[] = [];
  const procs = new Map<string, Proc>();
  const local = (proc: Proc, at: number) => proc.offset + at * proc.rate;
  const push = (event: Unsequenced) => queue.push({ ...event, seq: seq++ } as SimEvent);
  const log = (line: string) => {
    trace.push(`${now.toFixed(1)} ${line}`);
    if (trace.length > 40) trace.shift();
  };
  /** One-way delay: mostly a few ms; sometimes, or on a slow link, seconds. */
  const delay = (proc: Proc) => (proc.slowUntil > now ? random.between(0, 4000) : random.chance(0.03) ? random.between(0, 2500) : random.between(0.5, 20));
  const send = (proc: Proc, request: Request) => push({ at: now + delay(proc), type: 'request', proc, incarnation: proc.incarnation, request });

  const start = (node: string) => {
    const id = ++procCount;
    const proc: Proc = {
      node, id, incarnation: `${node}#${id}`, alive: true, pausedUntil: 0, slowUntil: 0,
      offset: random.between(-1000, 1000), rate: 1 + random.between(-config.driftBound, config.driftBound),
      joined: false, joining: false, nextRenewLocal: -Infinity, belief: noBelief,
    };
    procs.set(node, proc);
    coverage.starts++;
    push({ at: now, type: 'tick', proc });
    log(`start ${proc.incarnation}`);
  };

  const deadline = (proc: Proc, sentLocal: number, outcome: Outcome<{ expiresAt: number }>) =>
    outcome.ok ? Math.max(proc.belief.servingUntil, config.rule({ sentLocal, repliedLocal: local(proc, now), expiresAt: outcome.expiresAt, ttl, margin })) : -Infinity;

  const tick = (proc: Proc) => {
    const localNow = local(proc, now);
    if (!proc.joined) {
      if (!proc.joining) {
        proc.joining = true;
        send(proc, { kind: 'join', sentLocal: localNow });
      }
    } else {
      if (localNow >= proc.nextRenewLocal) {
        proc.nextRenewLocal = localNow + config.renewEvery;
        send(proc, { kind: 'renew', sentLocal: localNow });
      }
      // Greedy: every node wants every shard, so ownership is contested all the time.
      const shard = random.int(shards);
      if (!proc.belief.held.has(shard)) send(proc, { kind: 'acquire', shard, sentLocal: localNow });
      const held = [...proc.belief.held.keys()];
      if (held.length > 0 && random.chance(0.05)) {
        const gone = held[random.int(held.length)]!;
        // Stop serving first, then tell the database.
        proc.belief = afterRelease(proc.belief, gone);
        send(proc, { kind: 'release', shard: gone });
        log(`${proc.incarnation} releases ${gone}`);
      }
    }
    push({ at: now + random.between(100, 500), type: 'tick', proc });
  };

  const atDatabase = (proc: Proc, incarnation: Incarnation, request: Request) => {
    const reply = (r: Reply) => push({ at: now + delay(proc), type: 'reply', proc, incarnation, reply: r });
    if (request.kind === 'release') {
      db = release(db, request.shard, proc.node, incarnation).db;
      return;
    }
    if (request.kind === 'acquire') {
      const previous = db.shards.get(request.shard);
      const step = acquire(db, request.shard, proc.node, incarnation, now);
      if (step.outcome.ok && previous?.state === 'held' && previous.incarnation !== incarnation) coverage.takeovers++;
      db = step.db;
      if (step.outcome.ok) log(`db grants ${request.shard} to ${incarnation} epoch ${step.outcome.epoch}`);
      reply({ kind: 'acquire', shard: request.shard, outcome: step.outcome });
      return;
    }
    const step = (request.kind === 'join' ? join : renew)(db, proc.node, incarnation, now);
    db = step.db;
    log(`db ${request.kind} ${incarnation}: ${step.outcome.ok ? `until ${step.outcome.expiresAt.toFixed(1)}` : step.outcome.reason}`);
    reply({ kind: request.kind, sentLocal: request.sentLocal, outcome: step.outcome });
  };

  const onReply = (proc: Proc, reply: Reply) => {
    if (reply.kind === 'acquire') {
      if (reply.outcome.ok && proc.joined) {
        const before = proc.belief;
        proc.belief = config.grant(proc.belief, reply.shard, reply.outcome.epoch);
        if (proc.belief === before) coverage.staleGrantsIgnored++;
        log(`${proc.incarnation} ${proc.belief === before ? 'ignores stale grant of' : 'holds'} ${reply.shard} epoch ${reply.outcome.epoch}`);
      }
      return;
    }
    if (reply.kind === 'join') {
      proc.joining = false;
      if (reply.outcome.ok) {
        proc.joined = true;
        proc.belief = { ...noBelief, servingUntil: deadline(proc, reply.sentLocal, reply.outcome) };
      }
      return;
    }
    if (reply.outcome.ok) {
      proc.belief = { ...proc.belief, servingUntil: deadline(proc, reply.sentLocal, reply.outcome) };
      log(`${proc.incarnation} serves until local ${proc.belief.servingUntil.toFixed(1)} (true ${((proc.belief.servingUntil - proc.offset) / proc.rate).toFixed(1)})`);
    } else {
      // The lease is lost: drop every shard and come back as a new incarnation.
      log(`${proc.incarnation} lost its lease`);
      coverage.lostLeases++;
      proc.belief = noBelief;
      proc.joined = false;
      proc.incarnation = `${proc.node}#${++procCount}`;
    }
  };

  const chaos = () => {
    const all = [...procs.values()].filter((p) => p.alive);
    const victim = all[random.int(all.length)];
    const roll = random.next();
    if (victim && roll < 0.25) {
      victim.alive = false;
      coverage.kills++;
      log(`kill ${victim.incarnation}`);
    } else if (victim && roll < 0.55) {
      victim.pausedUntil = now + random.between(100, 2 * ttl);
      coverage.pauses++;
      log(`pause ${victim.incarnation} until ${victim.pausedUntil.toFixed(1)}`);
    } else if (victim && roll < 0.8) {
      victim.slowUntil = now + random.between(500, 2 * ttl);
      coverage.slowLinks++;
      log(`slow link ${victim.incarnation} until ${victim.slowUntil.toFixed(1)}`);
    } else {
      const free = Array.from({ length: config.nodes }, (_, i) => `n${i}`).filter((n) => !procs.get(n)?.alive);
      if (free.length > 0) start(free[random.int(free.length)]!);
    }
  };

  for (let i = 0; i < Math.min(2, config.nodes); i++) start(`n${i}`);
  for (let step = 0; step < config.steps && queue.length > 0; step++) {
    let first = 0;
    for (let i = 1; i < queue.length; i++) if (queue[i]!.at < queue[first]!.at || (queue[i]!.at === queue[first]!.at && queue[i]!.seq < queue[first]!.seq)) first = i;
    const event = queue.splice(first, 1)[0]!;
    now = event.at;
    const { proc } = event;
    if (event.type === 'request') atDatabase(proc, event.incarnation, event.request);
    else if (!proc.alive) continue; // a killed process takes no step and hears nothing
    else if (proc.pausedUntil > now) push({ ...event, at: proc.pausedUntil }); // handled on resume, with stale beliefs
    else if (event.type === 'tick') tick(proc);
    else if (event.incarnation === proc.incarnation) onReply(proc, event.reply);
    if (random.chance(0.02)) chaos();

    for (let shard = 0; shard < shards; shard++) {
      const servers = [...procs.values()].filter((p) => p.alive && mayServe(p.belief, shard, local(p, now)));
      if (servers.length > 1) {
        const owner = db.shards.get(shard);
        const lines = servers.map((p) => `${p.incarnation} (lease live in db: ${leaseLive(db, p.node, p.incarnation, now)})`);
        const trail = [...trace, `db owner of ${shard}: ${owner?.incarnation} epoch ${owner?.epoch} ${owner?.state}`];
        return { violation: { seed: config.seed, step, at: now, shard, servers: lines, trace: trail }, coverage };
      }
    }
  }
  return { violation: undefined, coverage };
}
