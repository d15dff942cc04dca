import type { ErrorCode } from '../errors.js';
import type { CmdFrame } from '../frames.js';

/** What became of a command sent with `client.send`. */
export type CommandResult =
  | {
      status: 'ok';
      id: string;
      /** The actor's stream version after the command. */
      version: number;
      /** True when the id had been handled before (e.g. the first attempt's ack was lost): nothing new was applied. */
      duplicate: boolean;
    }
  | {
      status: 'error';
      id: string;
      code: ErrorCode;
      message: string;
      /** For CMD_REJECTED, the game rule that refused the command. */
      reason?: string;
    };

interface Pending {
  frame: CmdFrame;
  /** When it was first sent: the retry budget counts from here. */
  since: number;
  /** How often it was sent again after a retryable answer. */
  retries: number;
  timeoutMs: number;
  onTimeout: () => CommandResult;
  /** The answer's timeout, while the command waits for an answer. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The next attempt, while the command waits to be sent again. */
  retry: ReturnType<typeof setTimeout> | undefined;
  settle: Array<(result: CommandResult) => void>;
}

/**
 * Commands sent and not yet answered, in the order they were sent. They outlive connections: on
 * every new connection they are sent again with the same ids, which the server de-duplicates.
 * A command answered with a retryable code waits here for its next attempt; its timeout runs only
 * while it waits for an answer.
 */
export class PendingCommands {
  private readonly pending = new Map<string, Pending>();

  /** Waits for the answer to `frame`, or for `onTimeout`'s result after `timeoutMs` without one. */
  wait(frame: CmdFrame, timeoutMs: number, onTimeout: () => CommandResult): Promise<CommandResult> {
    return new Promise((resolve) => {
      const known = this.pending.get(frame.id);
      if (known) {
        // The same id sent again while pending: one command, one answer, for both callers.
        known.settle.push(resolve);
        return;
      }
      const entry: Pending = { frame, since: Date.now(), retries: 0, timeoutMs, onTimeout, timer: undefined, retry: undefined, settle: [resolve] };
      this.pending.set(frame.id, entry);
      this.awaitAnswer(entry);
    });
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** How often a pending command was retried, and when it was first sent (epoch ms). */
  attempts(id: string): { retries: number; since: number } | undefined {
    const entry = this.pending.get(id);
    return entry && { retries: entry.retries, since: entry.since };
  }

  /** Hands the command to `resend` after `delayMs`, then waits for its answer again. */
  retryLater(id: string, delayMs: number, resend: (frame: CmdFrame) => void): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    clearTimeout(entry.retry);
    entry.timer = undefined;
    entry.retries++;
    entry.retry = setTimeout(() => {
      entry.retry = undefined;
      this.awaitAnswer(entry);
      resend(entry.frame);
    }, delayMs);
  }

  settle(id: string, result: CommandResult): void {
    const entry = this.pending.get(id);
    if (!entry) return; // timed out already, or answered twice
    this.pending.delete(id);
    clearTimeout(entry.timer);
    clearTimeout(entry.retry);
    for (const resolve of entry.settle) resolve(result);
  }

  /**
   * The frames to send again on a new connection: every pending command. One waiting for its
   * retry is sent with them, and its retry is dropped, so that it goes out once.
   */
  resend(): CmdFrame[] {
    const frames: CmdFrame[] = [];
    for (const entry of this.pending.values()) {
      if (entry.retry !== undefined) {
        clearTimeout(entry.retry);
        entry.retry = undefined;
        this.awaitAnswer(entry);
      }
      frames.push(entry.frame);
    }
    return frames;
  }

  settleAll(result: (id: string) => CommandResult): void {
    for (const id of [...this.pending.keys()]) this.settle(id, result(id));
  }

  private awaitAnswer(entry: Pending): void {
    entry.timer = setTimeout(() => this.settle(entry.frame.id, entry.onTimeout()), entry.timeoutMs);
  }
}
