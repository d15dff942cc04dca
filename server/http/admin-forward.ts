import { BusError, type Bus, type BusSubscription } from '../../bus/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { Logger } from '../log.js';
import { errorBody, type Handler, type Reply, type Request, type Router } from './router.js';

// In a cluster some work runs on one node only: the projectors run on the holder of shard 0
// (cluster/singleton.ts). An operator may ask any node; the node asked hands the request, as it
// came (the admin token included), to the node that runs the work, over the bus, and answers with
// that node's reply.

/** The subject a node takes forwarded admin requests on, next to its `g.node.<id>` (cluster/router.ts). */
export const adminSubject = (node: string): string => `g.node.${node}.admin`;

/** Marks a forwarded request: its receiver answers it itself, or refuses; it never forwards it again. */
const FORWARDED = 'x-gamifier-forwarded-by';

interface Forwarded {
  method: string;
  path: string;
  query: string;
  authorization: string | undefined;
  body: unknown;
  from: string;
}

/** Answers admin requests other nodes forward to this one with this node's router. */
export function serveForwarded(bus: Bus, node: string, router: Router, log: Logger): BusSubscription {
  return bus.serve(adminSubject(node), async (_subject, message) => {
    const request = message as Forwarded;
    const headers: Record<string, string> = { [FORWARDED]: request.from };
    if (request.authorization !== undefined) headers.authorization = request.authorization;
    const body = request.body === undefined ? '' : JSON.stringify(request.body);
    const reply = await router.handle(
      { method: request.method, path: request.path, query: new URLSearchParams(request.query), headers },
      () => Promise.resolve(body),
      log,
    );
    return { status: reply.status, body: reply.body, headers: reply.headers ?? {} } satisfies Reply;
  });
}

/**
 * Runs `handler` here when this node runs the work (`runsOn()` is undefined), else asks the node
 * that does. A forwarded request that finds the work gone again is refused (PROJECTORS_UNAVAILABLE,
 * 503: ask again) rather than sent on, so a request never circles between nodes.
 *
 * @example
 * const atProjectors = forwardTo(bus, 'n1', () => cluster.workNode());
 * router.get('/v1/admin/projections', doc, atProjectors(handler));
 */
export function forwardTo(bus: Bus, me: string, runsOn: () => string | undefined, timeoutMs = 10_000): (handler: Handler) => Handler {
  return (handler) => async (request: Request) => {
    const node = runsOn();
    if (node === undefined || node === me) return handler(request);
    if (request.headers[FORWARDED] !== undefined) {
      return errorBody(ErrorCode.PROJECTORS_UNAVAILABLE, `the projectors moved on from ${me} while ${request.headers[FORWARDED]} asked; ask again`);
    }
    const forwarded: Forwarded = {
      method: request.method,
      path: request.path,
      query: request.query.toString(),
      authorization: request.headers.authorization,
      body: request.body,
      from: me,
    };
    try {
      const reply = (await bus.request(adminSubject(node), forwarded, { timeoutMs })) as Reply;
      return { status: reply.status, body: reply.body, headers: reply.headers ?? {} };
    } catch (error) {
      const why = error instanceof BusError ? error.code : (error as Error).message;
      return errorBody(ErrorCode.PROJECTORS_UNAVAILABLE, `${node} runs the projectors and did not answer (${why}); ask again`);
    }
  };
}
