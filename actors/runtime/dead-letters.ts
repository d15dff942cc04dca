import { ErrorCode } from '../../protocol/errors.js';
import type { DeadLetterRecord, DeadLetterStore } from '../../store/index.js';
import type { Dispatcher } from './dispatcher.js';
import { commandKey } from './command-key.js';
import { eventIdFor } from './ids.js';
import { failed, type Outcome } from './outcome.js';
import type { CommandEnvelope } from './types.js';

/** A command that crashed its actor on every attempt, as an operator sees it. */
export interface DeadLetter {
  id: number;
  actor: string;
  commandId: string;
  command: CommandEnvelope;
  error: string;
  attempts: number;
  node: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const toDeadLetter = ({ message, ...rest }: DeadLetterRecord): DeadLetter => ({ ...rest, command: message as CommandEnvelope });

/** Keeps a command that crashed its actor on every attempt (the store's dead letters). */
export function keepDeadLetter(letters: DeadLetterStore, command: CommandEnvelope, error: unknown, attempts: number, node: string): Promise<void> {
  const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  // One letter per command as de-duplication knows it: actor, sender and id (a digest, since the
  // key's separators are not text a column keeps).
  const key = eventIdFor(command.to, commandKey(command), 0);
  return letters.keep({ actor: command.to, commandId: command.id, key, message: command, error: text, attempts, node });
}

/**
 * The operator's view of dead letters: list, retry (send again, same id, through the
 * dispatcher), discard.
 *
 * @example
 * const admin = new DeadLetterAdmin(opened.deadLetters, dispatcher);
 * const [letter] = await admin.list({ actor: 'user/u42' });
 * await admin.retry(letter.id);
 */
export class DeadLetterAdmin {
  constructor(
    private readonly letters: DeadLetterStore,
    private readonly dispatcher: Pick<Dispatcher, 'send'>,
  ) {}

  async list(options?: { actor?: string; limit?: number; afterId?: number }): Promise<DeadLetter[]> {
    return (await this.letters.list(options)).map(toDeadLetter);
  }

  async get(id: number): Promise<DeadLetter | undefined> {
    const record = await this.letters.get(id);
    return record && toDeadLetter(record);
  }

  /** Sends the command again; the entry is removed unless the command crashed its actor again. */
  async retry(id: number): Promise<Outcome> {
    const letter = await this.get(id);
    if (!letter) return failed(ErrorCode.DEAD_LETTER_NOT_FOUND, `no dead letter ${id}`);
    const outcome = await this.dispatcher.send(letter.command);
    // Crashed again: the letter stays (updated by the new crash, or as it was when that update failed).
    const crashed = outcome.status === 'failed' && (outcome.code === ErrorCode.ACTOR_CRASHED || outcome.code === ErrorCode.ACTOR_CRASHED_NOT_KEPT);
    if (!crashed) await this.letters.remove(id);
    return outcome;
  }

  discard(id: number): Promise<boolean> {
    return this.letters.remove(id);
  }
}
