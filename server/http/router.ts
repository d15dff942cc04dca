import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { ErrorCode, errorCatalog, GamifierError, type ErrorCode as Code } from '../../protocol/errors.js';
import type { Logger } from '../log.js';

export interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The parsed JSON body, for routes that take one. */
  body: unknown;
}

export interface Reply {
  status: number;
  /** JSON-encoded, unless `contentType` says the body is already text (or bytes). */
  body: unknown;
  contentType?: string;
  /** More response headers (lower-case names), e.g. `retry-after`. */
  headers?: Record<string, string>;
}

export type Handler = (request: Request) => Promise<Reply> | Reply;

/** An error a handler throws to answer with a catalog code (and its status). */
export class HttpError extends GamifierError {
  constructor(
    code: Code,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code, message);
  }
}

/** What a transport writes: the bytes or text as they are when the reply names its content type, else JSON. */
export function bodyOf(reply: Reply): Uint8Array | string {
  if (!reply.contentType) return JSON.stringify(reply.body);
  return reply.body instanceof Uint8Array ? reply.body : String(reply.body);
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });

/** `ok`, with a body the compiler checks against the schema the route documents (RouteDoc.responses). */
export const answer = <S extends TSchema>(_schema: S, body: Static<S>, status = 200): Reply => ok(body, status);

export function errorBody(code: Code, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status: errorCatalog[code].status, body: { error: { code, message, ...extra } } };
}

type Method = 'get' | 'post' | 'delete';

/**
 * What a route answers, for the API document (server/http/openapi.ts): mounting a route takes
 * one, so every route is documented. The codes a route's guard adds (auth, body) are added there.
 *
 * @example
 * router.get('/v1/players/:id', { summary: "A player's profile", auth: 'player', responses: { 200: PlayerProfile }, errors: ['PLAYER_NOT_FOUND'] }, handler);
 */
export interface RouteDoc {
  summary: string;
  /** Who may call it: anyone, a player's token, or the admin token. */
  auth: 'none' | 'player' | 'admin';
  /** The query parameters it reads: an object of their schemas (bounds, default; `required` names those it needs). */
  query?: TObject;
  /** The JSON body it takes. */
  body?: TSchema;
  /** Its answers by status: a JSON body's schema, or another content type (`/metrics`). */
  responses: Record<number, TSchema | { contentType: string }>;
  /** The catalog codes it answers with, besides its guard's. */
  errors: readonly Code[];
}

/** A mounted route as the API document sees it. */
export interface RouteInfo {
  method: Method;
  /** `/v1/players/:id` */
  pattern: string;
  doc: RouteDoc;
}

interface Route extends RouteInfo {
  handler: Handler;
  body: boolean;
  /** The path's parameters when it matches the pattern, else undefined. */
  match(path: string): Record<string, string> | undefined;
}

function compile(pattern: string): Route['match'] {
  const parts = pattern.split('/');
  return (path) => {
    const segments = path.split('/');
    if (segments.length !== parts.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const segment = segments[i]!;
      if (part.startsWith(':')) {
        if (segment.length === 0) return undefined;
        try {
          params[part.slice(1)] = decodeURIComponent(segment);
        } catch {
          return undefined;
        }
      } else if (part !== segment) {
        return undefined;
      }
    }
    return params;
  };
}

/**
 * The HTTP routes, independent of the server that carries them: `http/uws.ts` mounts them on
 * uWebSockets.js, `http/node.ts` on node:http (for GAMIFIER_WS=ws). Matching is done here:
 * the uWS build we depend on (@rjweb/uws) never matches `:param` patterns.
 */
export class Router {
  private readonly mounted: Route[] = [];
  private files: ((request: Omit<Request, 'params' | 'body'>) => Reply | undefined) | undefined;

  get(pattern: string, doc: RouteDoc, handler: Handler): this {
    return this.add('get', pattern, doc, handler, false);
  }
  post(pattern: string, doc: RouteDoc, handler: Handler): this {
    return this.add('post', pattern, doc, handler, true);
  }
  delete(pattern: string, doc: RouteDoc, handler: Handler): this {
    return this.add('delete', pattern, doc, handler, false);
  }

  /**
   * What answers a GET that no route matches: the web pages (server/http/static-files.ts). They
   * are not API routes, and are not in the API document.
   */
  serveFiles(serve: (request: Omit<Request, 'params' | 'body'>) => Reply | undefined): this {
    this.files = serve;
    return this;
  }

  /** Every route mounted so far, in mounting order. */
  routes(): RouteInfo[] {
    return this.mounted.map(({ method, pattern, doc }) => ({ method, pattern, doc }));
  }

  /** The route for a method and path, with the path's parameters. */
  find(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const wanted = method.toLowerCase();
    for (const route of this.mounted) {
      if (route.method !== wanted) continue;
      const params = route.match(path);
      if (params) return { route, params };
    }
    return undefined;
  }

  /**
   * Answers a request: ROUTE_NOT_FOUND when no route matches; the body is read (by the
   * transport's `readBody`) only for routes that take one; errors become catalog replies.
   */
  async handle(request: Omit<Request, 'params' | 'body'>, readBody: () => Promise<string>, log: Logger): Promise<Reply> {
    const found = this.find(request.method, request.path);
    const file = !found && request.method === 'GET' ? this.files?.(request) : undefined;
    if (file) return file;
    if (!found) return errorBody(ErrorCode.ROUTE_NOT_FOUND, `no route for ${request.method.toUpperCase()} ${request.path}`);
    const full: Request = { ...request, params: found.params, body: undefined };
    try {
      if (found.route.body) full.body = parseJsonBody(await readBody());
      return await found.route.handler(full);
    } catch (error) {
      if (error instanceof GamifierError && error.code in errorCatalog) {
        return errorBody(error.code, error.message, error instanceof HttpError ? error.extra : {});
      }
      log.error({ err: error, method: full.method, path: full.path }, 'request failed');
      return errorBody(ErrorCode.INTERNAL, 'internal error');
    }
  }

  private add(method: Method, pattern: string, doc: RouteDoc, handler: Handler, body: boolean): this {
    this.mounted.push({ method, pattern, doc, handler, body, match: compile(pattern) });
    return this;
  }
}

/** The JSON object of a request body; no body at all is fine (routes validate what they get). */
export function parseJsonBody(text: string): unknown {
  if (text.trim().length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(ErrorCode.BODY_INVALID, `the body is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(ErrorCode.BODY_INVALID, 'the body must be a JSON object');
  }
  return value;
}
