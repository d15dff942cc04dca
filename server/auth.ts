import { createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { ErrorCode } from '../protocol/errors.js';
import { HttpError } from './http/router.js';

export interface Principal {
  userId: string;
}

const issuer = 'gamifier';
const audience = 'gamifier-player';

/**
 * Player tokens: HS256 JWTs whose subject is the player id. Operators use a separate static
 * admin token, compared in constant time.
 *
 * @example
 * const token = await auth.issue('u42', 3600);
 * const { userId } = await auth.verify(`Bearer ${token}`);
 */
export class Auth {
  private readonly key: KeyObject;
  private readonly admin: Buffer;

  constructor(jwtSecret: string, adminToken: string) {
    // A key object, made once: given the raw bytes, jose imports them as a new key on every
    // verify (most of a hello's CPU in a reconnection storm).
    this.key = createSecretKey(Buffer.from(jwtSecret, 'utf8'));
    this.admin = Buffer.from(adminToken);
  }

  issue(userId: string, ttlSeconds: number): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key);
  }

  /** The player behind an `Authorization` header value (or a bare token); throws AUTH_*. */
  async verify(authorization: string | undefined): Promise<Principal> {
    const token = bearer(authorization);
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer, audience, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new Error('no subject');
      return { userId: payload.sub };
    } catch (error) {
      const reason = error instanceof joseErrors.JWTExpired ? 'the token has expired' : 'the token is not valid';
      throw new HttpError(ErrorCode.AUTH_INVALID, reason);
    }
  }

  /** Throws unless the header carries the admin token. */
  requireAdmin(authorization: string | undefined): void {
    const given = Buffer.from(bearer(authorization));
    if (given.length !== this.admin.length || !timingSafeEqual(given, this.admin)) {
      throw new HttpError(ErrorCode.AUTH_FORBIDDEN, 'operator endpoints need the admin token');
    }
  }
}

function bearer(authorization: string | undefined): string {
  if (!authorization) throw new HttpError(ErrorCode.AUTH_REQUIRED, 'send Authorization: Bearer <token>');
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return match ? match[1]! : authorization.trim();
}
