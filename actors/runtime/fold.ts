import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { AnyActorType, DomainEvent, Folded, Lifecycle } from './types.js';

export type { Folded };

const initialValues = new WeakMap<AnyStateMachine, string>();

function initialLifecycle(machine: AnyStateMachine): string {
  let value = initialValues.get(machine);
  if (value === undefined) {
    value = stateValue(initialTransition(machine)[0]);
    initialValues.set(machine, value);
  }
  return value;
}

function stateValue(snapshot: AnyMachineSnapshot): string {
  if (typeof snapshot.value !== 'string') {
    throw new Error(`lifecycle machines must be flat; got state ${JSON.stringify(snapshot.value)}`);
  }
  return snapshot.value;
}

const resolvedStates = new WeakMap<AnyStateMachine, Map<string, AnyMachineSnapshot>>();

/**
 * The machine's snapshot in state `value` with `state` as its context. A flat machine's snapshots
 * in one state differ only by their context, so the state is resolved (its nodes walked, its
 * status and tags worked out: 3 µs here, on every guard a decide asks about) once per value, and
 * each call copies that snapshot with its own context.
 */
function resolve(machine: AnyStateMachine, value: string, state: unknown): AnyMachineSnapshot {
  let byValue = resolvedStates.get(machine);
  if (!byValue) resolvedStates.set(machine, (byValue = new Map()));
  let resolved = byValue.get(value);
  if (!resolved) {
    resolved = machine.resolveState({ value, context: {} });
    byValue.set(value, resolved);
  }
  return { ...resolved, context: state as Record<string, unknown> };
}

/** The state of a stream that has no events. */
export function initialFolded<State>(type: AnyActorType): Folded<State> {
  return {
    state: type.initialState as State,
    lifecycle: type.machine ? initialLifecycle(type.machine) : undefined,
    version: 0,
  };
}

const lifecycleMovers = new WeakMap<AnyStateMachine, Map<string, boolean>>();

/**
 * Whether an event can move a flat machine out of `value` (a transition with another target, or
 * with actions). Most events cannot, and skipping the machine for them saves most of a fold's
 * cost (an xstate transition is ~17 µs here); the answer depends only on the machine's shape, so
 * it is worked out once per (state, event type).
 */
function mayMove(machine: AnyStateMachine, value: string, eventType: string): boolean {
  let memo = lifecycleMovers.get(machine);
  if (!memo) lifecycleMovers.set(machine, (memo = new Map()));
  const key = `${value}\u0000${eventType}`;
  let moves = memo.get(key);
  if (moves === undefined) {
    const node = machine.root.states[value];
    const candidates = [...(node?.transitions.get(eventType) ?? []), ...(machine.root.transitions.get(eventType) ?? [])];
    const wildcard = node?.transitions.has('*') || machine.root.transitions.has('*') || (node?.always?.length ?? 0) > 0;
    moves = !node || wildcard || candidates.some((t) => t.actions.length > 0 || (t.target ?? []).some((target) => target !== node));
    memo.set(key, moves);
  }
  return moves;
}

/** Applies one event: evolve for the domain state, the machine for the lifecycle. Pure. */
export function foldEvent<State>(type: AnyActorType, folded: Folded<State>, event: DomainEvent): Folded<State> {
  let lifecycle = folded.lifecycle;
  if (type.machine && lifecycle !== undefined && mayMove(type.machine, lifecycle, event.type)) {
    // The machine's guards see the state before the event, as when decide asked `can`.
    lifecycle = stateValue(transition(type.machine, resolve(type.machine, lifecycle, folded.state), event)[0]);
  }
  return { state: type.evolve(folded.state, event) as State, lifecycle, version: folded.version + 1 };
}

/** Replays events from a starting point (the initial state, or a snapshot). Pure. */
export function foldEvents<State>(type: AnyActorType, events: readonly DomainEvent[], from?: Folded<State>): Folded<State> {
  let folded = from ?? initialFolded<State>(type);
  for (const event of events) folded = foldEvent(type, folded, event);
  return folded;
}

/** The lifecycle view decide receives. */
export function lifecycleOf<State>(type: AnyActorType, folded: Folded<State>): Lifecycle {
  const machine = type.machine;
  const value = folded.lifecycle;
  if (!machine || value === undefined) return { value: 'active', can: () => true };
  let snapshot: AnyMachineSnapshot | undefined;
  return {
    value,
    can(event) {
      snapshot ??= resolve(machine, value, folded.state);
      // Not snapshot.can(): xstate answers false for a targetless transition without actions
      // even when its guard passes, and such transitions are how a lifecycle accepts an event.
      return machine.getTransitionData(snapshot, event).length > 0;
    },
  };
}
