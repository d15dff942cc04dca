import { foldEvents, initialFolded, type AnyActorType, type Clock, type DomainEvent, type Folded } from '../../../actors/runtime/index.js';
import type { JsonPatch } from '../../../protocol/topic-schemas.js';
import type { EventStore } from '../../../store/types.js';
import { viewPatch } from './view-patch.js';

/**
 * Members of a type's view that depend on the time it is made, not only on the events: always
 * restated whole in a patch (view-patch.ts). The player's `today` and `streak` move at their
 * local midnight.
 */
const restatedMembers: Record<string, readonly string[]> = { user: ['today', 'streak'] };

/** How many recent (state, view) pairs a watched stream keeps, for watchers a few versions behind. */
const recentKept = 8;

interface Viewed {
  folded: Folded<unknown>;
  view: unknown;
}

/**
 * The view of one watched stream at each version, so that every push can carry the patch from
 * the view before it (what a `user/`/`challenge/` client applies). This node folds the stream's
 * events through the actor type's own evolve and view (the same code the owner runs), starting
 * from the store: it needs nothing from the owner but the events, so it works the same for live
 * events from the bus, a resume and a gap read from the store. A live event right after the
 * newest state is patched at once; any other needs the store first (`next` answers undefined).
 *
 * @example
 * const views = new StreamViews(userActorType, 'user/u42', store, clock);
 * const patches = await views.patches(await store.readStream('user/u42', { fromVersion: 8, toVersion: 9 }));
 */
export class StreamViews {
  /** The newest state and view this node made, then a few before it, by version. */
  private readonly recent = new Map<number, Viewed>();
  private head: Viewed | undefined;
  private readonly restated: readonly string[];
  private readonly id: string;

  constructor(
    private readonly type: AnyActorType,
    private readonly stream: string,
    private readonly store: Pick<EventStore, 'readStream' | 'loadLatest'>,
    private readonly clock: Clock,
  ) {
    this.restated = restatedMembers[type.name] ?? [];
    this.id = stream.slice(stream.indexOf('/') + 1);
  }

  /** The patch of the event at `version` if this node holds the view just before it; else undefined. */
  next(version: number, event: DomainEvent): JsonPatch | undefined {
    const base = this.at(version - 1);
    return base ? this.advance(base, event).patch : undefined;
  }

  /** The patch of each event, in order (consecutive versions, as the store reads them). */
  async patches(events: readonly (DomainEvent & { version: number })[]): Promise<JsonPatch[]> {
    if (events.length === 0) return [];
    let base = this.at(events[0]!.version - 1) ?? (await this.load(events[0]!.version - 1));
    const patches: JsonPatch[] = [];
    for (const event of events) {
      const { viewed, patch } = this.advance(base, event);
      patches.push(patch);
      base = viewed;
    }
    return patches;
  }

  private at(version: number): Viewed | undefined {
    return this.head?.folded.version === version ? this.head : this.recent.get(version);
  }

  private advance(base: Viewed, event: DomainEvent): { viewed: Viewed; patch: JsonPatch } {
    const folded = foldEvents(this.type, [event], base.folded);
    const view = this.viewOf(folded);
    const viewed = { folded, view };
    this.keep(viewed);
    return { viewed, patch: viewPatch(base.view, view, this.restated) };
  }

  private keep(viewed: Viewed): void {
    const version = viewed.folded.version;
    if (this.head && version <= this.head.folded.version) return;
    this.head = viewed;
    this.recent.set(version, viewed);
    for (const kept of this.recent.keys()) if (kept <= version - recentKept) this.recent.delete(kept);
  }

  /** The state at `version` from the store: the latest snapshot when it is not past it, else every event. */
  private async load(version: number): Promise<Viewed> {
    let folded: Folded<unknown> = initialFolded(this.type);
    if (version > 0) {
      const { snapshot, events } = await this.store.loadLatest<{ state: unknown; lifecycle: string | undefined }>(this.stream, this.type.stateVersion ?? 1);
      if (snapshot && snapshot.version <= version) {
        const base = { state: snapshot.state.state, lifecycle: snapshot.state.lifecycle, version: snapshot.version };
        folded = foldEvents(this.type, events.filter((event) => event.version <= version), base);
      } else {
        folded = foldEvents(this.type, await this.store.readStream(this.stream, { toVersion: version }), folded);
      }
    }
    return { folded, view: this.viewOf(folded) };
  }

  private viewOf(folded: Folded<unknown>): unknown {
    return this.type.view ? this.type.view(this.id, folded, this.clock.now()) : folded.state;
  }
}
