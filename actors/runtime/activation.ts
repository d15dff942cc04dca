import type { EventStore } from '../../store/index.js';
import { foldEvents, initialFolded, type Folded } from './fold.js';
import type { AnyActorType } from './types.js';

/** What a snapshot of an actor holds. */
export interface ActorSnapshotState {
  state: unknown;
  lifecycle: string | undefined;
}

export interface Activated {
  folded: Folded<unknown>;
  /** The version the latest snapshot covers (0 without one). */
  snapshotVersion: number;
  fromSnapshot: boolean;
  eventsReplayed: number;
}

/**
 * Loads an actor: its latest snapshot (when it matches the type's state version) plus the events
 * after it, read in one round trip, folded through evolve and the lifecycle machine.
 */
export async function activate(store: EventStore, type: AnyActorType, address: string): Promise<Activated> {
  const { snapshot, events } = await store.loadLatest<ActorSnapshotState>(address, type.stateVersion ?? 1);
  const base: Folded<unknown> = snapshot
    ? { state: snapshot.state.state, lifecycle: snapshot.state.lifecycle, version: snapshot.version }
    : initialFolded(type);
  return {
    folded: foldEvents(type, events, base),
    snapshotVersion: snapshot?.version ?? 0,
    fromSnapshot: snapshot !== undefined,
    eventsReplayed: events.length,
  };
}

/** Writes an actor's snapshot; the state is serialised before this returns its promise. */
export function saveSnapshot(store: EventStore, type: AnyActorType, address: string, folded: Folded<unknown>): Promise<void> {
  const state: ActorSnapshotState = { state: folded.state, lifecycle: folded.lifecycle };
  return store.saveSnapshot({ streamId: address, version: folded.version, schemaVersion: type.stateVersion ?? 1, state });
}
