import { ErrorCode } from '../../protocol/errors.js';
import type { ChallengeState, ReadModelQueries } from '../../game/index.js';
import type { Auth } from '../auth.js';
import { HttpError, ok, type Request, type Router } from './router.js';

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

export function queryInt(request: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = request.query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HttpError(ErrorCode.QUERY_INVALID, `${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function id(request: Request, name: string): string {
  const value = request.params[name]!;
  if (!idPattern.test(value)) throw new HttpError(ErrorCode.QUERY_INVALID, `${name} ${JSON.stringify(value)} is not an id`);
  return value;
}

/** A calendar day `YYYY-MM-DD` that exists (no 2026-13-45, no 2026-02-30), years 1970–9999. */
function day(value: string | null | undefined, name: string): string {
  const date = value && dayPattern.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value || date.getUTCFullYear() < 1970) {
    throw new HttpError(ErrorCode.QUERY_INVALID, `${name} must be a calendar day YYYY-MM-DD from 1970`);
  }
  return value;
}

const MAX_DAYS = 366;
const dayMs = 86_400_000;

/**
 * The read side: players, nutrition by day, leaderboards, challenges and the friends' feed, all
 * answered from the read models (any node can answer them). Every read needs a player token; a
 * feed is its owner's alone.
 */
export function mountReads(router: Router, deps: { queries: ReadModelQueries; auth: Auth }): void {
  const { queries, auth } = deps;
  const player = (handler: (request: Request, userId: string) => Promise<ReturnType<typeof ok>>) => async (request: Request) =>
    handler(request, (await auth.verify(request.headers.authorization)).userId);

  router.get(
    '/v1/players/:id',
    player(async (request) => {
      const profile = await queries.profiles.get(id(request, 'id'));
      if (!profile) throw new HttpError(ErrorCode.PLAYER_NOT_FOUND, `no player ${request.params.id}`);
      return ok(profile);
    }),
  );

  router.get(
    '/v1/players/:id/nutrition/:day',
    player(async (request) => ok(await queries.nutrition.day(id(request, 'id'), day(request.params.day, 'day')))),
  );

  router.get(
    '/v1/players/:id/nutrition',
    player(async (request) => {
      const from = day(request.query.get('from'), 'from');
      const to = day(request.query.get('to'), 'to');
      if (from > to) throw new HttpError(ErrorCode.QUERY_INVALID, 'from must not be after to');
      if ((Date.parse(to) - Date.parse(from)) / dayMs + 1 > MAX_DAYS) {
        throw new HttpError(ErrorCode.QUERY_INVALID, `from and to span at most ${MAX_DAYS} days`);
      }
      return ok({ days: await queries.nutrition.days(id(request, 'id'), from, to) });
    }),
  );

  router.get(
    '/v1/players/:id/feed',
    player(async (request, userId) => {
      const owner = id(request, 'id');
      if (owner !== userId) throw new HttpError(ErrorCode.AUTH_FORBIDDEN, 'a feed is readable by its owner only');
      const before = request.query.get('before');
      return ok(await queries.feed.feed(owner, { limit: queryInt(request, 'limit', 20, 1, 100), ...(before ? { before } : {}) }));
    }),
  );

  router.get(
    '/v1/leaderboards/global',
    player(async (request) => {
      const limit = queryInt(request, 'limit', 100, 1, 1_000);
      const [entries, players] = await Promise.all([queries.leaderboard.top(limit), queries.leaderboard.players()]);
      return ok({ players, entries });
    }),
  );

  router.get(
    '/v1/leaderboards/global/around/:id',
    player(async (request) => {
      const around = await queries.leaderboard.around(id(request, 'id'), queryInt(request, 'k', 5, 0, 50));
      if (!around) throw new HttpError(ErrorCode.PLAYER_NOT_FOUND, `${request.params.id} is not on the leaderboard`);
      return ok(around);
    }),
  );

  router.get(
    '/v1/challenges',
    player(async (request) => {
      const states = (request.query.get('state') ?? 'open,running').split(',') as ChallengeState[];
      const known: readonly ChallengeState[] = ['scheduled', 'open', 'running', 'finished', 'cancelled'];
      if (!states.every((state) => known.includes(state))) {
        throw new HttpError(ErrorCode.QUERY_INVALID, `state is a comma-separated list of ${known.join(', ')}`);
      }
      const after = request.query.get('after');
      return ok(
        await queries.challenges.list({
          states,
          limit: queryInt(request, 'limit', 50, 1, 200),
          ...(after ? { after } : {}),
        }),
      );
    }),
  );

  router.get(
    '/v1/challenges/:id',
    player(async (request) => {
      const challengeId = id(request, 'id');
      const summary = await queries.challenges.get(challengeId);
      if (!summary) throw new HttpError(ErrorCode.CHALLENGE_NOT_FOUND, `no challenge ${challengeId}`);
      return ok({ ...summary, standings: await queries.challenges.standings(challengeId, queryInt(request, 'limit', 100, 1, 1_000)) });
    }),
  );
}
