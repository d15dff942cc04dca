import { describe, expect, it } from 'vitest';
import { Auth } from '../auth.js';

const secret = 'a-secret-of-at-least-32-characters!';

describe('player tokens', () => {
  it('verifies a token it issued as that player, bare or as a Bearer header', async () => {
    const auth = new Auth(secret, 'admin-token');
    const token = await auth.issue('u42', 60);
    await expect(auth.verify(`Bearer ${token}`)).resolves.toEqual({ userId: 'u42' });
    await expect(auth.verify(token)).resolves.toEqual({ userId: 'u42' });
  });

  it('refuses a token signed with another secret, a tampered one and an expired one with AUTH_INVALID', async () => {
    const auth = new Auth(secret, 'admin-token');
    const foreign = await new Auth(`${secret}-other`, 'admin-token').issue('u42', 60);
    await expect(auth.verify(foreign)).rejects.toMatchObject({ code: 'AUTH_INVALID', message: 'the token is not valid' });
    const [header, , signature] = (await auth.issue('u42', 60)).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'u1', iss: 'gamifier', aud: 'gamifier-player', exp: 4_000_000_000 })).toString('base64url');
    await expect(auth.verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    const expired = await auth.issue('u42', -10);
    await expect(auth.verify(expired)).rejects.toMatchObject({ code: 'AUTH_INVALID', message: 'the token has expired' });
    await expect(auth.verify(undefined)).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('lets only the admin token through operator endpoints', () => {
    const auth = new Auth(secret, 'admin-token');
    expect(() => auth.requireAdmin('Bearer admin-token')).not.toThrow();
    expect(() => auth.requireAdmin('Bearer admin-tokem')).toThrow(expect.objectContaining({ code: 'AUTH_FORBIDDEN' }));
    expect(() => auth.requireAdmin(undefined)).toThrow(expect.objectContaining({ code: 'AUTH_REQUIRED' }));
  });
});
