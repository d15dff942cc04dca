import type { IncomingMessage, RequestListener } from 'node:http';
import { ErrorCode } from '../../protocol/errors.js';
import type { Logger } from '../log.js';
import { bodyOf, HttpError, type Router } from './router.js';

/** Serves the router on node:http (the `ws` transport's server, for GAMIFIER_WS=ws). */
export function nodeRequestListener(router: Router, options: { maxBodyBytes: number; log: Logger }): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[key] = value;
    const request = { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.searchParams, headers };
    void router.handle(request, () => readBody(req, options.maxBodyBytes), options.log).then((reply) => {
      if (res.destroyed) return;
      res.writeHead(reply.status, { ...reply.headers, 'content-type': reply.contentType ?? 'application/json' });
      res.end(bodyOf(reply));
    });
  };
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(ErrorCode.BODY_TOO_LARGE, `the body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

