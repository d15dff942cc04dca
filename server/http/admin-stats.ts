import { ClusterStats, type NodeFigures, type Unanswered } from '../../protocol/contracts/admin-stats.js';
import type { Auth } from '../auth.js';
import { answer, type Router } from './router.js';

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
