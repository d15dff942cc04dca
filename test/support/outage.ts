import postgres from 'postgres';
import { expect } from 'vitest';
import type { Answer } from './load.js';

/** The codes a command may fail with while its database is away: each says "send it again". */
export const retryableCodes = ['STORE_UNAVAILABLE', 'ACTOR_UNAVAILABLE', 'STREAM_VERSION_CONFLICT'];

/** GET /readyz, timed. */
export async function readiness(url: string): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/readyz`);
  const body = await response.json();
  return { status: response.status, body, ms: performance.now() - started };
}

/**
 * What an outage may leave: every command answered (none waited out the client's timeout), each
 * failure a retryable 503, answered well before that timeout.
 */
export function expectFailedFast(answers: readonly Answer[], boundMs: number): void {
  const unanswered = answers.filter((answer) => answer.status === 0);
  expect(unanswered, 'commands left without an answer').toEqual([]);
  const failures = answers.filter((answer) => answer.status !== 200);
  for (const failure of failures) {
    expect(failure.status, JSON.stringify(failure)).toBe(503);
    expect(retryableCodes, JSON.stringify(failure)).toContain(failure.code);
    expect(failure.ms, JSON.stringify(failure)).toBeLessThan(boundMs);
  }
}

/** Every acknowledged command's water event is in the log exactly once (counted by command id). */
export async function expectLoggedOnce(databaseUrl: string, schema: string | undefined, acknowledged: readonly string[]): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined, ...(schema ? { connection: { search_path: schema } } : {}) });
  try {
    const rows = await sql<{ id: string; n: number }[]>`
      select metadata->>'commandId' as id, count(*)::int as n from events where type = 'nutrition.water.logged' group by 1`;
    const counts = new Map(rows.map((row) => [row.id, row.n]));
    expect(rows.filter((row) => row.n !== 1), 'commands logged more than once').toEqual([]);
    expect(acknowledged.filter((id) => counts.get(id) !== 1), 'acknowledged commands missing from the log').toEqual([]);
  } finally {
    await sql.end();
  }
}
