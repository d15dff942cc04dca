import type { HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { Logger } from '../log.js';
import { bodyOf, HttpError, type Reply, type Router } from './router.js';
import { statusLine } from './status-line.js';

/**
 * Serves the router on a uWS app. uWS's rules stay here: headers, the URL and the query are copied
 * before anything asynchronous (uWS frees the request when the callback returns), the body is
 * copied chunk by chunk (uWS reuses the buffer) and capped, an aborted response is never written
 * to, and writes are corked.
 */
export function mountOnUws(router: Router, app: TemplatedApp, options: { maxBodyBytes: number; log: Logger }): void {
  app.any('/*', (res, req) => {
    const aborted = { value: false };
    res.onAborted(() => void (aborted.value = true));
    const headers: Record<string, string> = {};
    req.forEachHeader((key, value) => (headers[key] = value));
    const request = { method: req.getMethod().toUpperCase(), path: req.getUrl(), query: new URLSearchParams(req.getQuery() ?? ''), headers };
    void router.handle(request, () => readBody(res, options.maxBodyBytes), options.log).then((reply) => write(res, reply, aborted));
  });
}

function write(res: HttpResponse, reply: Reply, aborted: { value: boolean }): void {
  if (aborted.value) return;
  res.cork(() => {
    res.writeStatus(statusLine(reply.status)).writeHeader('content-type', reply.contentType ?? 'application/json');
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.writeHeader(name, value);
    res.end(bodyOf(reply));
  });
}

function readBody(res: HttpResponse, maxBytes: number): Promise<string> {
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
      if (isLast) {
        done = true;
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
  });
}
