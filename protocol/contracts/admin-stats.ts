import { Type, type Static } from '@sinclair/typebox';

/**
 * `GET /v1/admin/stats` (docs/API.md): each live member's running totals, read from its
 * Prometheus registry. The server produces it (server/node-stats.ts, server/http/admin-stats.ts)
 * and the operators' dashboard (web/dashboard/) computes rates and percentiles from two readings.
 *
 * @example
 * const stats: ClusterStats = await (await fetch('/v1/admin/stats', { headers: { authorization: `Bearer ${token}` } })).json();
 */
const Count = Type.Number({ minimum: 0 });

export const NodeFigures = Type.Object({
  node: Type.String(),
  at: Type.Integer({ description: 'when the node read its registry (epoch ms, its own clock)' }),
  commands: Type.Record(Type.String(), Count, { description: 'gamifier_commands_total by outcome (ok, rejected, or the failure code)' }),
  eventsAppended: Type.Number({ minimum: 0, description: 'gamifier_events_appended_total' }),
  commandLatency: Type.Object(
    {
      buckets: Type.Array(Type.Number(), { description: 'upper bounds in seconds, without +Inf' }),
      counts: Type.Array(Count, { description: 'cumulative count at each bound' }),
      count: Count,
      sum: Type.Number({ minimum: 0 }),
    },
    { description: 'gamifier_command_duration_seconds, summed over actor types' },
  ),
});
export type NodeFigures = Static<typeof NodeFigures>;

export const Unanswered = Type.Object({ node: Type.String(), code: Type.String({ description: 'the bus error code: BUS_TIMEOUT, BUS_NO_RESPONDERS …' }) });
export type Unanswered = Static<typeof Unanswered>;

export const ClusterStats = Type.Object({
  node: Type.String({ description: 'the node that answered and gathered the others' }),
  at: Type.Integer(),
  timeoutMs: Type.Integer({ minimum: 1, description: 'how long each member was waited for' }),
  nodes: Type.Array(NodeFigures),
  unanswered: Type.Array(Unanswered, { description: 'live members that did not answer in time' }),
});
export type ClusterStats = Static<typeof ClusterStats>;
