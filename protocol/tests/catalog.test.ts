import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as sdk from '../client/index.js';
import { closeCatalog, CloseCode, isCloseCode, shouldReconnect } from '../close-codes.js';
import { errorCatalog, ErrorCode, isRetryable, retryableCodes } from '../errors.js';
import type { ByeFrame, ErrFrame } from '../frames.js';

const doc = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');
const realtime = [
  'FRAME_INVALID',
  'FRAME_UNKNOWN',
  'FRAME_TOO_LARGE',
  'RATE_LIMITED',
  'TOPIC_INVALID',
  'TOPIC_FORBIDDEN',
  'HELLO_REQUIRED',
  'SUBSCRIPTION_LIMIT',
  'COMMAND_TIMEOUT',
  'CONNECTION_CLOSED',
] as const;

describe('the error catalog', () => {
  it('has an entry for every code, named as the code, with a status and a description', () => {
    for (const [key, code] of Object.entries(ErrorCode)) {
      expect(code).toBe(key);
      expect(errorCatalog[code].status).toBeGreaterThanOrEqual(400);
      expect(errorCatalog[code].status).toBeLessThan(600);
      expect(errorCatalog[code].description.length).toBeGreaterThan(10);
    }
    expect(Object.keys(errorCatalog).sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('gives the realtime codes their statuses, and the docs describe each one', () => {
    expect(Object.fromEntries(realtime.map((code) => [code, errorCatalog[code].status]))).toEqual({
      FRAME_INVALID: 400,
      FRAME_UNKNOWN: 400,
      FRAME_TOO_LARGE: 413,
      RATE_LIMITED: 429,
      TOPIC_INVALID: 400,
      TOPIC_FORBIDDEN: 403,
      HELLO_REQUIRED: 400,
      SUBSCRIPTION_LIMIT: 429,
      COMMAND_TIMEOUT: 504,
      CONNECTION_CLOSED: 503,
    });
    for (const code of realtime) expect(doc).toContain(`\`${code}\``);
  });
});

describe('the retryable codes', () => {
  it('are catalog codes, each a row of the docs\' retry section, and no other code is retryable', () => {
    const section = doc.slice(doc.indexOf('## Retrying a command'));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect(rows.sort()).toEqual([...retryableCodes].sort());
    expect(Object.values(ErrorCode).filter(isRetryable).sort()).toEqual([...retryableCodes].sort());
    expect(isRetryable('A_CODE_FROM_A_NEWER_SERVER')).toBe(false);
  });
});

describe('the close codes', () => {
  it('each have a description, a reconnection rule, and a row in the docs', () => {
    for (const [name, code] of Object.entries(CloseCode)) {
      expect(closeCatalog[code].description.length).toBeGreaterThan(10);
      expect(isCloseCode(code)).toBe(true);
      expect(doc).toMatch(new RegExp(`\\| ${code} \\| ${name} \\| ${closeCatalog[code].reconnect ? 'yes' : 'no'} \\|`));
    }
    expect(Object.keys(closeCatalog).map(Number).sort()).toEqual(Object.values(CloseCode).sort());
  });

  it('use the standard range and ours (4000–4999) only, and say when to reconnect', () => {
    for (const code of Object.values(CloseCode)) expect((code >= 1000 && code <= 1015) || (code >= 4000 && code <= 4999)).toBe(true);
    expect(shouldReconnect(CloseCode.SERVICE_RESTART)).toBe(true);
    expect(shouldReconnect(CloseCode.SLOW_CONSUMER)).toBe(true);
    expect(shouldReconnect(CloseCode.AUTH_FAILED)).toBe(false);
    expect(shouldReconnect(CloseCode.POLICY_VIOLATION)).toBe(false);
    expect(shouldReconnect(4999)).toBe(true);
  });
});

describe("the SDK's codes", () => {
  it('are the catalog itself', () => {
    expect(sdk.ErrorCode).toBe(ErrorCode);
    expect(sdk.errorCatalog).toBe(errorCatalog);
    expect(sdk.CloseCode).toBe(CloseCode);
    expect(sdk.closeCatalog).toBe(closeCatalog);
    expect(sdk.retryableCodes).toBe(retryableCodes);
  });

  it('are typed with the catalog types', () => {
    expectTypeOf<Extract<sdk.CommandResult, { status: 'error' }>['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<sdk.ClientError['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<ErrFrame['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<ByeFrame['code']>().toEqualTypeOf<CloseCode>();
  });
});
