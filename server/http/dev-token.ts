import { Type } from '@sinclair/typebox';
import { ErrorCode } from '../../protocol/errors.js';
import { DevToken } from '../../protocol/contracts/http.js';
import { Text } from '../../protocol/text.js';
import { Validator } from '../../protocol/validate.js';
import type { Auth } from '../auth.js';
import { answer, HttpError, type Router } from './router.js';

/** What the route takes: `ttlSeconds` up to the longest lifetime the server accepts (TOKEN_MAX_TTL_SECONDS). */
function devTokenRequest(maxTtlSeconds: number) {
  return Type.Object(
    {
      userId: Text({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$' }),
      ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: maxTtlSeconds })),
    },
    { additionalProperties: false },
  );
}

/** `POST /v1/auth/dev-token {userId, ttlSeconds?}` → a player token. Mounted in development mode only. */
export function mountDevToken(router: Router, auth: Auth): void {
  const body = devTokenRequest(auth.maxTtlSeconds);
  const validator = new Validator(body, ErrorCode.BODY_INVALID);
  const doc = { summary: 'A player token (development mode only)', auth: 'none', body, responses: { 200: DevToken }, errors: [ErrorCode.BODY_INVALID] } as const;
  router.post('/v1/auth/dev-token', doc, async (request) => {
    const checked = validator.validate(request.body);
    if (!checked.ok) throw new HttpError(checked.code, checked.message);
    const ttl = checked.value.ttlSeconds ?? Math.min(86_400, auth.maxTtlSeconds);
    const token = await auth.issue(checked.value.userId, ttl);
    return answer(DevToken, { userId: checked.value.userId, token, expiresAt: new Date(Date.now() + ttl * 1_000).toISOString() });
  });
}
