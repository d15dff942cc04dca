import type { AnyStateMachine } from 'xstate';

/** `type/id`, e.g. `user/u42` or `challenge/c7`; also the actor's event stream id. */
export type ActorAddress = string;

/** Who sent a command: a game client, another actor, a durable timer, or an operator. */
export type CommandOrigin = 'client' | 'actor' | 'timer' | 'operator';

export interface CommandMeta {
  /** The runtime clock's time when the actor took the command (epoch ms). */
  now: number;
  origin: CommandOrigin;
  /** The authenticated player who sent it, for client commands. */
  userId?: string;
  correlationId?: string;
  /** The event that caused this command (actor-to-actor and timer commands). */
  causationId?: string;
}

/** A command as decide sees it: id and time come with it, so decide stays pure. */
export interface Command<Type extends string = string, Payload = unknown> {
  /** Unique per command; a command id handled once is never applied again. */
  id: string;
  type: Type;
  payload: Payload;
  meta: CommandMeta;
}

/** A command as it is sent: the runtime stamps `meta.now` when the actor takes it. */
export interface CommandEnvelope<Type extends string = string, Payload = unknown> {
  id: string;
  to: ActorAddress;
  type: Type;
  payload: Payload;
  meta: Omit<CommandMeta, 'now'>;
}

/** An actor's whole in-memory state: the domain state, the lifecycle value and the stream version. */
export interface Folded<State> {
  state: State;
  /** The lifecycle machine's state value; undefined for a type without a machine. */
  lifecycle: string | undefined;
  version: number;
}

/** A domain event as decide returns it and evolve consumes it. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** A command for another actor (or this one), without id: the runtime derives it from the causing event. */
export interface OutgoingCommand {
  type: string;
  payload: unknown;
}

/**
 * What a decision asks the runtime to do once its events are committed. Effects are stored with
 * the events, so a crash between commit and delivery loses none.
 * - `send`: deliver a command to an actor, at least once; the receiver de-duplicates by id.
 * - `schedule`: a durable timer: at `at` (epoch ms) the command is sent to this actor. A second
 *   schedule with the same key replaces the first.
 * - `cancel`: drop the timer with this key.
 * - `forget`: the subject's personal data is to be forgotten (the outbox's `forget` hook: its data
 *   key destroyed, the copies of its data dropped), at least once.
 */
export type Effect =
  | { kind: 'send'; to: ActorAddress; command: OutgoingCommand }
  | { kind: 'schedule'; key: string; at: number; command: OutgoingCommand }
  | { kind: 'cancel'; key: string }
  | { kind: 'forget'; subject: string };

/** A domain rejection: a value, not an exception. `code` is stable (e.g. `USER_ALREADY_REGISTERED`). */
export interface Rejection {
  rejected: true;
  code: string;
  message: string;
}

export interface Accepted<Event extends DomainEvent = DomainEvent> {
  rejected?: false;
  /** May be empty: the command was valid and changed nothing (a timer that fired twice). */
  events: Event[];
  /**
   * Stored with the last event, so effects need at least one event to carry them: effects with
   * no events crash the actor. Timer keys are per actor. Sends from one event to one receiver
   * arrive in order; a receiver's rejection of a sent command is final and the sender is not told.
   */
  effects?: Effect[];
}

export type Decision<Event extends DomainEvent = DomainEvent> = Accepted<Event> | Rejection;

/** The lifecycle machine's view, for decide's guards. */
export interface Lifecycle<Event extends DomainEvent = DomainEvent> {
  /** The machine's current state value, e.g. `'running'`. */
  value: string;
  /**
   * Whether the machine, in its current state and with its guards, has a transition for this
   * event (targetless ones count). It looks at the current state only: for a decision emitting
   * several lifecycle events, reason on `value`.
   */
  can(event: Event): boolean;
}

/**
 * An actor type, declared once. decide and evolve are pure and synchronous: no I/O, no clock, no
 * randomness (time and ids arrive with the command). The xstate machine holds the lifecycle: it
 * transitions on the actor's events (its context is the actor's state, for guards), so replaying
 * the events through it rebuilds it. Keep it flat: no invoked or spawned children.
 *
 * @example
 * export const counter: ActorType<CounterState, CounterCommand, CounterEvent> = {
 *   name: 'counter', initialState: { count: 0 }, machine, decide, evolve,
 *   clientCommands: ['counter.add'], systemCommands: ['counter.reset'],
 * };
 */
export interface ActorType<State, Cmd extends Command = Command, Event extends DomainEvent = DomainEvent> {
  /** The address prefix: `user` for `user/u42`. */
  name: string;
  initialState: State;
  machine?: AnyStateMachine;
  decide(state: State, command: Cmd, lifecycle: Lifecycle<Event>): Decision<Event>;
  evolve(state: State, event: Event): State;
  /** Commands a game client may send (further authorised by decide). */
  clientCommands: readonly Cmd['type'][];
  /** Commands only actors, timers and operators may send. */
  systemCommands: readonly Cmd['type'][];
  /** Write a snapshot every this many events (default from the runtime's settings). */
  snapshotEvery?: number;
  /** Bump when State's shape changes: older snapshots are then ignored and the stream replayed. */
  stateVersion?: number;
  /**
   * What watchers of `name/<id>` see of the actor at `now`: a public view of its state, without
   * bookkeeping (de-duplication sets). Without it they see the state as it is.
   */
  view?(id: string, folded: Folded<State>, now: number): unknown;
}

export type AnyActorType = ActorType<any, any, any>;

export const reject = (code: string, message: string): Rejection => ({ rejected: true, code, message });
export const accept = <Event extends DomainEvent>(events: Event[], effects?: Effect[]): Accepted<Event> =>
  effects && effects.length > 0 ? { events, effects } : { events };
export const isRejection = (decision: Decision): decision is Rejection => decision.rejected === true;
