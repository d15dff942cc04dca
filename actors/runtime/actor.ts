import { ErrorCode } from '../../protocol/errors.js';
import type { DeadLetterStore, EventStore } from '../../store/index.js';
import { activate, saveSnapshot } from './activation.js';
import { sleep, type Clock } from './clock.js';
import { keepDeadLetter } from './dead-letters.js';
import { commandFingerprint, commandKey } from './command-key.js';
import { decideAndPersist, reusedId, type Handled } from './handle-command.js';
import type { Folded } from './fold.js';
import type { RuntimeMetrics } from './metrics.js';
import { failed, type Outcome } from './outcome.js';
import type { RuntimeSettings } from './settings.js';
import { CrashRecord, isInfrastructureFault, isUnstorable, restartDelay } from './supervision.js';
import type { AnyActorType, CommandEnvelope } from './types.js';

/** What every actor of a runtime shares. */
export interface ActorDeps {
  store: EventStore;
  deadLetters: DeadLetterStore;
  clock: Clock;
  settings: RuntimeSettings;
  metrics: RuntimeMetrics;
  /** Keeps a background write (a snapshot) in view so that shutdown can wait for it. */
  background(what: string, work: Promise<unknown>): void;
  /** Messages of every actor that are waiting or being handled, kept as they come and go. */
  mail: { depth: number };
  /** False while the database is known to be down: commands then fail fast, retryable. */
  storeAvailable(): boolean;
  /** This node's claim to write the actor now (a cluster's shard lease); always true on one node. */
  ownership: Ownership;
}

/**
 * Whether this node may write an actor now, and the epoch of its claim, recorded in every event's
 * metadata. A cluster answers from its shard leases; one node owns everything.
 */
export interface Ownership {
  admits(address: string): boolean;
  epochOf(address: string): number | undefined;
}

export const ownsAll: Ownership = { admits: () => true, epochOf: () => undefined };

interface Job {
  envelope: CommandEnvelope;
  resolve(outcome: Outcome): void;
}

/**
 * One live actor: its state, its mailbox and its supervisor. Messages are handled one at a time
 * in arrival order; the first one loads the state, so messages arriving meanwhile wait in line.
 */
export class Actor {
  folded: Folded<unknown> | undefined;
  snapshotVersion = 0;
  lastUsed = 0;
  /** When the registry last put this actor at the young end of its order. */
  placedAt = 0;
  private queue: Job[] = [];
  private running = false;
  /** The last few command ids and what they left: the version of an accepted one, or the rejection. */
  private recent: RecentOutcomes | undefined;
  private crashes: CrashRecord | undefined;
  private quarantinedUntil = 0;

  constructor(
    readonly address: string,
    readonly type: AnyActorType,
    private readonly deps: ActorDeps,
  ) {}

  /** True when nothing is queued or being handled: the actor may be passivated. */
  get idle(): boolean {
    return !this.running && this.queue.length === 0;
  }

  enqueue(envelope: CommandEnvelope): Promise<Outcome> {
    this.lastUsed = this.deps.clock.now();
    this.deps.mail.depth += 1;
    return new Promise((resolve) => {
      this.queue.push({ envelope, resolve });
      if (!this.running) this.next();
    });
  }

  /** The state the actor would write as a snapshot now, if it has unsnapshotted events. */
  pendingSnapshot(): Folded<unknown> | undefined {
    return this.folded && this.folded.version > this.snapshotVersion ? this.folded : undefined;
  }

  /**
   * Handles the oldest waiting message, and when it is done the next one: a chain of callbacks
   * rather than an async loop, which left an async frame behind per message for the collector.
   */
  private next(): void {
    const job = this.queue.shift();
    if (!job) {
      this.running = false;
      this.lastUsed = this.deps.clock.now();
      return;
    }
    this.running = true;
    this.supervise(job.envelope).then(
      (outcome) => this.answer(job, outcome),
      (error: unknown) => {
        // supervise answers every fault itself; this is a bug in it, and the mailbox goes on.
        this.deps.metrics.deadLetterLost(this.type.name, job.envelope, error);
        this.answer(job, failed(ErrorCode.ACTOR_CRASHED_NOT_KEPT, `${this.address} failed to handle ${job.envelope.type}: ${error instanceof Error ? error.message : String(error)}`));
      },
    );
  }

  private answer(job: Job, outcome: Outcome): void {
    this.deps.mail.depth -= 1;
    job.resolve(outcome);
    this.next();
  }

  /** Handles one message under supervision: a crash restarts the actor and retries, then dead-letters. */
  private async supervise(envelope: CommandEnvelope): Promise<Outcome> {
    const { store, clock, settings, metrics } = this.deps;
    if (clock.now() < this.quarantinedUntil) {
      return failed(ErrorCode.ACTOR_UNAVAILABLE, `${this.address} is quarantined after repeated crashes`);
    }
    const key = commandKey(envelope);
    const fingerprint = commandFingerprint(envelope);
    const answered = this.recent?.find(key);
    if (answered !== undefined) {
      if (answered.fingerprint !== fingerprint) return reusedId(envelope);
      const { outcome } = answered;
      return typeof outcome === 'number' ? { status: 'ok', version: outcome, events: [], duplicate: true } : outcome;
    }
    if (!this.deps.ownership.admits(this.address)) return notServed(this.address);
    if (!this.deps.storeAvailable()) {
      return failed(ErrorCode.STORE_UNAVAILABLE, 'the database is unreachable; the command may be sent again with the same id');
    }
    for (let attempt = 1; ; attempt++) {
      try {
        // decide → append → evolve, inline: every async layer a message passes through left
        // about 500 bytes of garbage per message (its frame, its promise, its await's closures).
        if (!this.folded) await this.load();
        const result = await decideAndPersist(store, this.type, this.address, this.folded!, envelope, fingerprint, clock.now(), settings.node, this.deps.ownership.epochOf(this.address));
        const outcome = result.reload ? await this.handleAfterConflict(envelope, fingerprint) : this.accept(result);
        this.remember(key, fingerprint, outcome);
        return outcome;
      } catch (error) {
        // The store refused the events decide made (text it could not give back): no crash, and
        // no retry, which would decide the same again. The state is the store's, as it was.
        if (isUnstorable(error)) return failed(ErrorCode.EVENT_NOT_SERIALIZABLE, `${envelope.type} to ${this.address}: ${error.message}`);
        this.folded = undefined;
        if (isInfrastructureFault(error)) {
          return failed(ErrorCode.STORE_UNAVAILABLE, `${error.message}; the command may be sent again with the same id`);
        }
        metrics.restarted(this.type.name);
        if (attempt >= settings.maxAttempts) return this.deadLetter(envelope, error, attempt);
        await sleep(clock, restartDelay(settings, attempt));
      }
    }
  }

