import jsonPatch from 'fast-json-patch';
import type { JsonPatch } from '../../../protocol/topic-schemas.js';

/**
 * The RFC 6902 JSON Patch that turns the view a client holds into `after`. Members named in
 * `restated` depend on the time the view was made (the player's `today` and `streak`): a
 * client's copy may have been made on another day than `before`, so they are always replaced
 * whole (`add`, which replaces a member that exists), never patched member by member. Arrays are patched by index (fast-json-patch's
 * `compare`: linear in the view's size).
 *
 * @example
 * viewPatch({ points: 5, today: { meals: 1 } }, { points: 8, today: { meals: 2 } }, ['today'])
 * // [{ op: 'replace', path: '/points', value: 8 }, { op: 'add', path: '/today', value: { meals: 2 } }]
 */
export function viewPatch(before: unknown, after: unknown, restated: readonly string[] = []): JsonPatch {
  if (!isObject(before) || !isObject(after)) return [{ op: 'replace', path: '', value: after }];
  const ops = jsonPatch.compare(before, after) as JsonPatch;
  if (restated.length === 0) return ops;
  const kept = ops.filter((op) => !restated.some((key) => op.path === `/${key}` || op.path.startsWith(`/${key}/`)));
  for (const key of restated) if (Object.hasOwn(after, key)) kept.push({ op: 'add', path: `/${key}`, value: after[key] });
  return kept;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
