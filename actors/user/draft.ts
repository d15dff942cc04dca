import { accept, type Accepted, type Effect } from '../runtime/types.js';
import type { UserCommand } from './commands.js';
import type { UserEvent } from './events.js';
import { evolve } from './evolve.js';
import { progressEffects } from './progress.js';
import type { UserState } from './state.js';

/**
 * A decision being built: each emitted event is applied at once, so the rules that follow see the
 * state it leaves (a meal's points before the level check, a level before the legend check).
 */
export class Draft {
  readonly events: UserEvent[] = [];
  readonly effects: Effect[] = [];

  constructor(
    public state: UserState,
    readonly command: UserCommand,
  ) {}

  get now(): number {
    return this.command.meta.now;
  }

  /** The player's own id; decide builds drafts only for registered players. */
  get userId(): string {
    return this.state.userId!;
  }

  emit(event: UserEvent): void {
    this.events.push(event);
    this.state = evolve(this.state, event);
  }

  send(to: string, type: string, payload: unknown): void {
    this.effects.push({ kind: 'send', to, command: { type, payload } });
  }

  /** A unique source id for points this command earns, e.g. `cmd-7:meal`. */
  sourceId(suffix: string): string {
    return `${this.command.id}:${suffix}`;
  }

  /** The decision, with the progress this command's events make in the challenges the player tracks. */
  finish(): Accepted<UserEvent> {
    return accept(this.events, [...this.effects, ...progressEffects(this.state, this.events, this.command)]);
  }
}
