import { useState } from 'preact/hooks';
import type { ClientCommandType, CommandInput, CommandResult } from '../../protocol/client/index.js';
import { useConnection } from './use-topic.js';

/** What a view shows after a command: that it was applied, or why not (with the code, and the rule's reason). */
export interface Outcome {
  ok: boolean;
  text: string;
}

/** The words for a refused command: `REASON` (or the code) first, then the server's message. */
export function refusal(result: Extract<CommandResult, { status: 'error' }>): string {
  const code = result.reason ?? result.code;
  return `Refused: ${code} — ${result.message}`;
}

/**
 * Sends commands for a view and keeps the outcome of the last one to show, and whether one is on
 * its way. The result is only the outcome: the views show the game from the topics' pushes.
 *
 * @example
 * const { run, outcome, busy } = useCommand();
 * await run({ to: `user/${id}`, type: 'water.log', payload: { ml: 250, drankAt } }, 'Water logged');
 */
export function useCommand() {
  const connection = useConnection();
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  async function run<T extends ClientCommandType>(command: CommandInput<T>, done: string): Promise<boolean> {
    setBusy(true);
    setOutcome(undefined);
    const result = await connection.send(command);
    setBusy(false);
    setOutcome(result.status === 'ok' ? { ok: true, text: done } : { ok: false, text: refusal(result) });
    return result.status === 'ok';
  }
  return { run, outcome, busy, setOutcome };
}
