import { timingSafeEqual, webcrypto } from 'node:crypto';
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
  private readonly key: Promise<webcrypto.CryptoKey>;
  private readonly admin: Buffer;

  constructor(jwtSecret: string, adminToken: string) {
    // A WebCrypto key, imported once. Given raw bytes or a node KeyObject, jose imports the
    // secret as a new CryptoKey on every verify: measured 230 µs a verify against 100–117 µs
    // with this key, which is most of a hello's CPU in a reconnection storm.
    this.key = webcrypto.subtle.importKey('raw', Buffer.from(jwtSecret, 'utf8'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    this.admin = Buffer.from(adminToken);
  }

  async issue(userId: string, ttlSeconds: number): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(await this.key);
  }

  /** The player behind an `Authorization` header value (or a bare token); throws AUTH_*. */
  async verify(authorization: string | undefined): Promise<Principal> {
    const token = bearer(authorization);
    try {
      const { payload } = await jwtVerify(token, await this.key, { issuer, audience, algorithms: ['HS256'] });
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
