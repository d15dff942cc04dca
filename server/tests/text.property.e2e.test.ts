import fc from 'fast-check';
import { pack, unpack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalog, type ErrorCode } from '../../protocol/errors.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { eventually, needPostgres } from '../../test/support/services.js';
import { RawClient } from '../gateway/tests/raw-client.js';
import { addressOf, allFields, hostileText, template, withText, type FieldPath } from './text-fields.js';

const available = await needPostgres();
type Transport = 'http' | 'json' | 'msgpack';
type Answer = { ok: true; version: number } | { ok: false; code: ErrorCode; status: number };

/** Fields that the actor keeps in its state (and so in snapshots), besides the event that set them. */
const kept = new Set(['displayName', 'avatar', 'timezone', 'title']);
/** The game trims the white space around a name or a title (actors/user/decide.ts, actors/challenge/decide.ts). */
const trimmed = new Set(['displayName', 'title', 'text']);

/**
 * Any string, in any string field of any client command, over HTTP and both WebSocket
 * subprotocols: it is refused with a 4xx code and reaches no actor, or it is accepted and reads
 * back identically everywhere — the event API, the actor's state, its snapshot, the profile and
 * the challenge directory. No projection fails and no actor crashes.
 */
describe.skipIf(!available).each(['postgres', 'pglite'] as const)('text in every field of every command (%s)', (database) => {
  let running: TestServer;
  let runs = 0;
  let reader = '';
  const accepted = { names: new Map<string, string>(), titles: new Map<string, string>() };
  const numRuns = database === 'postgres' ? 80 : 25;

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const admin = (path: string, method = 'GET') => call(method, path, 'dev-admin-token');
  const read = (path: string) => call('GET', path, reader);
  const tokenOf = async (userId: string) => (await call('POST', '/v1/auth/dev-token', '', { userId })).body.token as string;
  const versionOf = async (address: string) => (await admin(`/v1/admin/streams/${address}/events`)).body.version as number;

  async function send(transport: Transport, token: string, command: Record<string, unknown>): Promise<Answer> {
    if (transport === 'http') {
      const { status, body } = await call('POST', '/v1/commands', token, command);
      return status === 200 ? { ok: true, version: body.version } : { ok: false, code: body.error.code, status };
    }
    const client = await RawClient.open(`${running.url.replace('http', 'ws')}/v1/ws`, transport);
    try {
      expect((await client.hello(token)).t).toBe('welcome');
      const from = client.frames.length;
      client.send({ t: 'cmd', ...command });
      // A frame refused before it is parsed (a msgpack string that is not UTF-8) is answered without id.
      // One command per connection: the first ack or err after it is its answer (its id may have
      // reached the server as the encoder wrote it, not as drawn).
      const frame = await client.waitFor((f) => f.t === 'ack' || f.t === 'err', 'the answer', from);
      if (frame.t === 'ack') return { ok: true, version: frame.version };
      return { ok: false, code: frame.code, status: errorCatalog[frame.code as ErrorCode].status };
    } finally {
      client.close();
    }
  }

  /** Where the text must read back from, once the command that carried it was accepted. */
  async function readsBack(address: string, field: FieldPath, sent: string, versionBefore: number, version: number): Promise<void> {
    const name = field[field.length - 1] as string;
    const text = field[0] === 'payload' && trimmed.has(name) ? sent.trim() : sent;
    const quoted = JSON.stringify(text);
    const { body: stream } = await admin(`/v1/admin/streams/${address}/events`);
    const added = stream.events.filter((event: { version: number }) => event.version > versionBefore);
    if (field[0] === 'id') {
      expect(added.every((event: { metadata: { commandId: string } }) => event.metadata.commandId === text)).toBe(true);
    } else if (field[0] === 'payload' && added.length > 0) {
      expect(JSON.stringify(added.map((event: { data: unknown }) => event.data))).toContain(quoted);
    }
    if (!kept.has(name) || added.length === 0) return;
    const { body: state } = await admin(`/v1/admin/streams/${address}/state`);
    expect(JSON.stringify(state.state)).toContain(quoted);
    const snapshot = await eventually(async () => {
      const { status, body } = await admin(`/v1/admin/streams/${address}/snapshot`);
      return status === 200 && body.version >= version ? body : undefined;
    }, 10_000, `the snapshot of ${address}`);
    expect(JSON.stringify(snapshot)).toContain(quoted);
    const [kind, id] = address.split('/') as [string, string];
    if (name === 'displayName') {
      accepted.names.set(id, text);
      await eventually(async () => ((await read(`/v1/players/${id}`)).body?.displayName === text ? true : undefined), 10_000, `${id}'s profile`);
    }
    if (kind === 'challenge' && name === 'title') {
      accepted.titles.set(id, text);
      await eventually(async () => ((await read(`/v1/challenges/${id}`)).body?.title === text ? true : undefined), 10_000, `${id} in the directory`);
    }
  }

  beforeAll(async () => {
    running = await startTestServer(database, { SNAPSHOT_EVERY: '1' });
    reader = await tokenOf('reader');
  });
  afterAll(() => running?.close());

  it.each(['http', 'json', 'msgpack'] as const)('over %s: refused with a 4xx code before any actor, or kept and read back as sent', async (transport) => {
    const now = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...allFields()), hostileText, async ({ type, path }, text) => {
        const n = ++runs;
        const userId = `${database[0]}${transport}${n}`;
        const address = addressOf(type, userId);
        const token = await tokenOf(userId);
        if (type !== 'user.register') {
          expect((await call('POST', '/v1/commands', token, { id: `reg-${userId}`, to: `user/${userId}`, type: 'user.register', payload: template('user.register', now) })).status).toBe(200);
        }
        if (type === 'challenge.join' || type === 'challenge.leave' || type === 'challenge.cancel') {
          const create = { id: `create-${userId}`, to: address, type: 'challenge.create', payload: template('challenge.create', now) };
          expect((await call('POST', '/v1/commands', token, create)).status).toBe(200);
        }
        if (address.startsWith('post/')) {
          const post = { id: `post-${userId}`, to: `user/${userId}`, type: 'post.create', payload: { postId: `p-${userId}`, text: 'Oats' } };
          expect((await call('POST', '/v1/commands', token, post)).status).toBe(200);
          await eventually(async () => ((await versionOf(address)) > 0 ? true : undefined), 10_000, `${address} published`);
          const comment = { id: `k0-${userId}`, to: address, type: 'comment.add', payload: { commentId: 'k0', text: 'Nice' } };
          if (type === 'comment.delete') expect((await call('POST', '/v1/commands', token, comment)).status).toBe(200);
        }
        const command = withText({ id: `c-${userId}`, to: address, type: type as string, payload: template(type, now) }, path, text);
        const before = await versionOf(address);
        const answer = await send(transport, token, command);
        if (!answer.ok) {
          expect(answer.status, `${answer.code} for ${JSON.stringify(text)} in ${type} ${path.join('.')}`).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(await versionOf(address)).toBe(before);
          return;
        }
        // What the server got: msgpackr writes a long string through UTF-8, which turns an unpaired
        // surrogate into U+FFFD on the client; an accepted frame was valid UTF-8, read back as that.
        const received = transport === 'msgpack' ? (unpack(pack(text)) as string) : text;
        await readsBack(address, path, received, before, answer.version);
      }),
      { numRuns },
    );
    // A bounded property (numRuns), each run waiting on the read models: on a loaded 2-core machine
    // the whole case has been seen to take over vitest's 30 s default, so it gets room of its own.
  }, 180_000);

  it('leaves every projection live, no actor crashed, and the kept text survives a rebuild', async () => {
    const { body } = await admin('/v1/admin/projections');
    expect(body.projections.filter((p: { state: string }) => p.state === 'failed')).toEqual([]);
    expect((await admin('/v1/admin/dead-letters')).body.deadLetters).toEqual([]);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).not.toMatch(/gamifier_actor_restarts_total\{[^}]*\} [1-9]/);
    for (const { name } of body.projections as Array<{ name: string }>) {
      expect((await admin(`/v1/admin/projections/${name}/rebuild`, 'POST')).status).toBe(202);
    }
    await eventually(async () => {
      const { body: after } = await admin('/v1/admin/projections');
      expect(after.projections.filter((p: { state: string }) => p.state === 'failed')).toEqual([]);
      return after.projections.every((p: { state: string; lag: { events: number } }) => p.state === 'live' && p.lag.events === 0) ? true : undefined;
    }, 30_000, 'every projection rebuilt and live');
    for (const [id, name] of accepted.names) expect((await read(`/v1/players/${id}`)).body.displayName).toBe(name);
    for (const [id, title] of accepted.titles) expect((await read(`/v1/challenges/${id}`)).body.title).toBe(title);
  });
});
