import { Type } from '@sinclair/typebox';
import type { DeadLetterAdmin, Dispatcher } from '../../actors/runtime/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { isStreamId, type EventStore, type Projections } from '../../store/index.js';
import type { Auth } from '../auth.js';
import { CommandApplied } from '../../protocol/contracts/http.js';
import * as Body from './admin-bodies.js';
import { commandErrors, outcomeReply } from './commands.js';
import { optional, QueryInt, queryInt } from './reads.js';
import { HttpError, ok, type Handler, type Reply, type Request, type RouteDoc, type Router } from './router.js';

function address(request: Request): string {
  const streamId = `${request.params.type}/${request.params.id}`;
  if (!isStreamId(streamId)) throw new HttpError(ErrorCode.STREAM_ID_INVALID, `${streamId} is not a stream id`);
  return streamId;
}

function parkedId(request: Request): number {
  const id = Number(request.params.id);
  if (!Number.isSafeInteger(id) || id < 1) throw new HttpError(ErrorCode.QUERY_INVALID, 'parked event ids are whole numbers');
  return id;
}

const FromVersion = QueryInt(1, 1, 2_147_483_647);
const EventsLimit = QueryInt(1_000, 1, 10_000);
const ListLimit = QueryInt(100, 1, 1_000);
const After = QueryInt(0, 0, Number.MAX_SAFE_INTEGER);
const Generation = QueryInt(1, 1, 2_147_483_647);

/** An operator endpoint's document: the admin token, these answers and codes. */
const operator = (summary: string, responses: RouteDoc['responses'], errors: ErrorCode[], query?: RouteDoc['query']): RouteDoc => ({
  summary,
  auth: 'admin',
  responses,
  errors,
  ...(query ? { query } : {}),
});
const streamErrors = [ErrorCode.STREAM_ID_INVALID, ErrorCode.QUERY_INVALID, ErrorCode.STREAM_NOT_FOUND];

