import type { TSchema } from '@sinclair/typebox';
import { asyncApiDocument } from '../../protocol/contracts/asyncapi.js';
import { ErrorBody } from '../../protocol/contracts/http.js';
import { ErrorCode, errorCatalog } from '../../protocol/errors.js';
import { ok, type RouteDoc, type RouteInfo, type Router } from './router.js';

const json = (schema: TSchema): unknown => JSON.parse(JSON.stringify(schema));

/** The codes a route's guard answers with, whatever its handler does. */
export function guardErrors(route: RouteInfo): ErrorCode[] {
  const auth = { none: [], player: [ErrorCode.AUTH_REQUIRED, ErrorCode.AUTH_INVALID], admin: [ErrorCode.AUTH_REQUIRED, ErrorCode.AUTH_FORBIDDEN] }[route.doc.auth];
  const body = route.method === 'post' ? [ErrorCode.BODY_INVALID, ErrorCode.BODY_TOO_LARGE] : [];
  return [...auth, ...body, ErrorCode.INTERNAL];
}

/** Every code a route answers with, by HTTP status (the catalog's). */
export function routeErrors(route: RouteInfo): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...guardErrors(route), ...route.doc.errors])) {
    const status = errorCatalog[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

function responses(route: RouteInfo): Record<string, unknown> {
  const answers: Record<string, { description: string; content: Record<string, { schema?: unknown }> }> = {};
  for (const [status, body] of Object.entries(route.doc.responses)) {
    const content = 'contentType' in body ? { [(body as { contentType: string }).contentType]: {} } : { 'application/json': { schema: json(body as TSchema) } };
    answers[status] = { description: route.doc.summary, content };
  }
  for (const [status, codes] of routeErrors(route)) {
    const error = { schema: json(ErrorBody(codes)) };
    const same = answers[status]?.content['application/json'];
    answers[status] = same
      ? { description: `${answers[status]!.description}; or ${codes.join(', ')}`, content: { 'application/json': { schema: { oneOf: [same.schema, error.schema] } } } }
      : { description: codes.map((code) => `${code}: ${errorCatalog[code].description}`).join('\n'), content: { 'application/json': error } };
  }
  return answers;
}

function operation(route: RouteInfo): Record<string, unknown> {
  const { doc } = route;
  const path = [...route.pattern.matchAll(/:([A-Za-z]+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const query = Object.entries(doc.query?.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: doc.query?.required?.includes(name) ?? false,
    schema: json(schema),
  }));
  return {
    operationId: `${route.method} ${route.pattern}`,
    summary: doc.summary,
    security: securityOf(doc),
    ...(path.length + query.length > 0 ? { parameters: [...path, ...query] } : {}),
    ...(doc.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(doc.body) } } } } : {}),
    responses: responses(route),
  };
}

const securityOf = (doc: RouteDoc) => (doc.auth === 'none' ? [] : [{ [doc.auth]: [] }]);

/**
 * The OpenAPI 3.1 document of the HTTP API, made from the routes a router has mounted: their
 * schemas (protocol/contracts/http.ts, server/http/admin-bodies.ts) and error codes (the catalog's
 * statuses and descriptions). Served at `GET /v1/openapi.json`.
 */
export function openApiDocument(routes: readonly RouteInfo[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.pattern.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[path] ??= {})[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gamifier HTTP API',
      version: '1',
      description:
        'Commands, reads, operator endpoints and health (docs/API.md). Every error is `{"error": {"code", "message", …}}` with a catalog code ' +
        '(protocol/errors.ts). A path no route matches answers 404 ROUTE_NOT_FOUND; a node waiting for its database answers 503 STORE_UNAVAILABLE.',
    },
    paths,
    components: {
      securitySchemes: {
        player: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A player's HS256 token (docs/API.md, Authentication)" },
        admin: { type: 'http', scheme: 'bearer', description: 'The operator token, ADMIN_TOKEN' },
      },
    },
  };
}

/**
 * `GET /v1/openapi.json` and `GET /v1/asyncapi.json`: the API's documents, without a token. The
 * OpenAPI one is made on its first request, from every route mounted by then.
 */
export function mountContracts(router: Router): void {
  let openApi: unknown;
  router.get('/v1/openapi.json', { summary: 'This document: the HTTP API as OpenAPI 3.1', auth: 'none', responses: { 200: { contentType: 'application/json' } }, errors: [] }, () =>
    ok((openApi ??= openApiDocument(router.routes()))),
  );
  router.get('/v1/asyncapi.json', { summary: 'The WebSocket protocol as AsyncAPI 3', auth: 'none', responses: { 200: { contentType: 'application/json' } }, errors: [] }, (request) => {
    // The server a client reached is the one the document names (made anew: the host is the caller's).
    return ok(asyncApiDocument({ host: request.headers.host ?? 'localhost:8080' }));
  });
}
