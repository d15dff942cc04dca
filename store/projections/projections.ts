import { setTimeout as delay } from 'node:timers/promises';
import { ErrorCode, GamifierError } from '../../protocol/errors.js';
import type { EventStore, RecordedEvent } from '../types.js';
import { claimBuild, ensureGenerations, loadGenerations, swapGenerations } from './generations.js';
import { measureLag } from './lag.js';
import { countParked, listParked, skipParked, type ParkedEvent } from './parked.js';
import { checkpointName, checkProjections, type Projection } from './projection.js';
import { defaultProjectorSettings, Projector, type ProjectorSettings } from './projector.js';
import { retryParked, type RetryOutcome } from './retry-parked.js';
import { errorStatus, lagStatus, parkedShown, type ProjectionStatus, type RebuildStatus } from './status.js';

export class ProjectionNotFoundError extends GamifierError {
  constructor(readonly projection: string) {
    super(ErrorCode.PROJECTION_NOT_FOUND, `no projection is named ${JSON.stringify(projection)}`);
  }
}

export interface RebuildReport {
  name: string;
  generation: number;
  previousGeneration: number;
  appliedEvents: number;
  startedAt: string;
  finishedAt: string;
}

/** A rebuild under way: `done` settles when the new generation serves (or the rebuild stops). */
export interface RebuildHandle {
  name: string;
  generation: number;
  /** True when it carries on a rebuild that a restart interrupted. */
  resumed: boolean;
  done: Promise<RebuildReport>;
}

export interface ProjectionsOptions {
  settings?: Partial<ProjectorSettings>;
  /** How often a rebuild checks whether it has caught up with the head (default 100 ms). */
  catchUpPollMs?: number;
  /**
   * How often to look whether another node swapped a generation (default 5 s). A live projector
   * also notices at its next batch; this covers projections whose events are rare.
   */
  generationPollMs?: number;
  onError?(projection: string, generation: number, error: Error): void;
  /** A batch committed to a served read model (not to a rebuild's new generation). */
  onApplied?(projection: string, batch: readonly RecordedEvent[]): void;
  /** A projector of this node parked an event (of the served generation or of a rebuild's). */
  onParked?(projection: string, generation: number, event: RecordedEvent, error: Error, attempts: number): void;
}

interface Build {
  handle: RebuildHandle;
  projector: Projector;
  startedAt: Date;
  phase: 'filling' | 'swapping';
}

interface Entry {
  projection: Projection;
  generation: number;
  servedVersion: number;
  live: Projector | undefined;
  build: Build | undefined;
  /** Follow-ups of generation changes, one at a time. */
  following: Promise<void>;
}

/**
 * Runs the read models: one live projector per projection, and rebuilds into fresh tables while
 * the live ones keep serving and updating.
 *
 * @example
 * const projections = new Projections(store, gameProjections);
 * await projections.start();
 * await projections.status();                       // [{ name: 'leaderboard', state: 'live', lag: {…} }, …]
 * const rebuild = await projections.rebuild('leaderboard');
 * await rebuild.done;                               // the new generation now answers queries
 */
