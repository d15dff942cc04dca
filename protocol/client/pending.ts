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
  timer: ReturnType<typeof setTimeout>;
  settle: Array<(result: CommandResult) => void>;
}

/**
 * Commands sent and not yet answered, in the order they were sent. They outlive connections: on
 * every new connection they are sent again with the same ids, which the server de-duplicates.
 */
export class PendingCommands {
  private readonly pending = new Map<string, Pending>();

  /** Waits for the answer to `frame`, or for `onTimeout`'s result after `timeoutMs`. */
  wait(frame: CmdFrame, timeoutMs: number, onTimeout: () => CommandResult): Promise<CommandResult> {
    return new Promise((resolve) => {
      const known = this.pending.get(frame.id);
      if (known) {
        // The same id sent again while pending: one command, one answer, for both callers.
        known.settle.push(resolve);
        return;
      }
      const timer = setTimeout(() => this.settle(frame.id, onTimeout()), timeoutMs);
      this.pending.set(frame.id, { frame, timer, settle: [resolve] });
    });
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  settle(id: string, result: CommandResult): void {
    const entry = this.pending.get(id);
    if (!entry) return; // timed out already, or answered twice
    this.pending.delete(id);
    clearTimeout(entry.timer);
    for (const resolve of entry.settle) resolve(result);
  }

  /** The frames to send again on a new connection. */
  frames(): CmdFrame[] {
    return [...this.pending.values()].map((entry) => entry.frame);
  }

  settleAll(result: (id: string) => CommandResult): void {
    for (const id of [...this.pending.keys()]) this.settle(id, result(id));
  }
}
