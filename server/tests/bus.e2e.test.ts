import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { NatsBus, type Bus } from '../../bus/index.js';
import { natsServerInstalled, startNatsServer } from '../../test/support/nats-server.js';
import { HttpPlayer, startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually, inCi, natsUrl, needNats, needPostgres } from '../../test/support/services.js';
import { RawClient, type Frame } from '../gateway/tests/raw-client.js';

const available = (await needPostgres()) && (await needNats());

/** A player over HTTP (commands) and a bare WebSocket that watches `user/<id>` from the start. */
async function watcher(running: TestServer, userId: string): Promise<{ http: HttpPlayer; ws: RawClient; evts(): Frame[] }> {
  const http = await new HttpPlayer(running.url, userId).login();
  const token = ((await (await fetch(`${running.url}/v1/auth/dev-token`, { method: 'POST', body: JSON.stringify({ userId }) })).json()) as { token: string }).token;
  const ws = await RawClient.open(`${running.url.replace('http', 'ws')}/v1/ws`, 'json');
  expect(await ws.hello(token)).toMatchObject({ t: 'welcome' });
  ws.send({ t: 'sub', topic: `user/${userId}`, fromVersion: 0 });
  await eventually(async () => ((await http.command(`user/${userId}`, 'user.register', { displayName: 'Ada', timezone: 'UTC' })).status === 200 ? true : undefined));
  await ws.waitFor((frame) => frame.t === 'evt' && frame.version === 1, 'the registration pushed');
  return { http, ws, evts: () => ws.frames.filter((frame) => frame.t === 'evt') };
}

const water = (ml: number) => ({ ml, drankAt: Date.now() });

async function metric(running: TestServer, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${running.url}/metrics`)).text();
  const found = text.split('\n').find((row) => line.test(row));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

describe.skipIf(!available)('committed events on NATS (NATS_URL set)', () => {
  const servers: TestServer[] = [];
  const clients: RawClient[] = [];
  const buses: Bus[] = [];
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all(buses.map((bus) => bus.close()));
  });

  it("pushes a player's own event through NATS, and two deployments on one NATS never see each other's", async () => {
    const prefix = `t.${randomUUID().replaceAll('-', '')}`;
    // Two deployments (schemas of their own), the same stream ids: one with BUS_PREFIX, one with the prefix named after its schema.
    const a = await startTestServer('postgres', { NATS_URL: natsUrl, BUS_PREFIX: prefix });
    const b = await startTestServer('postgres', { NATS_URL: natsUrl });
    servers.push(a, b);
    const onTheWire = await NatsBus.connect({ url: natsUrl, name: 'e2e-listener', connectAttempts: 1 });
    buses.push(onTheWire);
    const heard: unknown[] = [];
    const userId = `ada-${randomUUID().slice(0, 8)}`;
    onTheWire.subscribe(`${prefix}.g.evt.user.${userId}`, (_subject, message) => heard.push(message));
    await onTheWire.flush();

    const atB = await watcher(b, userId);
    clients.push(atB.ws);
    for (let i = 0; i < 3; i++) expect((await atB.http.command(`user/${userId}`, 'water.log', water(222))).status).toBe(200);
    await atB.ws.waitFor((frame) => frame.t === 'evt' && frame.version === 4, "B's own events");

    const atA = await watcher(a, userId);
    clients.push(atA.ws);
    expect((await atA.http.command(`user/${userId}`, 'water.log', water(111))).status).toBe(200);
    await atA.ws.waitFor((frame) => frame.t === 'evt' && frame.version === 2, "A's own event");
    await eventually(async () => (heard.length === 2 ? true : undefined), 5_000, "A's events on NATS under its prefix");

    expect(atA.evts().map((frame) => frame.version)).toEqual([1, 2]);
    expect(JSON.stringify(atA.evts())).not.toContain('222');
    expect(atB.evts().map((frame) => frame.version)).toEqual([1, 2, 3, 4]);
    expect(JSON.stringify(atB.evts())).not.toContain('111');
    expect(heard).toMatchObject([{ streamId: `user/${userId}`, version: 1 }, { streamId: `user/${userId}`, version: 2, event: { data: { ml: 111 } } }]);
  });
});

const ownNats = available && natsServerInstalled();
if (available && !ownNats && inCi) throw new Error('nats-server is not installed: CI=true, so the NATS restart test must not be skipped');

describe.skipIf(!ownNats)('a watcher across a NATS outage (a nats-server of its own)', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  /** A server on a private NATS, a watcher of a new player, and one command committed while NATS is down. */
  async function outage(env: Record<string, string>, ml: number) {
    const nats = await startNatsServer();
    cleanup.push(() => nats.stop());
    const running = await startTestServer('postgres', { NATS_URL: nats.url, ...env });
    cleanup.push(() => running.close());
    const userId = `bo-${randomUUID().slice(0, 8)}`;
    const player = await watcher(running, userId);
    cleanup.push(() => player.ws.close());
    const connected = () => metric(running, /^gamifier_bus_connected /);

    await nats.stop();
    await eventually(async () => ((await connected()) === 0 ? true : undefined), 10_000, 'the bus to see NATS gone');
    // Commands do not need the bus: this one is committed (acked), and its event is dropped (at most once).
    expect((await player.http.command(`user/${userId}`, 'water.log', water(ml))).status).toBe(200);
    await nats.start();
    return { running, userId, player, connected };
  }

  it('gets the events committed while NATS was down from the store, then live ones, each version once and in order', async () => {
    const { running, userId, player: bo, connected } = await outage({}, 250);
    await eventually(async () => ((await connected()) === 1 ? true : undefined), 15_000, 'the bus to reconnect');

    expect((await bo.http.command(`user/${userId}`, 'water.log', water(300))).status).toBe(200);
    await bo.ws.waitFor((frame) => frame.t === 'evt' && frame.version === 3, 'the event after the outage');
    expect(bo.evts().map((frame) => frame.version)).toEqual([1, 2, 3]);
    expect(bo.evts().map((frame) => (frame.event as { data: { ml?: number } }).data.ml)).toEqual([undefined, 250, 300]);
    expect(await metric(running, /^gamifier_bus_status_changes_total\{status="disconnect"\}/)).toBeGreaterThanOrEqual(1);
    expect(await metric(running, /^gamifier_bus_status_changes_total\{status="reconnect"\}/)).toBeGreaterThanOrEqual(1);
    expect(await metric(running, /^gamifier_bus_messages_dropped_total /)).toBeGreaterThanOrEqual(1);
  });

  it('gets the event committed while NATS was down once the bus reconnects, with no further command, once', async () => {
    // No sweep: only the bus's reconnect can bring the missed event within the wait.
    const { player } = await outage({ STREAM_SWEEP_MS: '0' }, 400);

    await player.ws.waitFor((frame) => frame.t === 'evt' && frame.version === 2, 'the missed event, pushed after the reconnect', 0, 20_000);
    player.ws.send({ t: 'ping' });
    await player.ws.waitFor((frame) => frame.t === 'pong', 'a pong after it'); // anything queued before it has arrived
    expect(player.evts().map((frame) => frame.version)).toEqual([1, 2]);
    expect((player.evts()[1]!.event as { data: { ml: number } }).data.ml).toBe(400);
  });
});
