import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors.js';
import { natsUrl, needNats } from '../../test/support/services.js';
import { createBus } from '../create.js';
import { InProcessBus } from '../in-process.js';
import { NatsBus } from '../nats.js';
import { PrefixedBus } from '../prefixed.js';

describe('createBus', () => {
  it('gives an in-process bus without a NATS url', async () => {
    const bus = await createBus({ natsUrl: undefined, name: 'n1' });
    expect(bus).toBeInstanceOf(InProcessBus);
    await bus.close();
  });

  it("puts a deployment's prefix in front of every subject when given one", async () => {
    const bus = await createBus({ natsUrl: undefined, name: 'n1', prefix: 'gamifier.prod' });
    expect(bus).toBeInstanceOf(PrefixedBus);
    expect((bus as PrefixedBus).prefix).toBe('gamifier.prod');
    await bus.close();
  });

  it('gives up on an unreachable NATS after its attempts, with BUS_DISCONNECTED', async () => {
    const warnings: unknown[] = [];
    const log = { info: () => undefined, warn: (fields: object) => warnings.push(fields), error: () => undefined };
    // Port 1 of 127.0.0.1: refused at once.
    const error = await createBus({ natsUrl: 'nats://127.0.0.1:1', name: 'n1', log, connectAttempts: 2, connectRetryMs: 10 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.BUS_DISCONNECTED, retryable: true });
    expect(warnings).toHaveLength(2);
  });

  it('connects to NATS when given its url', async () => {
    if (!(await needNats())) return;
    const bus = await createBus({ natsUrl, name: 'create-test' });
    expect(bus).toBeInstanceOf(NatsBus);
    expect(bus.stats().connected).toBe(true);
    await bus.close();
  });
});