export class Projections {
  private readonly entries = new Map<string, Entry>();
  private readonly settings: ProjectorSettings;
  private abort = new AbortController();
  private started = false;
  private watching: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    projections: readonly Projection[],
    private readonly options: ProjectionsOptions = {},
  ) {
    checkProjections(projections);
    this.settings = { ...defaultProjectorSettings, ...options.settings };
    for (const projection of projections) {
      this.entries.set(projection.name, { projection, generation: 0, servedVersion: 0, live: undefined, build: undefined, following: Promise.resolve() });
    }
  }

  /**
   * Creates the first generation of new read models, starts their projectors, resumes rebuilds a
   * restart interrupted, and rebuilds read models whose version changed (the old tables serve
   * meanwhile, no longer updated, since the new code cannot write them).
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.abort = new AbortController();
    for (const entry of this.entries.values()) {
      const generations = await ensureGenerations(this.store.sql, entry.projection);
      entry.generation = generations.generation;
      entry.servedVersion = generations.version;
      if (entry.servedVersion === entry.projection.version) this.startLive(entry);
      const resume = generations.building !== null && generations.buildingVersion === entry.projection.version;
      if (resume || entry.servedVersion !== entry.projection.version) {
        this.rebuild(entry.projection.name).catch((error: unknown) => this.reportError(entry, error));
      }
    }
    this.watching = this.watchGenerations(this.abort.signal);
  }

  /** Stops every projector after its batch in flight; a rebuild under way resumes at the next start. */
  async stop(): Promise<void> {
    this.started = false;
    this.abort.abort();
    const entries = [...this.entries.values()];
    await this.watching;
    await Promise.allSettled(entries.map((entry) => entry.build?.handle.done));
    await Promise.all(entries.map((entry) => entry.following));
    await Promise.all(entries.map((entry) => entry.live?.stop()));
    for (const entry of entries) entry.live = undefined;
  }

  /** Names of the projections, in declaration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Each projection's state, checkpoint and lag (a few cheap queries each), and its rebuild if any. */
  async status(): Promise<ProjectionStatus[]> {
    const statuses: ProjectionStatus[] = [];
    for (const entry of this.entries.values()) {
      const { projection } = entry;
      let served = await loadGenerations(this.store.sql, projection.name);
      if (served && this.started && !entry.build && (served.generation !== entry.generation || served.version !== entry.servedVersion)) {
        await this.follow(entry); // another node swapped generations
        served = await loadGenerations(this.store.sql, projection.name);
      }
      const generation = served?.generation ?? 0;
      const checkpoint = await this.store.loadCheckpoint(checkpointName(projection.name, generation));
      const lag = await measureLag(this.store.sql, checkpoint, projection.eventTypes);
      const live = entry.live?.generation === generation ? entry.live.snapshot() : undefined;
      const parked = {
        count: await countParked(this.store.sql, projection.name, generation),
        events: await this.decoded(listParked(this.store.sql, projection.name, { generation, limit: parkedShown })),
      };
      const status: ProjectionStatus = {
        name: projection.name,
        version: projection.version,
        servedVersion: served?.version ?? 0,
        generation,
        state: 'stopped',
        checkpoint,
        lag: lagStatus(lag),
        appliedEvents: live?.applied ?? 0,
        parked,
      };
      if (live?.failure) status.error = errorStatus(live.failure);
      if (entry.build) {
        status.state = 'rebuilding';
        status.rebuild = await this.rebuildStatus(entry.build);
      } else if (live?.failure) status.state = 'failed';
      else if (live && entry.live?.running) status.state = live.reachedHead || lag.events === 0 ? 'live' : 'catching-up';
      statuses.push(status);
    }
    return statuses;
  }

  /**
   * Rebuilds a read model from the start of the log into a new generation of its tables, while
   * the current generation keeps answering queries and keeps being updated. Once the new one has
   * caught up with the head it replaces the old one in one transaction. A second call while one
   * runs returns the same handle.
   */
  async rebuild(name: string): Promise<RebuildHandle> {
    const entry = this.entries.get(name);
    if (!entry) throw new ProjectionNotFoundError(name);
    if (!this.started) throw new Error(`projections are not started: cannot rebuild ${name}`);
    if (entry.build) return entry.build.handle;
    const { generation, resumed } = await claimBuild(this.store.sql, entry.projection);
    if (entry.build) return (entry.build as Build).handle;
    const projector = this.projector(entry, generation);
    const build: Build = { projector, startedAt: new Date(), phase: 'filling', handle: undefined as unknown as RebuildHandle };
    build.handle = { name, generation, resumed, done: this.runBuild(entry, build) };
    build.handle.done.catch((error: unknown) => this.reportError(entry, error));
    entry.build = build;
    projector.start();
    return build.handle;
  }

  private async runBuild(entry: Entry, build: Build): Promise<RebuildReport> {
    const { projection } = entry;
    const { generation } = build.projector;
    const { signal } = this.abort;
    try {
      while (!(await this.caughtUp(build.projector))) {
        if (signal.aborted) throw new Error(`projections stopped while rebuilding ${projection.name}; the rebuild resumes at the next start`);
        await delay(this.options.catchUpPollMs ?? 100, undefined, { signal }).catch(() => undefined);
      }
      if (signal.aborted) throw new Error(`projections stopped while rebuilding ${projection.name}; the rebuild resumes at the next start`);
      build.phase = 'swapping';
      const wasLive = entry.live;
      await wasLive?.stop();
      await build.projector.stop();
      let previous: number;
      try {
        ({ previous } = await swapGenerations(this.store.sql, projection, generation));
      } catch (error) {
        if (wasLive && this.started) wasLive.start();
        throw error;
      }
      entry.generation = generation;
      entry.servedVersion = projection.version;
      if (this.started) this.startLive(entry);
      const applied = build.projector.snapshot().applied;
      return { name: projection.name, generation, previousGeneration: previous, appliedEvents: applied, startedAt: build.startedAt.toISOString(), finishedAt: new Date().toISOString() };
    } finally {
      await build.projector.stop();
      if (entry.build === build) entry.build = undefined;
    }
  }

  private async caughtUp(projector: Projector): Promise<boolean> {
    const { cursor, reachedHead, retired } = projector.snapshot();
    if (retired) throw new Error(`projection ${projector.projection.name}: generation ${projector.generation} was discarded while it was being rebuilt`);
    if (reachedHead) return true;
    if (!cursor) return false;
    return (await measureLag(this.store.sql, cursor, projector.projection.eventTypes)).events === 0;
  }

  private async rebuildStatus(build: Build): Promise<RebuildStatus> {
    const { projector } = build;
    const snapshot = projector.snapshot();
    const checkpoint = await this.store.loadCheckpoint(projector.checkpoint);
    const lag = await measureLag(this.store.sql, checkpoint, projector.projection.eventTypes);
    const status: RebuildStatus = {
      generation: projector.generation,
      startedAt: build.startedAt.toISOString(),
      phase: build.phase,
      checkpoint,
      lag: lagStatus(lag),
      progress: lag.progress,
      appliedEvents: snapshot.applied,
      parked: await countParked(this.store.sql, projector.projection.name, projector.generation),
    };
    if (snapshot.failure) status.error = errorStatus(snapshot.failure);
    return status;
  }

  /**
   * The events of a projection that its projectors parked (all generations unless one is
   * given), or with `status: 'skipped'` the record of those an operator skipped; in log order,
   * a page at a time (`afterId`: the last id of the previous page).
   */
  async parked(name: string, options: { generation?: number; status?: 'parked' | 'skipped'; limit?: number; afterId?: number } = {}): Promise<ParkedEvent[]> {
    const entry = this.entry(name);
    return this.decoded(listParked(this.store.sql, entry.projection.name, options));
  }

  /** Parked events as a read of the log gives them (personal fields decrypted). */
  private async decoded(listing: Promise<ParkedEvent[]>): Promise<ParkedEvent[]> {
    const parked = await listing;
    await this.store.decodeStored(parked.map((entry) => entry.event));
    return parked;
  }

  /**
   * Applies a parked event again, on its own (see `retryParked`): on success it leaves the
   * parked list and the served read model's watchers hear of it; otherwise it stays parked.
   *
   * @example
   * const outcome = await projections.retryParked('leaderboard', 4);   // { applied: false, error, parked: {…, attempts: 4} }
   */
  async retryParked(name: string, id: number): Promise<RetryOutcome> {
    const entry = this.entry(name);
    const outcome = await retryParked(this.store, entry.projection, id);
    if (outcome.applied && outcome.parked.generation === entry.generation) this.options.onApplied?.(name, [outcome.event]);
    return outcome;
  }

  /** Discards a parked event for good; it stays listed with `status: 'skipped'`. */
  async skipParked(name: string, id: number): Promise<ParkedEvent> {
    const [skipped] = await this.decoded(skipParked(this.store.sql, this.entry(name).projection.name, id).then((entry) => [entry]));
    return skipped!;
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new ProjectionNotFoundError(name);
    return entry;
  }

  private startLive(entry: Entry): void {
    entry.live = this.projector(entry, entry.generation);
    entry.live.start();
  }

  private projector(entry: Entry, generation: number): Projector {
    return new Projector(this.store, entry.projection, generation, this.settings, {
      onError: (name, gen, error) => this.options.onError?.(name, gen, error),
      onRetired: (projector) => void (entry.live === projector && this.follow(entry)),
      onParked: (...parked) => this.options.onParked?.(...parked),
      onApplied: (name, batch) => {
        if (generation === entry.generation) this.options.onApplied?.(name, batch);
      },
    });
  }

  /** Serves (and keeps updating) the generation the database says is current, if it changed. */
  private follow(entry: Entry): Promise<void> {
    entry.following = entry.following.then(() => this.followNow(entry)).catch((error: unknown) => this.reportError(entry, error));
    return entry.following;
  }

  private async followNow(entry: Entry): Promise<void> {
    if (!this.started || entry.build) return;
    const served = await loadGenerations(this.store.sql, entry.projection.name);
    if (!served || !this.started || entry.build) return;
    const current = served.generation === entry.generation && served.version === entry.servedVersion;
    if (current && !entry.live?.snapshot().retired) return;
    const old = entry.live;
    entry.live = undefined;
    await old?.stop();
    entry.generation = served.generation;
    entry.servedVersion = served.version;
    if (this.started && !entry.build && served.version === entry.projection.version) this.startLive(entry);
  }

  private async watchGenerations(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await delay(this.options.generationPollMs ?? 5_000, undefined, { signal }).catch(() => undefined);
      for (const entry of this.entries.values()) if (!signal.aborted) await this.follow(entry);
    }
  }

  private reportError(entry: Entry, error: unknown): void {
    if (this.abort.signal.aborted) return;
    this.options.onError?.(entry.projection.name, entry.generation, error instanceof Error ? error : new Error(String(error)));
  }
}