  /** Activation: the latest snapshot and the events after it. */
  private async load(): Promise<void> {
    const { store, metrics } = this.deps;
    const started = performance.now();
    const activated = await activate(store, this.type, this.address);
    this.folded = activated.folded;
    this.snapshotVersion = activated.snapshotVersion;
    metrics.activated(this.type.name, activated.fromSnapshot, activated.eventsReplayed, performance.now() - started);
  }

  /** The command's events are stored: they become the actor's state. */
  private accept(result: Extract<Handled, { reload: false }>): Outcome {
    this.folded = result.folded;
    this.maybeSnapshot();
    return result.outcome;
  }

  /** Someone else wrote the stream: reload it and try the command once more. */
  private async handleAfterConflict(envelope: CommandEnvelope, fingerprint: string): Promise<Outcome> {
    this.folded = undefined;
    const { store, clock, ownership } = this.deps;
    // Another node may have written because this one's claim ran out: check it again before writing.
    if (!ownership.admits(this.address)) return notServed(this.address);
    const activated = await activate(store, this.type, this.address);
    this.snapshotVersion = activated.snapshotVersion;
    const result = await decideAndPersist(store, this.type, this.address, activated.folded, envelope, fingerprint, clock.now(), this.deps.settings.node, ownership.epochOf(this.address));
    if (result.reload) {
      this.folded = undefined;
      return failed(ErrorCode.STREAM_VERSION_CONFLICT, `${this.address} is being written elsewhere; send the command again`);
    }
    return this.accept(result);
  }

  private maybeSnapshot(): void {
    const folded = this.folded;
    const every = this.type.snapshotEvery ?? this.deps.settings.snapshotEvery;
    if (!folded || folded.version - this.snapshotVersion < every) return;
    this.snapshotVersion = folded.version;
    this.deps.background(`snapshot of ${this.address}`, saveSnapshot(this.deps.store, this.type, this.address, folded));
  }

  private async deadLetter(envelope: CommandEnvelope, error: unknown, attempts: number): Promise<Outcome> {
    const { deadLetters, settings, metrics, clock } = this.deps;
    let lost: unknown;
    try {
      await keepDeadLetter(deadLetters, envelope, error, attempts, settings.node);
      metrics.deadLettered(this.type.name);
    } catch (writeError) {
      lost = writeError;
      metrics.deadLetterLost(this.type.name, envelope, writeError);
    }
    this.crashes ??= new CrashRecord();
    if (this.crashes.record(clock.now(), settings)) {
      this.quarantinedUntil = clock.now() + settings.quarantineMs;
      metrics.quarantined(this.type.name);
    }
    const reason = error instanceof Error ? error.message : String(error);
    const crashed = `${envelope.type} crashed ${this.address} ${attempts} times (${reason})`;
    if (lost === undefined) return failed(ErrorCode.ACTOR_CRASHED, `${crashed}; it is kept as a dead letter`);
    const why = lost instanceof Error ? lost.message : String(lost);
    return failed(ErrorCode.ACTOR_CRASHED_NOT_KEPT, `${crashed}; keeping it as a dead letter failed too (${why}); the failure is logged`);
  }

  private remember(key: string, fingerprint: string, outcome: Outcome): void {
    if (outcome.status === 'failed') return;
    const limit = this.deps.settings.recentOutcomes;
    if (limit <= 0) return;
    // An accepted command is remembered by its version alone; a copy of its outcome was an object
    // that every command left behind for the collector.
    (this.recent ??= new RecentOutcomes(limit)).add(key, fingerprint, outcome.status === 'ok' ? outcome.version : outcome);
  }
}

function notServed(address: string): Outcome {
  return failed(ErrorCode.SHARD_UNAVAILABLE, `this node does not serve ${address} now; the command may be sent again with the same id`);
}

/** A ring of the last `size` command keys with what they asked and their outcomes: no allocation per command. */
class RecentOutcomes {
  private readonly keys: string[] = [];
  private readonly fingerprints: string[] = [];
  private readonly outcomes: Array<number | Outcome> = [];
  private next = 0;

  constructor(private readonly size: number) {}

  add(key: string, fingerprint: string, outcome: number | Outcome): void {
    this.keys[this.next] = key;
    this.fingerprints[this.next] = fingerprint;
    this.outcomes[this.next] = outcome;
    this.next = (this.next + 1) % this.size;
  }

  find(key: string): { fingerprint: string; outcome: number | Outcome } | undefined {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : { fingerprint: this.fingerprints[i]!, outcome: this.outcomes[i]! };
  }
}
