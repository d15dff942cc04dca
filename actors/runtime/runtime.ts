import { ErrorCode } from '../../protocol/errors.js';
import { isText } from '../../protocol/text.js';
import { isStreamId, type EventStore } from '../../store/index.js';
import type { ActorDeps } from './actor.js';
import { activate } from './activation.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { DeadLetters, type DeadLetter } from './dead-letters.js';
import { EffectsProcessor } from './effects.js';
import { foldEvents, initialFolded, type Folded } from './fold.js';
import { noMetrics, type RuntimeMetrics } from './metrics.js';
import { failed, type CommittedEvent, type Outcome } from './outcome.js';
import { ActorRegistry } from './registry.js';
import { defaultSettings, type RuntimeSettings } from './settings.js';
import { TimerService } from './timers.js';
import type { AnyActorType, CommandEnvelope } from './types.js';

export interface RuntimeOptions {
  store: EventStore;
  clock?: Clock;
  settings?: Partial<RuntimeSettings>;
  metrics?: RuntimeMetrics;
  /** Run the outbox (effects) processor and the durable-timer service; on by default. */
  background?: boolean;
  /** Timer-service poll interval (ms on the runtime's clock). */
  timerPollMs?: number;
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
}

/** Outcomes that mean a command was taken for good (retrying it could not change anything). */
function taken(outcome: Outcome): boolean {
  return outcome.status !== 'failed' || !retryable.has(outcome.code);
}
const retryable = new Set<string>([
  ErrorCode.ACTOR_UNAVAILABLE,
  ErrorCode.STORE_UNAVAILABLE,
  ErrorCode.STREAM_VERSION_CONFLICT,
  ErrorCode.RUNTIME_STOPPED,
]);

/**
 * The actor runtime of one node: virtual actors addressed `type/id`, activated on their first
 * message, one message at a time each, persisted as events, supervised, passivated when idle.
 *
 * @example
 * const runtime = new ActorRuntime([userType, challengeType], { store });
 * runtime.start();
 * const outcome = await runtime.send({ id: 'c1', to: 'user/u42', type: 'meal.log', payload, meta: { origin: 'client', userId: 'u42' } });
 */
export class ActorRuntime {
  readonly deadLetters: DeadLetterAdmin;
  private readonly types = new Map<string, AnyActorType>();
  private readonly registry: ActorRegistry;
  private readonly settings: RuntimeSettings;
  private readonly clock: Clock;
  private readonly metrics: RuntimeMetrics;
  private readonly store: EventStore;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly effects: EffectsProcessor | undefined;
  private readonly timers: TimerService | undefined;
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
    const letters = new DeadLetters(this.store.sql);
    const deps: ActorDeps = {
      store: this.store,
      deadLetters: letters,
      clock: this.clock,
      settings: this.settings,
      metrics: this.metrics,
      background: (what, work) => this.background(what, work),
      mail: { depth: 0 },
      storeAvailable: options.storeAvailable ?? (() => true),
    };
    this.registry = new ActorRegistry(deps);
    this.deadLetters = new DeadLetterAdmin(letters, (envelope) => this.send(envelope));
    if (options.background !== false) {
      const onError = (what: string, error: unknown) => this.metrics.backgroundError(what, error);
      const deliver = (envelope: CommandEnvelope) => this.send(envelope);
      this.timers = new TimerService({
        sql: this.store.sql,
        clock: this.clock,
        deliver,
        delivered: taken,
        onError,
        ...(options.timerPollMs ? { pollMs: options.timerPollMs } : {}),
      });
      this.effects = new EffectsProcessor({
        store: this.store,
        clock: this.clock,
        deliver,
        delivered: taken,
        timersChanged: () => this.timers?.wake(),
        onError,
      });
    }
  }

  /** Starts passivation sweeps, the outbox processor and the durable timers. */
  start(): void {
    const every = Math.max(10, Math.min(this.settings.idleMs / 2, 5_000));
    const sweep = () => {
      this.registry.sweep(this.clock.now());
      this.sweepTimer = this.clock.setTimer(every, sweep);
    };
    this.sweepTimer = this.clock.setTimer(every, sweep);
    this.effects?.start();
    this.timers?.start();
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
    if (envelope.meta.origin === 'client' && !isClientCommand) {
      return failed(ErrorCode.COMMAND_FORBIDDEN, `${envelope.type} may be sent only by actors, timers or operators`);
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

  stats(): { active: number; mailboxDepth: number; backgroundWrites: number } {
    return { active: this.registry.size, mailboxDepth: this.registry.mailboxDepth(), backgroundWrites: this.pending.size };
  }

  /** Passivates idle actors now (as the idle sweep would at this time). */
  sweep(): number {
    return this.registry.sweep(this.clock.now());
  }

  /**
   * Stops taking commands, lets every mailbox drain, stops the outbox and timers, passivates
   * every actor (writing their snapshots) and waits for background writes.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.sweepTimer?.cancel();
    await Promise.all([this.effects?.stop(), this.timers?.stop()]);
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

/** The operator's view of dead letters: list, retry (send again, same id), discard. */
export class DeadLetterAdmin {
  constructor(
    private readonly letters: DeadLetters,
    private readonly send: (envelope: CommandEnvelope) => Promise<Outcome>,
  ) {}

  list(options?: { actor?: string; limit?: number; afterId?: number }): Promise<DeadLetter[]> {
    return this.letters.list(options);
  }

  get(id: number): Promise<DeadLetter | undefined> {
    return this.letters.get(id);
  }

  /** Sends the command again; the entry is removed unless the command crashed its actor again. */
  async retry(id: number): Promise<Outcome> {
    const letter = await this.letters.get(id);
    if (!letter) return failed(ErrorCode.DEAD_LETTER_NOT_FOUND, `no dead letter ${id}`);
    const outcome = await this.send(letter.command);
    // Crashed again: the letter stays (updated by the new crash, or as it was when that update failed).
    const crashed = outcome.status === 'failed' && (outcome.code === ErrorCode.ACTOR_CRASHED || outcome.code === ErrorCode.ACTOR_CRASHED_NOT_KEPT);
    if (!crashed) await this.letters.remove(id);
    return outcome;
  }

  discard(id: number): Promise<boolean> {
    return this.letters.remove(id);
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
