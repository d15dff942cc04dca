import type { Sql } from 'postgres';
import { sleep, type Clock } from './clock.js';
import type { Outcome } from './outcome.js';
import type { CommandEnvelope, OutgoingCommand } from './types.js';

interface DueRow {
  actor: string;
  key: string;
  due_at: string;
  command_id: string;
  command: OutgoingCommand;
}

export interface TimerServiceDeps {
  sql: Sql;
  clock: Clock;
  deliver(envelope: CommandEnvelope): Promise<Outcome>;
  /** Whether an outcome means the timer's command was taken (answered, or dead-lettered). */
  delivered(outcome: Outcome): boolean;
  onError(what: string, error: unknown): void;
  /** Longest sleep between looks at the due index, so timers set by other nodes are seen. */
  pollMs?: number;
}

/**
 * Durable timers. The `timers` table is the due index (written by the effects processor in the
 * same transaction as its checkpoint); this service fires every due row as a command to its
 * actor — also rows that fell due while the process was down — and deletes a row only once its
 * command was taken, so a timer fires at least once. A reschedule gives the row a new command id,
 * so firing an old one never deletes the new.
 */
export class TimerService {
  private stopping = new AbortController();
  private napping: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: TimerServiceDeps) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Looks at the due index now (a timer was just written). */
  wake(): void {
    this.napping?.abort();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.napping?.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { clock } = this.deps;
    const pollMs = this.deps.pollMs ?? 1_000;
    while (!this.stopping.signal.aborted) {
      let napMs = pollMs;
      try {
        const fired = await this.fireDue();
        if (fired === 'more') continue;
        napMs = Math.min(pollMs, fired === undefined ? pollMs : Math.max(0, fired - clock.now()));
      } catch (error) {
        this.deps.onError('firing durable timers', error);
      }
      this.napping = new AbortController();
      // A combined signal: stop() may have come while firing, and sleep checks it up front.
      await sleep(clock, napMs, AbortSignal.any([this.stopping.signal, this.napping.signal]));
    }
  }

  /** Fires what is due; returns 'more' if a full page was due, else the next due time. */
  private async fireDue(): Promise<'more' | number | undefined> {
    const { sql, clock } = this.deps;
    const page = 200;
    const due = await sql<DueRow[]>`
      select actor, key, due_at, command_id, command from timers
      where due_at <= ${clock.now()} order by due_at limit ${page}`;
    await Promise.all(
      groupBy(due, (row) => row.actor).map(async (rows) => {
        for (const row of rows) await this.fire(row);
      }),
    );
    if (due.length === page) return 'more';
    const [next] = await sql<{ due_at: string | null }[]>`select min(due_at) as due_at from timers`;
    return next?.due_at == null ? undefined : Number(next.due_at);
  }

  private async fire(row: DueRow): Promise<void> {
    const outcome = await this.deps.deliver({
      id: row.command_id,
      to: row.actor,
      type: row.command.type,
      payload: row.command.payload,
      meta: { origin: 'timer', causationId: row.command_id },
    });
    if (!this.deps.delivered(outcome)) return;
    await this.deps.sql`delete from timers where actor = ${row.actor} and key = ${row.key} and command_id = ${row.command_id}`;
  }
}

export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}
