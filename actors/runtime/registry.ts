import { Actor, type ActorDeps } from './actor.js';
import { saveSnapshot } from './activation.js';
import type { AnyActorType } from './types.js';

/**
 * The active actors of this node, in least-recently-used order (a Map keeps insertion order; a
 * touched actor is moved to the end). Passivation removes an idle actor in the same tick as it
 * checks that it is idle, so a message on its way simply activates it again.
 */
export class ActorRegistry {
  private readonly actors = new Map<string, Actor>();

  constructor(private readonly deps: ActorDeps) {}

  get size(): number {
    return this.actors.size;
  }

  /** The actor at `address`, activated (its state loads with its first message) if needed. */
  obtain(address: string, type: AnyActorType): Actor {
    let actor = this.actors.get(address);
    if (actor) {
      this.actors.delete(address);
    } else {
      actor = new Actor(address, type, this.deps);
    }
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
      if (now - actor.lastUsed < this.deps.settings.idleMs) break;
      if (actor.idle) {
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

  mailboxDepth(): number {
    let depth = 0;
    for (const actor of this.actors.values()) depth += actor.depth;
    return depth;
  }

  busy(): boolean {
    for (const actor of this.actors.values()) if (!actor.idle) return true;
    return false;
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

  private passivate(actor: Actor, reason: 'idle' | 'evicted' | 'shutdown'): void {
    this.actors.delete(actor.address);
    const pending = actor.pendingSnapshot();
    if (pending) {
      this.deps.background(`snapshot of ${actor.address}`, saveSnapshot(this.deps.store, actor.type, actor.address, pending));
    }
    this.deps.metrics.passivated(actor.type.name, reason);
  }
}
