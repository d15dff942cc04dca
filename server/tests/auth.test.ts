import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { SimulatedClock } from '../../actors/runtime/index.js';
import { Auth } from '../auth.js';

const secret = 'a-secret-of-at-least-32-characters!';

describe('player tokens', () => {
  it('verifies a token it issued as that player, bare or as a Bearer header', async () => {
    const auth = new Auth(secret, 'admin-token');
    const token = await auth.issue('u42', 60);
    const expected = { userId: 'u42', expiresAt: expect.any(Number) };
    await expect(auth.verify(`Bearer ${token}`)).resolves.toEqual(expected);
    await expect(auth.verify(token)).resolves.toEqual(expected);
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

  it('refuses a token without exp, or living longer than the maximum lifetime, AUTH_INVALID', async () => {
    const auth = new Auth(secret, 'admin-token', { maxTtlSeconds: 3_600 });
    const key = new TextEncoder().encode(secret);
    const claims = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u42').setIssuer('gamifier').setAudience('gamifier-player').setIssuedAt();
    await expect(auth.verify(await claims.sign(key))).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    await expect(auth.verify(await auth.issue('u42', 3_601))).rejects.toMatchObject({ code: 'AUTH_INVALID' });
    await expect(auth.verify(await auth.issue('u42', 3_600))).resolves.toMatchObject({ userId: 'u42' });
  });

  it('tells when a token expires, on the clock it is given', async () => {
    const clock = new SimulatedClock(Date.parse('2026-03-01T10:00:00Z'));
    const auth = new Auth(secret, 'admin-token', { clock });
    const token = await auth.issue('u42', 600);
    await expect(auth.verify(token)).resolves.toEqual({ userId: 'u42', expiresAt: clock.now() + 600_000 });
    await clock.advance(600_000);
    await expect(auth.verify(token)).rejects.toMatchObject({ code: 'AUTH_INVALID', message: 'the token has expired' });
  });

  it('answers another scheme than Bearer (Basic …) AUTH_REQUIRED', async () => {
    const auth = new Auth(secret, 'admin-token');
    await expect(auth.verify(`Basic ${Buffer.from('u42:pw').toString('base64')}`)).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(() => auth.requireAdmin('Basic YWRtaW46YWRtaW4=')).toThrow(expect.objectContaining({ code: 'AUTH_REQUIRED' }));
  });
});
