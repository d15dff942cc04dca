import { Type } from '@sinclair/typebox';
import type { Auth } from '../auth.js';
import type { NodeFigures, Unanswered } from '../node-stats.js';
import { answer, type Router } from './router.js';

const Count = Type.Number({ minimum: 0 });

const NodeFiguresBody = Type.Object({
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

export const ClusterStats = Type.Object({
  node: Type.String({ description: 'the node that answered and gathered the others' }),
  at: Type.Integer(),
  timeoutMs: Type.Integer({ minimum: 1, description: 'how long each member was waited for' }),
  nodes: Type.Array(NodeFiguresBody),
  unanswered: Type.Array(Type.Object({ node: Type.String(), code: Type.String() }), { description: 'live members that did not answer in time, with the bus error code' }),
});

/**
 * `GET /v1/admin/stats`: every live member's running totals (commands by outcome, events appended,
 * command latency buckets), gathered over the bus by the node asked (server/node-stats.ts).
 */
export function mountAdminStats(
  router: Router,
  deps: { auth: Auth; node: string; timeoutMs: number; gather: () => Promise<{ nodes: NodeFigures[]; unanswered: Unanswered[] }> },
): void {
  router.get(
    '/v1/admin/stats',
    {
      summary: "Every live member's commands by outcome, events appended and command latency buckets, read from its metrics; the members that did not answer are named",
      auth: 'admin',
      responses: { 200: ClusterStats },
      errors: [],
    },
    async (request) => {
      deps.auth.requireAdmin(request.headers.authorization);
      const { nodes, unanswered } = await deps.gather();
      return answer(ClusterStats, { node: deps.node, at: Date.now(), timeoutMs: deps.timeoutMs, nodes, unanswered });
    },
  );
}
