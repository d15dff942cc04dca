import { requestJson } from '../shared/http.js';

/** A signed-in player: their id and token (and when it expires, when known). */
export interface Session {
  userId: string;
  token: string;
  /** Epoch ms; undefined when the token's claims could not be read. */
  expiresAt?: number;
}

/** sessionStorage keeps the player signed in across reloads of this tab, and forgets them when it closes. */
const storageKey = 'gamifier.session';

export function loadSession(): Session | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as Session | null;
    if (!stored || typeof stored.userId !== 'string' || typeof stored.token !== 'string') return undefined;
    if (stored.expiresAt !== undefined && stored.expiresAt <= Date.now()) return undefined;
    return stored;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(storageKey, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(storageKey);
}

/**
 * Whether the server mints development tokens: its own API document (GET /v1/openapi.json, no
 * token needed) lists `POST /v1/auth/dev-token` only in development mode.
 */
export async function devTokensOffered(): Promise<boolean> {
  const answer = await requestJson<{ paths?: Record<string, unknown> }>('/v1/openapi.json');
  return answer.ok && answer.body.paths?.['/v1/auth/dev-token'] !== undefined;
}

/** Signs in as `userId` with a development token (development mode only). */
export async function devSignIn(userId: string): Promise<{ ok: true; session: Session } | { ok: false; code: string; message: string }> {
  const answer = await requestJson<{ userId: string; token: string; expiresAt: string }>('/v1/auth/dev-token', { method: 'POST', body: { userId } });
  if (!answer.ok) return answer;
  return { ok: true, session: { userId: answer.body.userId, token: answer.body.token, expiresAt: Date.parse(answer.body.expiresAt) } };
}

/**
 * A session from a token the player pasted: the player is the token's subject (`sub`). The server
 * checks the signature when the connection says hello; here only its claims are read.
 */
export function sessionFromToken(token: string): Session | undefined {
  const payload = token.trim().split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims = JSON.parse(json) as { sub?: unknown; exp?: unknown };
    if (typeof claims.sub !== 'string' || claims.sub === '') return undefined;
    return { userId: claims.sub, token: token.trim(), ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp * 1000 } : {}) };
  } catch {
    return undefined;
  }
}
