/** The answer of a JSON request: the body when `ok`, else the API's error (docs/API.md). */
export type JsonAnswer<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; code: string; message: string };

/**
 * A JSON request to the server the page came from, with a bearer token if given. Never throws:
 * a network failure is `{ ok: false, code: 'NETWORK' }`.
 *
 * @example
 * const answer = await requestJson<{ items: unknown[] }>('/v1/challenges?state=open', { token });
 * if (!answer.ok) show(answer.code);
 */
export async function requestJson<T>(path: string, options: { token?: string; method?: string; body?: unknown } = {}): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch (error) {
    return { ok: false, status: 0, code: 'NETWORK', message: `the server could not be reached (${(error as Error).message})` };
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, body: body as T };
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return { ok: false, status: response.status, code: error?.code ?? `HTTP_${response.status}`, message: error?.message ?? response.statusText };
}
