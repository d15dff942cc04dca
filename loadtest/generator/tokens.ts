import { readFile } from 'node:fs/promises';

export interface PlayerToken {
  userId: string;
  token: string;
}

/**
 * A player token from the server's development endpoint (`POST /v1/auth/dev-token`). Throws with
 * the server's answer when it refuses (a server in production mode has no such route: use a
 * tokens file).
 */
export async function devToken(baseUrl: string, userId: string, timeoutMs = 10_000): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/auth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /v1/auth/dev-token answered ${response.status}: ${text.slice(0, 200)}`);
  const token = (JSON.parse(text) as { token?: unknown }).token;
  if (typeof token !== 'string') throw new Error('POST /v1/auth/dev-token answered without a token');
  return token;
}

/** Reads `[{"userId": "…", "token": "…"}, …]` (the format k6's scripts read too). */
export async function readTokens(file: string): Promise<PlayerToken[]> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of {"userId", "token"}`);
  return parsed.map((entry: unknown, i) => {
    const { userId, token } = (entry ?? {}) as Record<string, unknown>;
    if (typeof userId !== 'string' || typeof token !== 'string') throw new Error(`${file}[${i}]: expected {"userId": string, "token": string}`);
    return { userId, token };
  });
}
