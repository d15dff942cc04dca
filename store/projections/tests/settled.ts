import type { Sql } from 'postgres';
import { eventually } from '../../../test/support/services.js';
import { LOG_START, type EventStore, type RecordedEvent } from '../../types.js';
import type { ProjectionStatus, Projections } from '../index.js';

/** The whole log, in log order: every event committed before the call (`logVisible`). */
export async function readLog(store: EventStore): Promise<RecordedEvent[]> {
  await logVisible(store.sql);
  const events: RecordedEvent[] = [];
  let cursor = LOG_START;
  for (;;) {
    const page = await store.readAll(cursor, { limit: 1_000 });
    events.push(...page.events);
    if (page.events.length === 0) return events;
    cursor = page.next;
  }
}

/**
 * Waits until every event committed so far is below the read horizon. Lags are measured below
 * the horizon of transactions still running anywhere on the server (another test file's, say):
 * until it passes the events a test wrote, a lag leaves them out.
 */
export async function logVisible(sql: Sql): Promise<void> {
  await eventually(
    async () => {
      const [row] = await sql<{ visible: boolean }[]>`
        select coalesce((select max(tx_id) from events) < pg_snapshot_xmin(pg_current_snapshot()), true) as visible`;
      return row!.visible ? true : undefined;
    },
    20_000,
    'every committed event below the read horizon',
  );
}

/**
 * Waits until every projection (or those named) is live with nothing left to apply, counting
 * every event committed before the call (`logVisible`).
 */
export async function settled(projections: Projections, sql: Sql, names?: readonly string[]): Promise<ProjectionStatus[]> {
  let last: ProjectionStatus[] = [];
  try {
    await logVisible(sql);
    return await eventually(
      async () => {
        last = (await projections.status()).filter((s) => !names || names.includes(s.name));
        return last.every((s) => s.state === 'live' && s.lag.events === 0) ? last : undefined;
      },
      20_000,
      'projections live and caught up',
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${JSON.stringify(last.filter((s) => s.state !== 'live' || s.lag.events > 0))}`);
  }
}