/** Operator endpoints, all behind the admin token: streams, replay, snapshots, dead letters, projections, cluster. */
export function mountAdmin(
  router: Router,
  deps: {
    dispatcher: Pick<Dispatcher, 'replay' | 'send'>;
    deadLetters: DeadLetterAdmin;
    store: EventStore;
    projections: Projections;
    auth: Auth;
    /** The actor types whose streams `…/state` can replay (`user`, `challenge`). */
    actorTypes: readonly string[];
    /** Members, shard owners and epochs, actors and sessions per node, handoffs (docs/OPERATIONS.md). */
    cluster: () => Promise<Record<string, unknown>>;
    /** Runs a projection request where the projectors run: here, or (in a cluster) on the holder of shard 0 (http/admin-forward.ts). */
    atProjectors?: (handler: Handler) => Handler;
  },
): void {
  const admin = (handler: (request: Request) => Promise<Reply>) => (request: Request) => {
    deps.auth.requireAdmin(request.headers.authorization);
    return handler(request);
  };
  // The token is checked here, where the request came in; a node it is forwarded to checks it again.
  const atProjectors = (handler: (request: Request) => Promise<Reply>): Handler => {
    const where = deps.atProjectors?.(handler);
    return admin(where ? async (request) => where(request) : handler);
  };

  // The three views of one stream answer alike: a malformed id is STREAM_ID_INVALID, a stream
  // without events STREAM_NOT_FOUND (404) on each of them; `state` also needs an actor type to fold
  // with (ACTOR_TYPE_UNKNOWN, checked first: no such stream can ever have a state).
  const existing = async (streamId: string): Promise<number> => {
    const current = await deps.store.streamVersion(streamId);
    if (current === 0) throw new HttpError(ErrorCode.STREAM_NOT_FOUND, `${streamId} has no events`);
    return current;
  };

  router.get(
    '/v1/admin/streams/:type/:id/events',
    operator("A stream's events from a version, and its current version", { 200: Body.StreamEvents }, streamErrors, optional({ from: FromVersion, limit: EventsLimit })),
    admin(async (request) => {
      const streamId = address(request);
      const fromVersion = queryInt(request, 'from', FromVersion);
      const limit = queryInt(request, 'limit', EventsLimit);
      const version = await existing(streamId);
      const events = await deps.store.readStream(streamId, { fromVersion, toVersion: fromVersion + limit - 1 });
      return ok({ streamId, version, events });
    }),
  );

  router.get(
    '/v1/admin/streams/:type/:id/state',
    operator("The actor's state replayed up to a version (default: all)", { 200: Body.StreamState }, [...streamErrors, ErrorCode.ACTOR_TYPE_UNKNOWN], optional({
      version: Type.Integer({ minimum: 0, description: 'default: the current version' }),
    })),
    admin(async (request) => {
      const streamId = address(request);
      if (!deps.actorTypes.includes(request.params.type!)) {
        throw new HttpError(ErrorCode.ACTOR_TYPE_UNKNOWN, `no actor type answers to ${streamId} (actor types: ${deps.actorTypes.join(', ')})`);
      }
      const current = await existing(streamId);
      const version = queryInt(request, 'version', QueryInt(current, 0, current));
      const folded = await deps.dispatcher.replay(streamId, version);
      return ok({ streamId, version: folded.version, lifecycle: folded.lifecycle ?? null, state: folded.state, currentVersion: current });
    }),
  );

  router.get(
    '/v1/admin/streams/:type/:id/snapshot',
    operator('The latest snapshot and the version it covers (snapshot: null while the stream has none yet), with the current version', { 200: Body.StreamSnapshot }, [ErrorCode.STREAM_ID_INVALID, ErrorCode.STREAM_NOT_FOUND]),
    admin(async (request) => {
      const streamId = address(request);
      const current = await existing(streamId);
      const snapshot = await deps.store.loadSnapshot(streamId);
      // A stream with events and no snapshot yet (fewer than SNAPSHOT_EVERY events) is no error.
      if (!snapshot) return ok({ streamId, snapshot: null, currentVersion: current });
      return ok({ ...snapshot, currentVersion: current });
    }),
  );

  router.get(
    '/v1/admin/dead-letters',
    operator('Commands that crashed their actor on every attempt', { 200: Body.DeadLetters }, [ErrorCode.QUERY_INVALID], optional({ actor: Type.String(), limit: ListLimit, after: After })),
    admin(async (request) => {
      const actor = request.query.get('actor') ?? undefined;
      const letters = await deps.deadLetters.list({
        ...(actor ? { actor } : {}),
        limit: queryInt(request, 'limit', ListLimit),
        afterId: queryInt(request, 'after', After),
      });
      return ok({ deadLetters: letters });
    }),
  );

  router.post(
    '/v1/admin/dead-letters/:id/retry',
    operator('Send a dead letter again (same id); answers like POST /v1/commands', { 200: CommandApplied }, [ErrorCode.QUERY_INVALID, ErrorCode.DEAD_LETTER_NOT_FOUND, ...commandErrors]),
    admin(async (request) => {
      const id = Number(request.params.id);
      if (!Number.isInteger(id)) throw new HttpError(ErrorCode.QUERY_INVALID, 'dead letter ids are whole numbers');
      const letter = await deps.deadLetters.get(id);
      if (!letter) throw new HttpError(ErrorCode.DEAD_LETTER_NOT_FOUND, `no dead letter ${id}`);
      return outcomeReply(letter.commandId, await deps.deadLetters.retry(id));
    }),
  );

  router.delete(
    '/v1/admin/dead-letters/:id',
    operator('Discard a dead letter', { 200: Body.DeadLetterDiscarded }, [ErrorCode.DEAD_LETTER_NOT_FOUND]),
    admin(async (request) => {
      const id = Number(request.params.id);
      if (!Number.isInteger(id) || !(await deps.deadLetters.discard(id))) {
        throw new HttpError(ErrorCode.DEAD_LETTER_NOT_FOUND, `no dead letter ${request.params.id}`);
      }
      return ok({ discarded: id });
    }),
  );

  router.get(
    '/v1/admin/projections',
    operator('Every projection: state, generation, checkpoint, lag, rebuild, parked events', { 200: Body.ProjectionStatuses }, [ErrorCode.PROJECTORS_UNAVAILABLE]),
    atProjectors(async () => {
      const statuses = await deps.projections.status();
      const projections = statuses.map((status) => ({ ...status, parked: { ...status.parked, list: `/v1/admin/projections/${status.name}/parked` } }));
      return ok({ projections });
    }),
  );

  router.get(
    '/v1/admin/projections/:name/parked',
    operator('The events a projection parked, in log order', { 200: Body.ParkedEvents }, [ErrorCode.QUERY_INVALID, ErrorCode.PROJECTION_NOT_FOUND, ErrorCode.PROJECTORS_UNAVAILABLE], optional({
      status: Type.Union([Type.Literal('parked'), Type.Literal('skipped')], { default: 'parked' }),
      generation: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'default: the served generation' }),
      limit: ListLimit,
      after: After,
    })),
    atProjectors(async (request) => {
      const status = request.query.get('status') ?? 'parked';
      if (status !== 'parked' && status !== 'skipped') throw new HttpError(ErrorCode.QUERY_INVALID, 'status is parked or skipped');
      const generation = request.query.has('generation') ? queryInt(request, 'generation', Generation) : undefined;
      const parked = await deps.projections.parked(request.params.name!, {
        status,
        limit: queryInt(request, 'limit', ListLimit),
        afterId: queryInt(request, 'after', After),
        ...(generation === undefined ? {} : { generation }),
      });
      return ok({ parked });
    }),
  );

  router.post(
    '/v1/admin/projections/:name/parked/:id/retry',
    operator('Apply a parked event again, on its own', { 200: Body.ParkedRetried }, [ErrorCode.QUERY_INVALID, ErrorCode.PROJECTION_NOT_FOUND, ErrorCode.PARKED_EVENT_NOT_FOUND, ErrorCode.PARKED_EVENT_STILL_FAILS, ErrorCode.PROJECTORS_UNAVAILABLE]),
    atProjectors(async (request) => {
      const id = parkedId(request);
      const outcome = await deps.projections.retryParked(request.params.name!, id);
      if (!outcome.applied) {
        throw new HttpError(ErrorCode.PARKED_EVENT_STILL_FAILS, `parked event ${id} failed again: ${outcome.parked.error}`, { parked: outcome.parked });
      }
      return ok({ retried: id, applied: true });
    }),
  );

  router.post(
    '/v1/admin/projections/:name/parked/:id/skip',
    operator('Discard a parked event for good (it stays on record as skipped)', { 200: Body.ParkedSkipped }, [ErrorCode.QUERY_INVALID, ErrorCode.PROJECTION_NOT_FOUND, ErrorCode.PARKED_EVENT_NOT_FOUND, ErrorCode.PROJECTORS_UNAVAILABLE]),
    atProjectors(async (request) => ok({ skipped: await deps.projections.skipParked(request.params.name!, parkedId(request)) })),
  );

  router.post(
    '/v1/admin/projections/:name/rebuild',
    operator('Rebuild a read model into a new generation while the current one serves', { 202: Body.RebuildStarted }, [ErrorCode.PROJECTION_NOT_FOUND, ErrorCode.PROJECTORS_UNAVAILABLE]),
    atProjectors(async (request) => {
      // An unknown name throws PROJECTION_NOT_FOUND. The rebuild runs on after the answer; its
      // progress and any failure show in GET /v1/admin/projections.
      const handle = await deps.projections.rebuild(request.params.name!);
      handle.done.catch(() => undefined);
      return ok({ name: handle.name, generation: handle.generation, resumed: handle.resumed, status: 'rebuilding' }, 202);
    }),
  );

  router.post(
    '/v1/admin/players/:id/delete',
    operator(
      "Delete a player's account for good (`user.delete` from an operator): their data key is destroyed, they leave the read models, friends are told (docs/OPERATIONS.md \"Deleting a player\"); answers like POST /v1/commands. Its command id is `operator-delete:<id>`, so asking again answers the first outcome",
      { 200: CommandApplied },
      [ErrorCode.STREAM_ID_INVALID, ...commandErrors],
    ),
    admin(async (request) => {
      const to = `user/${request.params.id}`;
      if (!isStreamId(to)) throw new HttpError(ErrorCode.STREAM_ID_INVALID, `${to} is not a player's address`);
      const id = `operator-delete:${request.params.id}`;
      return outcomeReply(id, await deps.dispatcher.send({ id, to, type: 'user.delete', payload: {}, meta: { origin: 'operator' } }));
    }),
  );

  router.get(
    '/v1/admin/cluster',
    operator('Members, shard owners and epochs, actors and sessions per node, handoffs', { 200: Body.ClusterStatus }, []),
    admin(async () => ok(await deps.cluster())),
  );
}
