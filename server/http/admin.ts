import type { DeadLetterAdmin, Dispatcher } from '../../actors/runtime/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { isStreamId, type EventStore, type Projections } from '../../store/index.js';
import type { Auth } from '../auth.js';
import { outcomeReply } from './commands.js';
import { queryInt } from './reads.js';
import { HttpError, ok, type Request, type Router } from './router.js';

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

/** Operator endpoints, all behind the admin token: streams, replay, snapshots, dead letters, projections, cluster. */
export function mountAdmin(
  router: Router,
  deps: {
    dispatcher: Pick<Dispatcher, 'replay'>;
    deadLetters: DeadLetterAdmin;
    store: EventStore;
    projections: Projections;
    auth: Auth;
    /** The actor types whose streams `…/state` can replay (`user`, `challenge`). */
    actorTypes: readonly string[];
    /** Members, shard owners and epochs, actors and sessions per node, handoffs (docs/OPERATIONS.md). */
    cluster: () => Promise<Record<string, unknown>>;
  },
): void {
  const admin = (handler: (request: Request) => Promise<ReturnType<typeof ok>>) => (request: Request) => {
    deps.auth.requireAdmin(request.headers.authorization);
    return handler(request);
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
    admin(async (request) => {
      const streamId = address(request);
      const fromVersion = queryInt(request, 'from', 1, 1, 2_147_483_647);
      const limit = queryInt(request, 'limit', 1_000, 1, 10_000);
      const version = await existing(streamId);
      const events = await deps.store.readStream(streamId, { fromVersion, toVersion: fromVersion + limit - 1 });
      return ok({ streamId, version, events });
    }),
  );

  router.get(
    '/v1/admin/streams/:type/:id/state',
    admin(async (request) => {
      const streamId = address(request);
      if (!deps.actorTypes.includes(request.params.type!)) {
        throw new HttpError(ErrorCode.ACTOR_TYPE_UNKNOWN, `no actor type answers to ${streamId} (actor types: ${deps.actorTypes.join(', ')})`);
      }
      const current = await existing(streamId);
      const version = queryInt(request, 'version', current, 0, current);
      const folded = await deps.dispatcher.replay(streamId, version);
      return ok({ streamId, version: folded.version, lifecycle: folded.lifecycle ?? null, state: folded.state, currentVersion: current });
    }),
  );

  router.get(
    '/v1/admin/streams/:type/:id/snapshot',
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
    admin(async (request) => {
      const actor = request.query.get('actor') ?? undefined;
      const letters = await deps.deadLetters.list({
        ...(actor ? { actor } : {}),
        limit: queryInt(request, 'limit', 100, 1, 1_000),
        afterId: queryInt(request, 'after', 0, 0, Number.MAX_SAFE_INTEGER),
      });
      return ok({ deadLetters: letters });
    }),
  );

  router.post(
    '/v1/admin/dead-letters/:id/retry',
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
    admin(async () => {
      const statuses = await deps.projections.status();
      const projections = statuses.map((status) => ({ ...status, parked: { ...status.parked, list: `/v1/admin/projections/${status.name}/parked` } }));
      return ok({ projections });
    }),
  );

  router.get(
    '/v1/admin/projections/:name/parked',
    admin(async (request) => {
      const status = request.query.get('status') ?? 'parked';
      if (status !== 'parked' && status !== 'skipped') throw new HttpError(ErrorCode.QUERY_INVALID, 'status is parked or skipped');
      const generation = request.query.has('generation') ? queryInt(request, 'generation', 1, 1, 2_147_483_647) : undefined;
      const parked = await deps.projections.parked(request.params.name!, {
        status,
        limit: queryInt(request, 'limit', 100, 1, 1_000),
        afterId: queryInt(request, 'after', 0, 0, Number.MAX_SAFE_INTEGER),
        ...(generation === undefined ? {} : { generation }),
      });
      return ok({ parked });
    }),
  );

  router.post(
    '/v1/admin/projections/:name/parked/:id/retry',
    admin(async (request) => {
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
    admin(async (request) => ok({ skipped: await deps.projections.skipParked(request.params.name!, parkedId(request)) })),
  );

  router.post(
    '/v1/admin/projections/:name/rebuild',
    admin(async (request) => {
      // An unknown name throws PROJECTION_NOT_FOUND. The rebuild runs on after the answer; its
      // progress and any failure show in GET /v1/admin/projections.
      const handle = await deps.projections.rebuild(request.params.name!);
      handle.done.catch(() => undefined);
      return ok({ name: handle.name, generation: handle.generation, resumed: handle.resumed, status: 'rebuilding' }, 202);
    }),
  );

  router.get(
    '/v1/admin/cluster',
    admin(async () => ok(await deps.cluster())),
  );
}
