import { expect } from 'vitest';
import { foldEvents, lifecycleOf } from './fold.js';
import type { ActorType, Command, CommandMeta, Decision, DomainEvent, Effect } from './types.js';

let nextId = 0;

/** Builds a command for specs; `meta.now` defaults to 2026-01-01T12:00:00Z. */
export function command<Cmd extends Command>(
  type: Cmd['type'],
  payload: Cmd['payload'],
  meta: Partial<CommandMeta> & { id?: string } = {},
): Cmd {
  const { id, ...rest } = meta;
  return {
    id: id ?? `cmd-${++nextId}`,
    type,
    payload,
    meta: { now: Date.parse('2026-01-01T12:00:00Z'), origin: 'client', ...rest },
  } as Cmd;
}

/**
 * Given events, when a command, then events (or a rejection): the readable spec of an actor type.
 *
 * @example
 * spec(counter).given([{ type: 'counter.added', data: { n: 2 } }])
 *   .when(command('counter.add', { n: 3 }))
 *   .then([{ type: 'counter.added', data: { n: 3 } }]);
 */
export function spec<State, Cmd extends Command, Event extends DomainEvent>(type: ActorType<State, Cmd, Event>) {
  return {
    given(events: Event[] = []) {
      const folded = foldEvents<State>(type, events);
      return {
        /** The state after the given events, for assertions on evolve. */
        state: folded.state,
        lifecycle: folded.lifecycle,
        when(cmd: Cmd) {
          const decision: Decision<Event> = type.decide(folded.state, cmd, lifecycleOf(type, folded));
          return {
            decision,
            then(expected: Event[], effects?: Effect[]) {
              expect(decision.rejected, `expected events, got ${JSON.stringify(decision)}`).not.toBe(true);
              if (decision.rejected) return;
              expect(decision.events).toEqual(expected);
              if (effects !== undefined) expect(decision.effects ?? []).toEqual(effects);
            },
            thenRejected(code: string) {
              expect(decision, `expected rejection ${code}`).toMatchObject({ rejected: true, code });
            },
            /** The state after the given events and the decided ones. */
            stateAfter(): State {
              if (decision.rejected) throw new Error(`the command was rejected: ${decision.code}`);
              return foldEvents<State>(type, decision.events, folded).state;
            },
          };
        },
      };
    },
  };
}
