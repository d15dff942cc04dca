import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { NatsBus } from '../../bus/index.js';
import type { RecordedEvent } from '../../store/index.js';
import { eventually, natsUrl, needNats } from '../../test/support/services.js';
import { readModelChangePublisher, ReadModelChanges } from '../index.js';

const available = await needNats();

const event = (userId: string, type: string, data: Record<string, unknown> = {}): RecordedEvent => ({
  position: 1, txId: 1, streamId: `user/${userId}`, streamType: 'user', version: 1, id: randomUUID(), type, schemaVersion: 1, data, metadata: {}, createdAt: new Date(0),
});

describe.skipIf(!available)('read-model change signals across nodes (NATS)', () => {
  const buses: NatsBus[] = [];
  const connect = async (name: string) => {
    const bus = await NatsBus.connect({ url: natsUrl, name, connectAttempts: 1 });
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  it("tells the watchers of two gateways, each on its own connection, of a batch a third node's projector applied", async () => {
    // Ids of this run alone: other runs may share the nats-server.
    const [ann, bob, cat] = ['ann', 'bob', 'cat'].map((name) => `${name}-${randomUUID()}`) as [string, string, string];
    const friends: Record<string, string[]> = { [ann]: [bob], [cat]: [bob] };
    const gateways = await Promise.all(['gateway-a', 'gateway-b'].map(async (name) => new ReadModelChanges(await connect(name), async (userId) => friends[userId] ?? [])));
    const told = { ann: 0, cat: 0, boardA: 0, boardB: 0 };
    gateways[0]!.onFeed(ann, () => (told.ann += 1));
    gateways[1]!.onFeed(cat, () => (told.cat += 1));
    gateways[0]!.onLeaderboard(() => (told.boardA += 1));
    gateways[1]!.onLeaderboard(() => (told.boardB += 1));
    await new Promise((resolve) => setImmediate(resolve)); // the friend lists
    await Promise.all(buses.map((bus) => bus.flush()));

    const projector = await connect('projector');
    const applied = readModelChangePublisher(projector, (error) => {
      throw error;
    });
    applied('friends_feed', [event(bob, 'nutrition.meal.logged')]);
    applied('leaderboard', [event(bob, 'points.earned')]);
    await projector.flush();
    await eventually(async () => (told.ann >= 1 && told.cat >= 1 && told.boardA >= 1 && told.boardB >= 1 ? true : undefined), 5_000, 'both gateways told');

    // A feed nobody on either gateway reads moves nothing.
    const before = { ...told };
    applied('friends_feed', [event(`dan-${randomUUID()}`, 'nutrition.meal.logged')]);
    await projector.flush();
    await Promise.all(buses.map((bus) => bus.flush()));
    expect([told.ann, told.cat]).toEqual([before.ann, before.cat]);
  });
});
