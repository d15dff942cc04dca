import type { Folded } from './fold.js';
import type { Outcome } from './outcome.js';
import type { ActorAddress, CommandEnvelope } from './types.js';

/** An actor's public view (`ActorType.view`) and the stream version it reflects. */
export interface ActorView {
  version: number;
  view: unknown;
}

/**
 * The one way to reach an actor. The gateway, the HTTP API, dead-letter retry, the outbox and
 * the durable timers hold a Dispatcher, never the runtime: they do not know on which node an
 * actor lives. On one node the `ActorRuntime` is the dispatcher; a cluster wraps it in one that
 * routes each address to the node owning its shard.
 *
 * @example
 * const outcome = await dispatcher.send({ id: 'c8', to: 'user/u42', type: 'meal.log', payload, meta: { origin: 'client', userId: 'u42' } });
 * const { version, view } = await dispatcher.view('challenge/c7');
 */
export interface Dispatcher {
  /** Sends a command to its actor and resolves with the outcome; never rejects for a domain or a retryable fault. */
  send(envelope: CommandEnvelope): Promise<Outcome>;
  /** The actor's state: live if it is active, else as activation would load it. */
  current(address: ActorAddress): Promise<Folded<unknown>>;
  /** The actor's public view, what watchers of its topic are shown (its type's `view`). */
  view(address: ActorAddress): Promise<ActorView>;
  /** The actor's state replayed from its events alone, up to a version (an operator's inspection). */
  replay(address: ActorAddress, toVersion?: number): Promise<Folded<unknown>>;
}

