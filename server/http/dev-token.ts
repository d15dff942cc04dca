import { Type } from '@sinclair/typebox';
import { ErrorCode } from '../../protocol/errors.js';
import { Text } from '../../protocol/text.js';
import { Validator } from '../../protocol/validate.js';
import type { Auth } from '../auth.js';
import { HttpError, ok, type Router } from './router.js';

const DevTokenRequest = Type.Object(
  {
    userId: Text({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$' }),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 30 * 86_400 })),
  },
  { additionalProperties: false },
);
const validator = new Validator(DevTokenRequest, ErrorCode.BODY_INVALID);

/** `POST /v1/auth/dev-token {userId}` → a player token. Mounted in development mode only. */
export function mountDevToken(router: Router, auth: Auth): void {
  router.post('/v1/auth/dev-token', async (request) => {
    const checked = validator.validate(request.body);
    if (!checked.ok) throw new HttpError(checked.code, checked.message);
    const ttl = checked.value.ttlSeconds ?? 86_400;
    const token = await auth.issue(checked.value.userId, ttl);
    return ok({ userId: checked.value.userId, token, expiresAt: new Date(Date.now() + ttl * 1_000).toISOString() });
  });
}
