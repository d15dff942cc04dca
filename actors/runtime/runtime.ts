import { ErrorCode } from '../../protocol/errors.js';
import { isText } from '../../protocol/text.js';
import { isStreamId, type DeadLetterStore, type EventStore } from '../../store/index.js';
import { ownsAll, type ActorDeps, type Ownership } from './actor.js';
import { activate } from './activation.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import type { ActorView, Dispatcher } from './dispatcher.js';
import { foldEvents, initialFolded, type Folded } from './fold.js';
import { noMetrics, type RuntimeMetrics } from './metrics.js';
import { failed, type CommittedEvent, type Outcome } from './outcome.js';
import { ActorRegistry } from './registry.js';
import { defaultSettings, type RuntimeSettings } from './settings.js';
import type { ActorAddress, AnyActorType, CommandEnvelope } from './types.js';

export interface RuntimeOptions {
  store: EventStore;
  /** Where a command that crashed its actor on every attempt is kept. */
  deadLetters: DeadLetterStore;
  clock?: Clock;
  settings?: Partial<RuntimeSettings>;
  metrics?: RuntimeMetrics;
  /**
   * Called with an actor's events right after they commit, in commit order per actor — how the
   * server tells watchers. It must not throw or block.
   */
  onCommitted?: (address: string, events: readonly CommittedEvent[]) => void;
  /**
   * Whether the database answered its last health probe. While it did not, a command fails at
   * once with STORE_UNAVAILABLE (retryable) instead of waiting on the database.
   */
  storeAvailable?: () => boolean;
  /** Which actors this node may write now (a cluster's shard leases); everything when absent. */
  ownership?: Ownership;
}

/**
 * The local host of the actors this node owns: virtual actors addressed `type/id`, activated on
 * their first message, one message at a time each, persisted as events, supervised, passivated
 * when idle (registry, mailboxes, supervision, passivation). It is the Dispatcher of a single
 * node; a cluster wraps it in a routing one. It runs no background work of its own: the
 * composition root builds the outbox processor and the timer service over the dispatcher.
 *
 * @example
 * const runtime = new ActorRuntime([userType, challengeType], { store: opened.store, deadLetters: opened.deadLetters });
 * runtime.start();
 * const outcome = await runtime.send({ id: 'c1', to: 'user/u42', type: 'meal.log', payload, meta: { origin: 'client', userId: 'u42' } });
 */
export class ActorRuntime implements Dispatcher {
  private readonly types = new Map<string, AnyActorType>();
  private readonly registry: ActorRegistry;
  private readonly settings: RuntimeSettings;
  private readonly clock: Clock;
  private readonly metrics: RuntimeMetrics;
  private readonly store: EventStore;
  private readonly pending = new Set<Promise<unknown>>();
  private sweepTimer: TimerHandle | undefined;
  private stopped = false;
  private readonly onCommitted: RuntimeOptions['onCommitted'];

  constructor(types: readonly AnyActorType[], options: RuntimeOptions) {
    for (const type of types) {
      if (this.types.has(type.name)) throw new Error(`actor type ${type.name} is registered twice`);
      this.types.set(type.name, type);
    }
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.settings = { ...defaultSettings, ...options.settings };
    this.metrics = options.metrics ?? noMetrics;
    this.onCommitted = options.onCommitted;
    const deps: ActorDeps = {
      store: this.store,
      deadLetters: options.deadLetters,
      clock: this.clock,
      settings: this.settings,
      metrics: this.metrics,
      background: (what, work) => this.background(what, work),
      mail: { depth: 0 },
      storeAvailable: options.storeAvailable ?? (() => true),
      ownership: options.ownership ?? ownsAll,
    };
    this.registry = new ActorRegistry(deps);
  }

  /** Starts passivation sweeps. */
  start(): void {
    const every = Math.max(10, Math.min(this.settings.idleMs / 2, 5_000));
    const sweep = () => {
      this.registry.sweep(this.clock.now());
      this.sweepTimer = this.clock.setTimer(every, sweep);
    };
    this.sweepTimer = this.clock.setTimer(every, sweep);
  }

  /**
   * Sends a command to an actor and resolves with its outcome; never rejects. Not an async
   * function: an async layer on every message's way costs about 500 bytes of garbage per message.
   */
  send(envelope: CommandEnvelope): Promise<Outcome> {
    const started = performance.now();
    const type = this.typeFor(envelope);
    if ('status' in type) return Promise.resolve(type);
    try {
      return this.registry
        .obtain(envelope.to, type)
        .enqueue(envelope)
        .then((outcome) => {
          if (outcome.status === 'ok' && outcome.events.length > 0) this.onCommitted?.(envelope.to, outcome.events);
          this.metrics.commandHandled(type.name, envelope.type, outcome, performance.now() - started);
          return outcome;
        });
    } catch (error) {
      // A fault of the runtime itself reaches the caller as a rejection, as from an async function.
      return Promise.reject(error);
    }
  }

