/** Where a page's parameters are in the statement that holds it, e.g. `{ txId: '$1', … }`. */
export interface LogPageParameters {
  /** The cursor's transaction id, as text. */
  txId: string;
  position: string;
  limit: string;
  /** The event types, a `text[]`; absent for every type. */
  types?: string;
}

/**
 * The first `limit` events of the global log after a cursor, in log order, below the horizon of
 * transactions still running: SQL for a CTE of a statement that defines `horizon` (one row, the
 * `xmin` of its snapshot). The page's columns are those of `events`.
 *
 * With types, it reads the first `limit` events of each type after the cursor, each in log
 * order from the index on `(type, tx_id, position)`, and merges them, so that it costs the
 * types times the page, whatever share of the log they are. The plan must not depend on that
 * share: the statements are prepared, and PostgreSQL keeps one plan for every projection's
 * types, made on the statistics of that moment. Written plainly (`type = any(…)` in the log
 * order), the plan made while the log was small sorted the types' events whole, 100 ms a page of
 * 500 for a projection of most of a 300,000-event log and 365 ms at 1,000,000 (3 ms on fresh
 * statistics), and the plan made on fresh statistics walked the log order, reading all of it to
 * find a page of a type that is rare. The bounds are what leave the type's index as the only
 * one in order: with `type = t.type`, PostgreSQL drops `type` from the order and walks the log
 * order instead. The horizon is applied after each type's page: in log order the events of
 * transactions still running come last, so what it removes is the end of the page.
 */
export function logPage(p: LogPageParameters): string {
  const after = `(${p.txId}::text::xid8, ${p.position}::bigint)`;
  if (!p.types) {
    return `
      select e.* from events e, horizon h
      where (e.tx_id, e.position) > ${after} and e.tx_id < h.xmin
      order by e.tx_id, e.position limit ${p.limit}`;
  }
  return `
      select e.* from unnest(${p.types}::text[]) as t(type), horizon h, lateral (
        select e.* from events e
        where (e.type, e.tx_id, e.position) > (t.type, ${p.txId}::text::xid8, ${p.position}::bigint) and e.type <= t.type
        order by e.type, e.tx_id, e.position limit ${p.limit}
      ) e
      where e.tx_id < h.xmin
      order by e.tx_id, e.position limit ${p.limit}`;
}
