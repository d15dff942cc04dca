import { timingSafeEqual, webcrypto } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Clock } from '../actors/runtime/index.js';
import { ErrorCode } from '../protocol/errors.js';
import { HttpError } from './http/router.js';

export interface Principal {
  userId: string;
  /** When the token expires (epoch ms). */
  expiresAt: number;
}

export interface AuthOptions {
  /** A token must expire at most this long after it was issued (default 24 h). */
  maxTtlSeconds?: number;
  /** What "now" is when tokens are issued and checked (tests pass a simulated clock). */
  clock?: Pick<Clock, 'now'>;
}

const issuer = 'gamifier';
const audience = 'gamifier-player';

/**
 * Player tokens: HS256 JWTs whose subject is the player id, with `iat` and an `exp` at most
 * `maxTtlSeconds` later (a token without `exp`, or living longer, is refused AUTH_INVALID).
 * Operators use a separate static admin token, compared in constant time.
 *
 * @example
 * const token = await auth.issue('u42', 3600);
 * const { userId } = await auth.verify(`Bearer ${token}`);
 */
export class Auth {
  private readonly key: Promise<webcrypto.CryptoKey>;
  private readonly admin: Buffer;
  readonly maxTtlSeconds: number;
  private readonly clock: Pick<Clock, 'now'>;

  constructor(jwtSecret: string, adminToken: string, options: AuthOptions = {}) {
    this.maxTtlSeconds = options.maxTtlSeconds ?? 86_400;
    this.clock = options.clock ?? { now: () => Date.now() };
    // A WebCrypto key, imported once. Given raw bytes or a node KeyObject, jose imports the
    // secret as a new CryptoKey on every verify: measured 230 µs a verify against 100–117 µs
    // with this key, which is most of a hello's CPU in a reconnection storm.
    this.key = webcrypto.subtle.importKey('raw', Buffer.from(jwtSecret, 'utf8'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    this.admin = Buffer.from(adminToken);
  }

  /** A token for `userId` expiring in `ttlSeconds` (the verifier refuses it beyond `maxTtlSeconds`). */
  async issue(userId: string, ttlSeconds: number): Promise<string> {
    const now = Math.floor(this.clock.now() / 1_000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .sign(await this.key);
  }

  /** The player behind an `Authorization` header value (or a bare token); throws AUTH_*. */
  async verify(authorization: string | undefined): Promise<Principal> {
    const token = bearer(authorization);
    const now = this.clock.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.key, {
        issuer,
        audience,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat'],
        currentDate: new Date(now),
      }));
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new Error('no subject');
    } catch (error) {
      const reason = error instanceof joseErrors.JWTExpired ? 'the token has expired' : 'the token is not valid';
      throw new HttpError(ErrorCode.AUTH_INVALID, reason);
    }
    // A token that never expires, or lives longer than allowed, would outlive any revocation.
    const { exp, iat } = payload as { exp: number; iat: number };
    if (exp - iat > this.maxTtlSeconds || exp * 1_000 - now > this.maxTtlSeconds * 1_000) {
      throw new HttpError(ErrorCode.AUTH_INVALID, `the token lives longer than ${this.maxTtlSeconds} s`);
    }
    return { userId: payload.sub, expiresAt: exp * 1_000 };
  }

  /** Throws unless the header carries the admin token. */
  requireAdmin(authorization: string | undefined): void {
    const given = Buffer.from(bearer(authorization));
    if (given.length !== this.admin.length || !timingSafeEqual(given, this.admin)) {
      throw new HttpError(ErrorCode.AUTH_FORBIDDEN, 'operator endpoints need the admin token');
    }
  }
}

/** The token of `Bearer <token>` (or of a bare token); any other scheme (Basic …) is no bearer token at all. */
function bearer(authorization: string | undefined): string {
  const value = authorization?.trim();
  if (!value) throw new HttpError(ErrorCode.AUTH_REQUIRED, 'send Authorization: Bearer <token>');
  const match = /^(\S+)\s+(\S+)$/.exec(value);
  if (!match) return value;
  if (match[1]!.toLowerCase() !== 'bearer') throw new HttpError(ErrorCode.AUTH_REQUIRED, `send Authorization: Bearer <token>, not ${match[1]}`);
  return match[2]!;
}