  /** The actor type that takes this command, or why the runtime does not take it. */
  private typeFor(envelope: CommandEnvelope): AnyActorType | Outcome {
    const invalid = checkEnvelope(envelope);
    if (invalid) return invalid;
    const type = this.types.get(envelope.to.slice(0, envelope.to.indexOf('/')));
    if (!type) return failed(ErrorCode.ACTOR_TYPE_UNKNOWN, `no actor type answers to ${envelope.to}`);
    const isClientCommand = type.clientCommands.includes(envelope.type);
    if (!isClientCommand && !type.systemCommands.includes(envelope.type)) {
      return failed(ErrorCode.COMMAND_UNKNOWN, `${type.name} has no command ${envelope.type}`);
    }
    // A client sees system commands as unknown, as the edge's validation (protocol/validate.ts)
    // already answers them: this is the runtime's own guard behind it.
    if (envelope.meta.origin === 'client' && !isClientCommand) {
      return failed(ErrorCode.COMMAND_UNKNOWN, `${type.name} has no client command ${envelope.type}`);
    }
    if (this.stopped) return failed(ErrorCode.RUNTIME_STOPPED, 'this node is shutting down');
    return type;
  }

  /**
   * An actor's state replayed from its events alone (no snapshot), up to a version — what an
   * operator inspects, and what replay-equals-live tests compare with the live actor.
   */
  async replay(address: string, toVersion?: number): Promise<Folded<unknown>> {
    const type = this.typeOf(address);
    const events = await this.store.readStream(address, toVersion === undefined ? {} : { toVersion });
    return foldEvents(type, events, initialFolded(type));
  }

  /** The live state of an active actor, or its state as activation would load it. */
  async current(address: string): Promise<Folded<unknown>> {
    const active = this.registry.peek(address);
    if (active?.folded) return active.folded;
    return (await activate(this.store, this.typeOf(address), address)).folded;
  }

  /** The actor's public view now (its type's `view`; the state as it is for a type without one). */
  async view(address: ActorAddress): Promise<ActorView> {
    const type = this.typeOf(address);
    const folded = await this.current(address);
    const id = address.slice(address.indexOf('/') + 1);
    return { version: folded.version, view: type.view ? type.view(id, folded, this.clock.now()) : folded.state };
  }

  stats(): { active: number; mailboxDepth: number; backgroundWrites: number } {
    return { active: this.registry.size, mailboxDepth: this.registry.mailboxDepth(), backgroundWrites: this.pending.size };
  }

  /** Passivates idle actors now (as the idle sweep would at this time). */
  sweep(): number {
    return this.registry.sweep(this.clock.now());
  }

  /**
   * Passivates the idle actors whose address matches (a shard handed to another node, after its
   * commands were answered); answers how many matching actors were still busy and stayed.
   */
  passivateWhere(matches: (address: string) => boolean): number {
    return this.registry.passivateWhere(matches);
  }

  /**
   * Stops taking commands, lets every mailbox drain, passivates every actor (writing their
   * snapshots) and waits for background writes. Stop the outbox and the timers first.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.sweepTimer?.cancel();
    while (this.registry.busy()) await new Promise((resolve) => setTimeout(resolve, 5));
    this.registry.passivateAll();
    await Promise.allSettled([...this.pending]);
  }

  private typeOf(address: string): AnyActorType {
    const type = this.types.get(address.slice(0, address.indexOf('/')));
    if (!type) throw new Error(`no actor type answers to ${address}`);
    return type;
  }

  private background(what: string, work: Promise<unknown>): void {
    this.pending.add(work);
    work.catch((error) => this.metrics.backgroundError(what, error)).finally(() => this.pending.delete(work));
  }
}

function checkEnvelope(envelope: CommandEnvelope): Outcome | undefined {
  if (typeof envelope?.id !== 'string' || envelope.id.length === 0 || envelope.id.length > 128 || !isText(envelope.id)) {
    return failed(ErrorCode.COMMAND_INVALID, 'a command needs an id of 1 to 128 characters of text (protocol/text.ts)');
  }
  if (!isStreamId(envelope.to)) return failed(ErrorCode.COMMAND_INVALID, `${JSON.stringify(envelope.to)} is not an actor address`);
  if (typeof envelope.type !== 'string') return failed(ErrorCode.COMMAND_INVALID, 'a command needs a type');
  const origin = envelope.meta?.origin;
  if (origin !== 'client' && origin !== 'actor' && origin !== 'timer' && origin !== 'operator') {
    return failed(ErrorCode.COMMAND_INVALID, 'a command needs meta.origin');
  }
  if (origin === 'client' && (typeof envelope.meta.userId !== 'string' || envelope.meta.userId.length === 0)) {
    return failed(ErrorCode.COMMAND_INVALID, "a client's command needs meta.userId: its ids are de-duplicated per sender");
  }
  return undefined;
}
