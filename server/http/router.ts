import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { ErrorCode, errorCatalog, GamifierError, type ErrorCode as Code } from '../../protocol/errors.js';
import type { Logger } from '../log.js';
import { sendJson } from './respond.js';

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
  body: unknown;
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

export const ok = (body: unknown, status = 200): Reply => ({ status, body });

export function errorBody(code: Code, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status: errorCatalog[code].status, body: { error: { code, message, ...extra } } };
}

type Method = 'get' | 'post' | 'delete';

interface Route {
  method: Method;
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
 * Routes over uWebSockets.js. All of uWS's rules stay in here: headers, parameters and the URL are
 * copied before anything asynchronous happens (uWS frees the request object when the callback
 * returns), the body is copied chunk by chunk (uWS reuses the buffer) and capped, an aborted
 * response is never written to, and writes are corked.
 */
export class Router {
  private readonly routes: Route[] = [];

  get(pattern: string, handler: Handler): this {
    return this.add('get', pattern, handler, false);
  }
  post(pattern: string, handler: Handler): this {
    return this.add('post', pattern, handler, true);
  }
  delete(pattern: string, handler: Handler): this {
    return this.add('delete', pattern, handler, false);
  }

  /**
   * Serves every route, and answers ROUTE_NOT_FOUND for the rest. Matching is done here rather
   * than by uWS: the uWS build we depend on (@rjweb/uws) never matches `:param` patterns.
   */
  mount(app: TemplatedApp, options: { maxBodyBytes: number; log: Logger }): void {
    app.any('/*', (res, req) => {
      const method = req.getMethod();
      const path = req.getUrl();
      for (const route of this.routes) {
        if (route.method !== method) continue;
        const params = route.match(path);
        if (params) return this.dispatch(route, params, res, req, options);
      }
      const reply = errorBody(ErrorCode.ROUTE_NOT_FOUND, `no route for ${method.toUpperCase()} ${path}`);
      sendJson(res, reply.status, reply.body);
    });
  }

  private add(method: Method, pattern: string, handler: Handler, body: boolean): this {
    this.routes.push({ method, handler, body, match: compile(pattern) });
    return this;
  }

  private dispatch(
    route: Route,
    params: Record<string, string>,
    res: HttpResponse,
    req: HttpRequest,
    options: { maxBodyBytes: number; log: Logger },
  ): void {
    const aborted = { value: false };
    res.onAborted(() => void (aborted.value = true));
    const headers: Record<string, string> = {};
    req.forEachHeader((key, value) => (headers[key] = value));
    const request: Request = {
      method: req.getMethod().toUpperCase(),
      path: req.getUrl(),
      params,
      query: new URLSearchParams(req.getQuery() ?? ''),
      headers,
      body: undefined,
    };
    const respond = (reply: Reply) => sendJson(res, reply.status, reply.body, aborted);
    const run = async () => {
      try {
        if (route.body) request.body = await readJsonBody(res, options.maxBodyBytes, aborted);
        if (aborted.value) return;
        respond(await route.handler(request));
      } catch (error) {
        if (error instanceof GamifierError && error.code in errorCatalog) {
          respond(errorBody(error.code, error.message, error instanceof HttpError ? error.extra : {}));
        } else {
          options.log.error({ err: error, method: request.method, path: request.path }, 'request failed');
          respond(errorBody(ErrorCode.INTERNAL, 'internal error'));
        }
      }
    };
    void run();
  }
}

function readJsonBody(res: HttpResponse, maxBytes: number, aborted: { value: boolean }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    res.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > maxBytes) {
        done = true;
        reject(new HttpError(ErrorCode.BODY_TOO_LARGE, `the body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (!isLast) return;
      done = true;
      if (aborted.value) return resolve(undefined);
      const text = Buffer.concat(chunks).toString('utf8');
      // No body at all is fine for routes that need none; those that do validate what they get.
      if (text.trim().length === 0) return resolve(undefined);
      try {
        const value: unknown = JSON.parse(text);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          reject(new HttpError(ErrorCode.BODY_INVALID, 'the body must be a JSON object'));
        } else {
          resolve(value);
        }
      } catch (error) {
        reject(new HttpError(ErrorCode.BODY_INVALID, `the body is not JSON: ${(error as Error).message}`));
      }
    });
  });
}
