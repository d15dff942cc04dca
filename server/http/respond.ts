import type { HttpResponse } from 'uWebSockets.js';

/**
 * Writes a JSON response. uWS forbids touching a response after the client went away and wants
 * writes made outside its own callbacks corked; `aborted` is the flag set by `onAborted`.
 */
export function sendJson(res: HttpResponse, status: number, body: unknown, aborted?: { value: boolean }): void {
  if (aborted?.value) return;
  res.cork(() => {
    res.writeStatus(statusLine(status)).writeHeader('content-type', 'application/json').end(JSON.stringify(body));
  });
}

/** Runs an async handler for a uWS request, keeping track of whether the client aborted. */
export function handleAsync(res: HttpResponse, handler: (aborted: { value: boolean }) => Promise<void>, onError: (error: unknown) => void): void {
  const aborted = { value: false };
  res.onAborted(() => {
    aborted.value = true;
  });
  handler(aborted).catch((error: unknown) => {
    onError(error);
    sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } }, aborted);
  });
}

const reasons: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusLine(status: number): string {
  return `${status} ${reasons[status] ?? 'Status'}`;
}
