/**
 * A message its receiver could not take (it crashed on every attempt), kept for an operator.
 * Generic: the store keeps the message as JSON and knows nothing of what it asks.
 */
export interface DeadLetterRecord<Message = unknown> {
  id: number;
  /** The stream (actor address) the message was for. */
  actor: string;
  /** The message's de-duplication id: one entry per id. */
  commandId: string;
  message: Message;
  error: string;
  attempts: number;
  node: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeadLetterToKeep {
  actor: string;
  commandId: string;
  /** What makes two letters one: the same key kept again updates its entry (the sender's de-duplication key). */
  key: string;
  message: unknown;
  /** Kept as text: a NUL becomes `\0`, an unpaired surrogate U+FFFD; cut at 8,000 characters. */
  error: string;
  attempts: number;
  node: string;
}

/**
 * Where dead letters are kept (PostgreSQL, also on PGlite: `PostgresDeadLetters`).
 *
 * @example
 * await letters.keep({ actor: 'user/u42', commandId: 'c8', key: 'user/u42 ada c8', message: envelope, error: 'Error: boom', attempts: 3, node: 'n1' });
 * const [first] = await letters.list({ actor: 'user/u42' });
 */
export interface DeadLetterStore {
  /** Keeps the message with its error; the same key kept again updates its entry (attempts add up). */
  keep(letter: DeadLetterToKeep): Promise<void>;
  list(options?: { actor?: string; limit?: number; afterId?: number }): Promise<DeadLetterRecord[]>;
  get(id: number): Promise<DeadLetterRecord | undefined>;
  /** Removes an entry; true when it existed. */
  remove(id: number): Promise<boolean>;
  count(): Promise<number>;
}
