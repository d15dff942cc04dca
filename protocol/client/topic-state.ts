import jsonPatch from 'fast-json-patch';
import type { EvtFrame } from '../frames.js';
import type { RowsDiffData } from '../topic-schemas.js';

/** The key of a row of each read-model topic (docs/PROTOCOL.md, "Topics"). */
const rowKeys: Record<string, string> = { leaderboard: 'userId', feed: 'id' };

/**
 * A topic's state after one push: the `evt`'s JSON Patch applied (`user/`, `challenge/`), or its
 * rows diff (`leaderboard/`, `feed/`). Never mutates `state`: earlier items keep theirs. Throws
 * when the push does not apply to `state` (the caller starts afresh from a `snap`).
 *
 * @example
 * applyPush({ points: 5 }, { t: 'evt', topic: 'user/u42', version: 8, event, patch: [{ op: 'replace', path: '/points', value: 8 }] }) // { points: 8 }
 */
export function applyPush(state: unknown, frame: EvtFrame): unknown {
  if (frame.patch) return jsonPatch.applyPatch(state, frame.patch as jsonPatch.Operation[], true, false).newDocument;
  const key = rowKeys[frame.topic.slice(0, frame.topic.indexOf('/'))];
  if (key && Array.isArray(state)) return applyRowsDiff(state as Record<string, unknown>[], frame.event.data as RowsDiffData<Record<string, unknown>>, key);
  return state; // a push of a kind this SDK does not know: the state stays as the last snap had it
}

/** Drops `remove`, replaces `upsert`'s known rows in place and appends the new ones, then follows `order`. */
export function applyRowsDiff<Row extends Record<string, unknown>>(rows: readonly Row[], diff: RowsDiffData<Row>, key: string): Row[] {
  const removed = new Set(diff.remove);
  const upserts = new Map(diff.upsert.map((row) => [String(row[key]), row]));
  const next = rows.filter((row) => !removed.has(String(row[key]))).map((row) => upserts.get(String(row[key])) ?? row);
  const held = new Set(next.map((row) => String(row[key])));
  for (const row of diff.upsert) if (!held.has(String(row[key]))) next.push(row);
  if (!diff.order) return next;
  const byKey = new Map(next.map((row) => [String(row[key]), row]));
  return diff.order.map((id) => {
    const row = byKey.get(id);
    if (!row) throw new Error(`order names ${id}, a row the diff does not give`);
    return row;
  });
}
