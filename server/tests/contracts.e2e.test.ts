import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type GamifierClient } from '../../protocol/client/index.js';
import { ClientFrameType, ServerFrameType } from '../../protocol/frames.js';
import { errorCatalog, type ErrorCode } from '../../protocol/errors.js';
import { asyncApiProblems, openApiProblems, recordingWebSocket, schemaChecker, type RecordedFrame } from '../../test/support/contracts.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres } from '../../test/support/services.js';
import { guardErrors } from '../http/openapi.js';

const available = await needPostgres();

interface Exchange {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}
type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema?: unknown }> }> }>> };
type AsyncDoc = { components: { messages: Record<string, { payload: unknown }> }; operations: Record<string, { action: string; messages: { $ref: string }[] }> };

/** The OpenAPI path template (`/v1/players/{id}`) a concrete path matches. */
const template = (doc: Doc, path: string) =>
  Object.keys(doc.paths).find((candidate) => new RegExp(`^${candidate.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));

describe.skipIf(!available)('the OpenAPI and AsyncAPI documents of a real server (PostgreSQL)', () => {
  let running: TestServer;
  let stopped = false;
  let openApi: Doc;
  let asyncApi: AsyncDoc;
  const exchanges: Exchange[] = [];
  const frames: RecordedFrame[] = [];
  const clients: GamifierClient[] = [];
  const admin = 'dev-admin-token';

  async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Exchange> {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    const contentType = response.headers.get('content-type') ?? '';
    const text = await response.text();
    const exchange = { method: method.toLowerCase(), path: new URL(path, running.url).pathname, status: response.status, contentType, body: contentType.includes('json') ? JSON.parse(text) : text };
    exchanges.push(exchange);
    return exchange;
  }
  const tokenOf = async (userId: string) => ((await call('POST', '/v1/auth/dev-token', { body: { userId } })).body as { token: string }).token;

  beforeAll(async () => {
    running = await startTestServer('postgres');
    openApi = (await call('GET', '/v1/openapi.json')).body as Doc;
    asyncApi = (await call('GET', '/v1/asyncapi.json')).body as AsyncDoc;
  });
  afterAll(async () => {
    for (const client of clients) void client.close();
    if (!stopped) await running?.close();
  });

  it('are served without a token and valid by their specifications', async () => {
    expect(await openApiProblems(openApi)).toEqual([]);
    expect(await asyncApiProblems(asyncApi)).toEqual([]);
  });

  it("name every route the router serves, with its methods and every catalog code it answers at the code's status", () => {
    const routes = running.server.routes();
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const operation = openApi.paths[route.pattern.replace(/:([A-Za-z]+)/g, '{$1}')]?.[route.method];
      expect(operation, `${route.method} ${route.pattern}`).toBeDefined();
      for (const code of new Set<ErrorCode>([...guardErrors(route), ...route.doc.errors])) {
        const schema = operation!.responses[String(errorCatalog[code].status)]?.content['application/json']?.schema as { properties?: { error: { properties: { code: { enum: string[] } } } } };
        expect(schema?.properties?.error.properties.code.enum, `${route.method} ${route.pattern} ${code}`).toContain(code);
      }
    }
    const documented = Object.values(openApi.paths).reduce((sum, methods) => sum + Object.keys(methods).length, 0);
    expect(documented).toBe(routes.length);
  });

  it('name every frame of the protocol, each received or sent by the server as its side says', () => {
    const sides = [
      ...Object.values(ClientFrameType).map((t) => [t, 'receive'] as const),
      ...Object.values(ServerFrameType).map((t) => [t, 'send'] as const),
    ];
    for (const [t, action] of sides) {
      expect(asyncApi.components.messages[t]?.payload, t).toBeDefined();
      const operations = Object.values(asyncApi.operations).filter((operation) => operation.messages.some((message) => message.$ref.endsWith(`/messages/${t}`)));
      expect(operations.map((operation) => operation.action), t).toEqual([action]);
    }
    expect(Object.keys(asyncApi.components.messages).sort()).toEqual(sides.map(([t]) => t).sort());
  });

  it('describe every answer of every route: commands, reads, admin endpoints and errors', async () => {
    const ada = await tokenOf('ada');
    const bob = await tokenOf('bob');
    const now = Date.now();
    await call('POST', '/v1/commands', { token: ada, body: { id: 'c1', to: 'user/ada', type: 'user.register', payload: { displayName: 'Ada', timezone: 'UTC' } } });
    await call('POST', '/v1/commands', { token: bob, body: { id: 'c1', to: 'user/bob', type: 'user.register', payload: { displayName: 'Bob', timezone: 'UTC' } } });
    const meal = { mealId: 'm1', mealType: 'lunch', eatenAt: now, foods: [{ name: 'oats', quantity: 100, unit: 'g', calories: 380, proteinG: 13, carbsG: 67, fatG: 7 }] };
    expect((await call('POST', '/v1/commands', { token: ada, body: { id: 'c2', to: 'user/ada', type: 'meal.log', payload: meal } })).status).toBe(200);
    await call('POST', '/v1/commands', { token: ada, body: { id: 'c2', to: 'user/ada', type: 'meal.log', payload: meal } }); // duplicate
    await call('POST', '/v1/commands', { token: ada, body: { id: 'c3', to: 'user/ada', type: 'user.register', payload: { displayName: 'Ada', timezone: 'UTC' } } }); // 422
    await call('POST', '/v1/commands', { token: ada, body: { id: 'c4', to: 'user/bob', type: 'meal.delete', payload: { mealId: 'm1' } } }); // 403
    await call('POST', '/v1/commands', { token: ada, body: { id: 'c5', to: 'user/ada', type: 'meal.log', payload: {} } }); // 400
    await call('POST', '/v1/commands', { token: ada, body: '[1]' }); // BODY_INVALID
    await call('POST', '/v1/commands', { body: { id: 'c6' } }); // AUTH_REQUIRED
    await call('POST', '/v1/commands', { token: 'not-a-token', body: { id: 'c6' } }); // AUTH_INVALID
    const challenge = { title: 'Lunch cup', kind: 'meals-logged', startsAt: now + 60_000, endsAt: now + 86_400_000, maxParticipants: 10 };
    expect((await call('POST', '/v1/commands', { token: ada, body: { id: 'c7', to: 'challenge/cup', type: 'challenge.create', payload: challenge } })).status).toBe(200);
    await call('POST', '/v1/commands', { token: bob, body: { id: 'c8', to: 'challenge/cup', type: 'challenge.join', payload: {} } });
    await call('GET', '/v1/commands/c2?to=user/ada', { token: ada });
    await call('GET', '/v1/commands/c9?to=user/ada', { token: ada }); // COMMAND_NOT_FOUND
    await call('GET', '/v1/commands/c2', { token: ada }); // QUERY_INVALID

    await eventually(async () => ((await call('GET', '/v1/players/ada', { token: bob })).status === 200 ? true : undefined));
    await call('GET', '/v1/players/nobody', { token: bob });
    const today = new Date(now).toISOString().slice(0, 10);
    await call('GET', `/v1/players/ada/nutrition/${today}`, { token: ada });
    await call('GET', `/v1/players/ada/nutrition?from=${today}&to=${today}`, { token: ada });
    await call('GET', '/v1/players/ada/nutrition?from=2026-13-01&to=2026-01-01', { token: ada });
    await call('GET', '/v1/players/ada/feed?limit=5', { token: ada });
    await call('GET', '/v1/players/bob/feed', { token: ada }); // AUTH_FORBIDDEN
    await eventually(async () => (((await call('GET', '/v1/leaderboards/global?limit=10', { token: ada })).body as { players: number }).players >= 1 ? true : undefined));
    await eventually(async () => ((await call('GET', '/v1/leaderboards/global/around/ada?k=2', { token: ada })).status === 200 ? true : undefined));
    await call('GET', '/v1/leaderboards/global/around/nobody', { token: ada });
    await eventually(async () => ((await call('GET', '/v1/challenges/cup', { token: ada })).status === 200 ? true : undefined));
    await call('GET', '/v1/challenges?state=scheduled,open,running&limit=5', { token: ada });
    await call('GET', '/v1/challenges?state=lost', { token: ada });
    await call('GET', '/v1/challenges/nothing', { token: ada });

    await call('GET', '/v1/admin/streams/user/ada/events?from=1&limit=10', { token: admin });
    await call('GET', '/v1/admin/streams/user/ada/state?version=1', { token: admin });
    await call('GET', '/v1/admin/streams/user/nobody/state', { token: admin });
    await call('GET', '/v1/admin/streams/user/ada/snapshot', { token: admin });
    await call('GET', '/v1/admin/streams/user/ada/events', { token: ada }); // AUTH_FORBIDDEN
    await call('GET', '/v1/admin/streams/user/ada/events'); // AUTH_REQUIRED
    await call('GET', '/v1/admin/dead-letters?limit=5', { token: admin });
    await call('POST', '/v1/admin/dead-letters/99/retry', { token: admin });
    await call('DELETE', '/v1/admin/dead-letters/99', { token: admin });
    await call('GET', '/v1/admin/projections', { token: admin });
    await call('GET', '/v1/admin/projections/leaderboard/parked?status=skipped', { token: admin });
    await call('POST', '/v1/admin/projections/leaderboard/parked/99/retry', { token: admin });
    await call('POST', '/v1/admin/projections/leaderboard/parked/99/skip', { token: admin });
    await call('POST', '/v1/admin/projections/nothing/rebuild', { token: admin });
    expect((await call('POST', '/v1/admin/projections/leaderboard/rebuild', { token: admin })).status).toBe(202);
    const cy = await tokenOf('cy');
    await call('POST', '/v1/commands', { token: cy, body: { id: 'c1', to: 'user/cy', type: 'user.register', payload: { displayName: 'Cy', timezone: 'UTC' } } });
    expect((await call('POST', '/v1/admin/players/cy/delete', { token: admin })).status).toBe(200);
    await call('POST', '/v1/admin/players/cy/delete', { token: admin }); // duplicate
    await call('POST', '/v1/commands', { token: cy, body: { id: 'c2', to: 'user/cy', type: 'user.register', payload: { displayName: 'Cy', timezone: 'UTC' } } }); // PLAYER_DELETED
    await call('POST', '/v1/admin/players/nobody/delete', { token: admin }); // USER_NOT_REGISTERED
    await call('POST', '/v1/admin/players/%20x/delete', { token: admin }); // STREAM_ID_INVALID
    await call('GET', '/v1/admin/cluster', { token: admin });
    await call('GET', '/v1/admin/stats', { token: admin });
    await call('GET', '/healthz');
    await call('GET', '/readyz');
    await call('GET', '/metrics');

    expect(exchanges.filter((exchange) => exchange.status >= 500).map((exchange) => `${exchange.path} ${JSON.stringify(exchange.body)}`)).toEqual([]);
    const check = schemaChecker('2020-12');
    const answered = new Set<string>();
    for (const exchange of exchanges) {
      const path = template(openApi, exchange.path);
      const where = `${exchange.method.toUpperCase()} ${exchange.path} → ${exchange.status}`;
      const response = path ? openApi.paths[path]![exchange.method]?.responses[String(exchange.status)] : undefined;
      expect(response, where).toBeDefined();
      const [type, media] = Object.entries(response!.content).find(([type]) => exchange.contentType.startsWith(type.split(';')[0]!)) ?? [undefined, undefined];
      expect(type, `${where}: ${exchange.contentType}`).toBeDefined();
      if (media?.schema) expect(check(media.schema)(exchange.body), `${where}: ${JSON.stringify(exchange.body).slice(0, 300)}`).toBeUndefined();
      answered.add(`${exchange.method} ${path}`);
    }
    const routes = running.server.routes().map((route) => `${route.method} ${route.pattern.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(routes.filter((route) => !answered.has(route))).toEqual([]);
  });

  it.each(['json', 'msgpack'] as const)('describe every frame the SDK and the server exchanged (%s)', async (protocol) => {
    frames.length = 0;
    const token = await tokenOf('ada');
    const url = `${running.url.replace('http', 'ws')}/v1/ws`;
    const ada = await connect({ url, token, protocol, WebSocket: recordingWebSocket(frames) as never, pingIntervalMs: 100 });
    clients.push(ada);
    const own = ada.watch('user/ada');
    ada.watch('challenge/cup');
    ada.watch('leaderboard/global');
    ada.watch('feed/ada');
    ada.watch('user/bob', { onEnd: () => undefined }); // err TOPIC_FORBIDDEN
    const meal = { mealId: `m-${protocol}`, mealType: 'dinner' as const, eatenAt: Date.now(), foods: [{ name: 'rice', quantity: 100, unit: 'g', calories: 130, proteinG: 3, carbsG: 28, fatG: 0 }] };
    await eventually(async () => (frames.filter((f) => f.frame.t === 'snap').length >= 4 ? true : undefined));
    expect((await ada.send({ to: 'user/ada', type: 'meal.log', payload: meal })).status).toBe('ok');
    expect((await ada.send({ to: 'user/ada', type: 'user.register', payload: { displayName: 'Ada', timezone: 'UTC' } })).status).toBe('error');
    await eventually(async () => (['evt', 'pong'].every((t) => frames.some((f) => f.frame.t === t)) ? true : undefined));
    own.close(); // unsub

    const checkFrames = () => {
      const check = schemaChecker('draft-07');
      for (const { direction, frame } of frames) {
        const payload = asyncApi.components.messages[frame.t]?.payload;
        expect(payload, `${direction} ${frame.t}`).toBeDefined();
        expect(check(payload)(frame), `${direction} ${JSON.stringify(frame).slice(0, 300)}`).toBeUndefined();
      }
    };
    checkFrames();
    const seen = (direction: 'in' | 'out') => new Set(frames.filter((f) => f.direction === direction).map((f) => f.frame.t));
    await eventually(async () => (seen('out').has('unsub') ? true : undefined));
    expect([...seen('out')].sort()).toEqual(Object.values(ClientFrameType).sort());
    expect([...seen('in')].sort()).toEqual(Object.values(ServerFrameType).filter((t) => t !== 'bye').sort());
    if (protocol === 'msgpack') {
      // The server says bye before a close it initiates: stopping it drains its sessions.
      stopped = true;
      await running.close();
      await eventually(async () => (seen('in').has('bye') ? true : undefined));
      checkFrames();
    }
  });
});
