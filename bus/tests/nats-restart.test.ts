import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors.js';
import { natsServerBin, natsServerInstalled, startNatsServer, type PrivateNatsServer } from '../../test/support/nats-server.js';
import { eventually, inCi, SERVICE_SKIP_MARKER } from '../../test/support/services.js';
import type { BusLog } from '../bus.js';
import { NatsBus } from '../nats.js';
import { codeOf, collect, settle, uniquePrefix } from './contract.js';

const installed = natsServerInstalled();
if (!installed) {
  const reason = `nats-server is not installed at ${natsServerBin}`;
  if (inCi) throw new Error(`${reason}: CI=true, so the restart test must not be skipped`);
  console.warn(`${SERVICE_SKIP_MARKER}: ${reason}; skipping the NATS restart test`);
}

/** A request's outcome and how long after `since` it came. */
async function timed(request: Promise<unknown>, since: () => number): Promise<{ code: unknown; retryable: unknown; afterMs: number }> {
  const error = (await request.then(() => ({}), (e: unknown) => e)) as { code?: unknown; retryable?: unknown };
  return { code: error.code, retryable: error.retryable, afterMs: performance.now() - since() };
}

describe.skipIf(!installed)('NatsBus across a restart of nats-server (a private one)', () => {
  let server: PrivateNatsServer;
  let a: NatsBus;
  let b: NatsBus;
  const lines: string[] = [];
  const log: BusLog = {
    info: (fields, message) => lines.push(`info ${message} ${(fields as { status?: string }).status ?? ''}`),
    warn: (fields, message) => lines.push(`warn ${message} ${(fields as { status?: string }).status ?? ''}`),
    error: (_fields, message) => lines.push(`error ${message}`),
  };

  beforeAll(async () => {
    server = await startNatsServer();
    const connect = (name: string) => NatsBus.connect({ url: server.url, name, reconnectWaitMs: 100, connectAttempts: 3, log });
    [a, b] = await Promise.all([connect('restart-a'), connect('restart-b')]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await server?.stop();
  });

  it('fails requests in flight at once with BUS_DISCONNECTED, and serves again after the restart', async () => {
    const p = uniquePrefix();
    const heard = collect(b, `${p}.events`);
    b.serve(`${p}.echo`, (_subject, message) => message);
    b.serve(`${p}.stuck`, () => new Promise(() => undefined));
    await b.flush();
    expect(await a.request(`${p}.echo`, 'before')).toBe('before');

    // Requests that the server has taken (the flush) and that nobody will answer for 10 s.
    let killedAt = 0;
    const inFlight = [1, 2, 3].map((i) => timed(a.request(`${p}.stuck`, i, { timeoutMs: 10_000 }), () => killedAt));
    await a.flush();
    killedAt = performance.now();
    await server.stop();
    const outcomes = await Promise.all(inFlight);
    console.info(`in-flight requests failed ${outcomes.map((o) => `${o.afterMs.toFixed(1)} ms`).join(', ')} after the kill`);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ code: ErrorCode.BUS_DISCONNECTED, retryable: true });
      expect(outcome.afterMs).toBeLessThan(2_000); // not their 10 s timeout: the point of this test
    }

    // While NATS is down: requests fail at once, publishes are dropped and counted, nothing throws.
    const during = performance.now();
    expect(await codeOf(a.request(`${p}.echo`, 'during', { timeoutMs: 10_000 }))).toBe(ErrorCode.BUS_DISCONNECTED);
    expect(performance.now() - during).toBeLessThan(2_000);
    a.publish(`${p}.events`, 'lost');
    expect(a.stats()).toMatchObject({ connected: false, dropped: 1 });

    await server.start();
    await eventually(async () => (a.stats().connected && b.stats().connected ? true : undefined), 15_000, 'both buses to reconnect');
    await b.flush(); // b's subscriptions, restored by the client, have reached the new server
    a.publish(`${p}.events`, 'after');
    await settle(a, [b]);
    expect(heard.map((m) => m.message)).toEqual(['after']);
    expect(await a.request(`${p}.echo`, 'after')).toBe('after');
    expect(a.stats().statuses).toMatchObject({ disconnect: 1, reconnect: 1 });
    expect(lines).toContain('warn bus connection status disconnect');
    expect(lines).toContain('info bus connection status reconnect');
  });
});
