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
 * after it, folded through evolve and the lifecycle machine.
 */
export async function activate(store: EventStore, type: AnyActorType, address: string): Promise<Activated> {
  const snapshot = await store.loadSnapshot<ActorSnapshotState>(address);
  const usable = snapshot !== undefined && snapshot.schemaVersion === (type.stateVersion ?? 1);
  const base: Folded<unknown> = usable
    ? { state: snapshot.state.state, lifecycle: snapshot.state.lifecycle, version: snapshot.version }
    : initialFolded(type);
  const events = await store.readStream(address, { fromVersion: base.version + 1 });
  return {
    folded: foldEvents(type, events, base),
    snapshotVersion: usable ? snapshot.version : 0,
    fromSnapshot: usable,
    eventsReplayed: events.length,
  };
}

/** Writes an actor's snapshot; the state is serialised before this returns its promise. */
export function saveSnapshot(store: EventStore, type: AnyActorType, address: string, folded: Folded<unknown>): Promise<void> {
  const state: ActorSnapshotState = { state: folded.state, lifecycle: folded.lifecycle };
  return store.saveSnapshot({ streamId: address, version: folded.version, schemaVersion: type.stateVersion ?? 1, state });
}
