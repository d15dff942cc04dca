import { failed, type ActorAddress, type ActorRuntime, type ActorView, type CommandEnvelope, type Dispatcher, type Folded, type Outcome } from '../actors/runtime/index.js';
import { ErrorCode } from '../protocol/errors.js';
import { BusError, type Bus, type BusSubscription } from '../bus/index.js';
import type { ClusterMetrics } from './metrics.js';
import type { ShardClaims } from './shard-claims.js';

/** Where the router believes a shard is held: by the last read of the shard table, or a hint. */
export interface ShardOwner {
  node: string;
  live: boolean;
}

/** A request to a node's subject, and its answer: the outcome, or why this node did not take it. */
export type RemoteRequest = { t: 'send'; s: number; e: CommandEnvelope };
export type RemoteReply = { o: Outcome } | { r: 'NOT_OWNER'; owner?: string } | { r: 'MOVING' };

export interface RouterOptions {
  node: string;
  runtime: ActorRuntime;
  claims: ShardClaims;
  bus: Bus;
  owner(shard: number): ShardOwner | undefined;
  /** A node answered NOT_OWNER naming the owner it knows. */
  hint(shard: number, node: string): void;
  /** The shard table is stale: read it again soon. */
  refresh(): void;
  storeAvailable(): boolean;
  metrics: ClusterMetrics;
  /** How long a command may wait for its shard to be served somewhere before SHARD_UNAVAILABLE. */
  deadlineMs?: number;
  requestTimeoutMs?: number;
}

/** The subject a node answers requests on. */
export const nodeSubject = (node: string): string => `g.node.${node}`;

/**
 * The sharded dispatcher: a command goes to the runtime of this node when it serves the shard,
 * else over the bus to the node the shard table names. A reply of NOT_OWNER or MOVING, a node
 * that does not answer, or a shard with no live holder is retried with the same command id (the
 * receiver de-duplicates) and backoff, until `deadlineMs`; then SHARD_UNAVAILABLE (retryable).
 * Views and replays read this node's runtime, which answers from the store for actors it does
 * not hold: committed state, the same on every node.
 */
export class ShardedDispatcher implements Dispatcher {
  private readonly deadlineMs: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: RouterOptions) {
    this.deadlineMs = options.deadlineMs ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 3_000;
  }

  async send(envelope: CommandEnvelope): Promise<Outcome> {
    const { claims, metrics, storeAvailable } = this.options;
    if (typeof envelope?.to !== 'string') return this.options.runtime.send(envelope);
    const shard = claims.shardOf(envelope.to);
    const deadline = performance.now() + this.deadlineMs;
    for (let attempt = 0; ; attempt++) {
      // With the database down no node can take the command: say so now rather than at the deadline.
      if (!storeAvailable()) return failed(ErrorCode.STORE_UNAVAILABLE, 'the database is unreachable; the command may be sent again with the same id');
      const answer = await this.attempt(shard, envelope);
      if ('o' in answer) return answer.o;
      metrics.routingRetry(answer.r);
      if (answer.r === 'NOT_OWNER') {
        if (answer.owner) this.options.hint(shard, answer.owner);
        else this.options.refresh();
      }
      const wait = backoff(attempt);
      if (performance.now() + wait > deadline) {
        return failed(ErrorCode.SHARD_UNAVAILABLE, `no node took ${envelope.to} within ${this.deadlineMs} ms (${answer.r}); the command may be sent again with the same id`);
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  current(address: ActorAddress): Promise<Folded<unknown>> {
    return this.options.runtime.current(address);
  }

  view(address: ActorAddress): Promise<ActorView> {
    return this.options.runtime.view(address);
  }

  replay(address: ActorAddress, toVersion?: number): Promise<Folded<unknown>> {
    return this.options.runtime.replay(address, toVersion);
  }

  /** Answers other nodes' requests on this node's subject. */
  serve(): BusSubscription {
    return this.options.bus.serve(nodeSubject(this.options.node), (_subject, message) => this.answer(message as RemoteRequest));
  }

  private async answer(request: RemoteRequest): Promise<RemoteReply> {
    const { claims } = this.options;
    if (claims.moving.has(request.s)) return { r: 'MOVING' };
    if (!claims.serves(request.s)) {
      const owner = this.options.owner(request.s);
      return owner && owner.node !== this.options.node ? { r: 'NOT_OWNER', owner: owner.node } : { r: 'NOT_OWNER' };
    }
    return this.local(request.s, request.e);
  }

  private async attempt(shard: number, envelope: CommandEnvelope): Promise<RemoteReply | { r: string; owner?: string }> {
    const { claims, node } = this.options;
    if (claims.moving.has(shard)) return { r: 'MOVING' };
    if (claims.serves(shard)) return this.local(shard, envelope);
    const owner = this.options.owner(shard);
    if (!owner || owner.node === node || !owner.live) return { r: 'NOT_OWNER' };
    return this.remote(owner.node, shard, envelope);
  }

  private async local(shard: number, envelope: CommandEnvelope): Promise<RemoteReply> {
    const { claims, runtime } = this.options;
    claims.enter(shard);
    try {
      const outcome = await runtime.send(envelope);
      // The runtime found the lease gone when the actor took the command: route it again.
      if (outcome.status === 'failed' && outcome.code === ErrorCode.SHARD_UNAVAILABLE) return { r: 'NOT_OWNER' };
      return { o: outcome };
    } finally {
      claims.leave(shard);
    }
  }

  private async remote(node: string, shard: number, envelope: CommandEnvelope): Promise<RemoteReply | { r: string }> {
    const started = performance.now();
    try {
      const reply = (await this.options.bus.request(nodeSubject(node), { t: 'send', s: shard, e: envelope } satisfies RemoteRequest, {
        timeoutMs: this.requestTimeoutMs,
      })) as RemoteReply;
      if ('o' in reply) this.options.metrics.remoteCommand((performance.now() - started) / 1000);
      return reply;
    } catch (error) {
      // No answer: the node is gone, paused or cut off. It may still have handled the command;
      // the retry carries the same id, so it is not applied twice.
      if (error instanceof BusError) return { r: error.code };
      throw error;
    }
  }
}

/** 20 ms doubling to 500 ms, with jitter so that retries of many senders spread out. */
function backoff(attempt: number): number {
  const base = Math.min(500, 20 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}
