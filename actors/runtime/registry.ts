import { Actor, type ActorDeps } from './actor.js';
import { saveSnapshot } from './activation.js';
import type { AnyActorType } from './types.js';

/**
 * The active actors of this node, in least-recently-used order (a Map keeps insertion order; a
 * touched actor is moved to the end). Passivation removes an idle actor in the same tick as it
 * checks that it is idle, so a message on its way simply activates it again.
 *
 * The order is kept to within `reorderMs`: an actor is moved to the end only if it was placed
 * there longer ago than that. Moving it on every message deleted and re-inserted a Map entry per
 * command, and the churn made the Map rebuild its table (10,000 to 200,000 entries) again and
 * again, which the collector then copied. Entries stay ordered by `placedAt`, which is what the
 * idle sweep stops on.
 */
export class ActorRegistry {
  private readonly actors = new Map<string, Actor>();
  private readonly reorderMs: number;

  constructor(private readonly deps: ActorDeps) {
    this.reorderMs = Math.min(1_000, deps.settings.idleMs / 10);
  }

  get size(): number {
    return this.actors.size;
  }

  /** The actor at `address`, activated (its state loads with its first message) if needed. */
  obtain(address: string, type: AnyActorType): Actor {
    const now = this.deps.clock.now();
    let actor = this.actors.get(address);
    if (actor) {
      if (now - actor.placedAt < this.reorderMs) return actor;
      this.actors.delete(address);
    } else {
      actor = new Actor(address, type, this.deps);
    }
    actor.placedAt = now;
    this.actors.set(address, actor);
    if (this.actors.size > this.deps.settings.maxActive) this.evict(this.actors.size - this.deps.settings.maxActive, actor);
    return actor;
  }

  peek(address: string): Actor | undefined {
    return this.actors.get(address);
  }

  /** Passivates actors idle for at least `idleMs`, oldest first. */
  sweep(now: number): number {
    let passivated = 0;
    for (const actor of this.actors.values()) {
      // Placed no earlier than used, and in placement order: nothing further on has been idle long enough.
      if (now - actor.placedAt < this.deps.settings.idleMs) break;
      if (now - actor.lastUsed >= this.deps.settings.idleMs && actor.idle) {
        this.passivate(actor, 'idle');
        passivated += 1;
      }
    }
    return passivated;
  }

  /** Passivates every idle actor (at shutdown, once mailboxes are drained). */
  passivateAll(): void {
    for (const actor of [...this.actors.values()]) if (actor.idle) this.passivate(actor, 'shutdown');
  }

  /** Passivates the idle actors whose address matches; answers how many matching ones were busy. */
  passivateWhere(matches: (address: string) => boolean): number {
    let busy = 0;
    for (const actor of [...this.actors.values()]) {
      if (!matches(actor.address)) continue;
      if (actor.idle) this.passivate(actor, 'handoff');
      else busy += 1;
    }
    return busy;
  }

  /** Messages waiting or being handled, of all actors: counted as they come and go, not by a walk. */
  mailboxDepth(): number {
    return this.deps.mail.depth;
  }

  busy(): boolean {
    return this.deps.mail.depth > 0;
  }

  /** Evicts idle actors, least recently used first — never `keep`, which is about to get a message. */
  private evict(count: number, keep: Actor): void {
    let left = count;
    for (const actor of this.actors.values()) {
      if (left <= 0) break;
      if (actor.idle && actor !== keep) {
        this.passivate(actor, 'evicted');
        left -= 1;
      }
    }
  }

  private passivate(actor: Actor, reason: 'idle' | 'evicted' | 'shutdown' | 'handoff'): void {
    this.actors.delete(actor.address);
    const pending = actor.pendingSnapshot();
    if (pending) {
      this.deps.background(`snapshot of ${actor.address}`, saveSnapshot(this.deps.store, actor.type, actor.address, pending));
    }
    this.deps.metrics.passivated(actor.type.name, reason);
  }
}
