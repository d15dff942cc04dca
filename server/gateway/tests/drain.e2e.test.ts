// Graceful shutdown over real sockets: commands in flight are answered, then every client hears
// bye 1012 and is closed 1012; nobody new gets in.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandEnvelope } from '../../../actors/runtime/index.js';
import { connect, type ClientStatus } from '../../../protocol/client/index.js';
import { CloseCode } from '../../../protocol/close-codes.js';
import { eventually } from '../../../test/support/services.js';
import type { TransportKind } from '../index.js';
import { startStack, uniqueId, type Stack } from './harness.js';
import { RawClient } from './raw-client.js';

describe.each<TransportKind>(['uws', 'ws'])('draining the gateway over %s', (kind) => {
  let stack: Stack | undefined;
  afterEach(() => stack?.close());

  it('answers the commands in flight, says bye 1012 to every client, and lets nobody new in', async () => {
    stack = await startStack('pglite');
    const { runtime } = stack;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // Commands wait for `release`: one is certainly in flight when the drain starts.
    const running = await stack.gateway(kind, {}, {
      dispatcher: { send: (envelope: CommandEnvelope) => held.then(() => runtime.send(envelope)), view: (address: string) => runtime.view(address) },
    });

    const ada = uniqueId('ada');
    const raw = await RawClient.open(running.url, 'json');
    await raw.hello(await stack.token(ada));
    const statuses: ClientStatus[] = [];
    const bob = await connect({ url: running.url, token: await stack.token(uniqueId('bob')), WebSocket, onStatus: (status) => statuses.push(status) });

    raw.send({ t: 'cmd', id: 'in-flight', to: `user/${ada}`, type: 'user.register', payload: { displayName: 'Ada', timezone: 'UTC' } });
    await eventually(async () => (running.gateway.stats().commandsInFlight === 1 ? true : undefined));
    const drained = running.gateway.drain();

    await expect(RawClient.open(running.url, 'json')).rejects.toMatchObject({ status: 503 });
    raw.send({ t: 'cmd', id: 'late', to: `user/${ada}`, type: 'water.log', payload: { ml: 100, drankAt: Date.now() } });
    expect(await raw.waitFor((frame) => frame.t === 'err' && frame.id === 'late')).toMatchObject({ code: 'RUNTIME_STOPPED' });

    release();
    await drained;
    expect((await raw.closed).code).toBe(CloseCode.SERVICE_RESTART);
    const tail = raw.frames.filter((frame) => frame.t === 'ack' || frame.t === 'bye');
    expect(tail).toMatchObject([
      { t: 'ack', id: 'in-flight', version: 1 },
      { t: 'bye', code: CloseCode.SERVICE_RESTART },
    ]);
    // The SDK takes 1012 as "reconnect elsewhere".
    await eventually(async () => (statuses.includes('reconnecting') ? true : undefined));
    await bob.close();
    expect(await stack.store.store.streamVersion(`user/${ada}`)).toBe(1);
    expect(running.gateway.stats()).toMatchObject({ connections: 0, draining: true });
  });
});
