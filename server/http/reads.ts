import { Type, type TInteger, type TProperties } from '@sinclair/typebox';
import {
  ChallengeList,
  ChallengeStates,
  ChallengeWithStandings,
  DailyNutrition,
  FeedPage,
  Leaderboard,
  LeaderboardAround,
  NutritionDays,
  PlayerProfile,
} from '../../protocol/contracts/http.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ReadModelQueries } from '../../game/index.js';
import type { Auth } from '../auth.js';
import { answer, HttpError, type Reply, type Request, type RouteDoc, type Router } from './router.js';

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

/** A whole-number query parameter from `min` to `max`, `fallback` when absent: for the handler and the API document. */
export const QueryInt = (fallback: number, min: number, max: number): TInteger => Type.Integer({ minimum: min, maximum: max, default: fallback });

export function queryInt(request: Request, name: string, schema: TInteger): number {
  const { default: fallback, minimum: min, maximum: max } = schema as TInteger & { default: number; minimum: number; maximum: number };
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
const Day = Type.String({ pattern: dayPattern.source, description: 'a calendar day YYYY-MM-DD from 1970' });
const Cursor = Type.String({ description: 'the `next` of the previous page' });
const FeedLimit = QueryInt(20, 1, 100);
const BoardLimit = QueryInt(100, 1, 1_000);
const Neighbours = QueryInt(5, 0, 50);
const DirectoryLimit = QueryInt(50, 1, 200);
const StandingsLimit = QueryInt(100, 1, 1_000);
const States = Type.String({ default: 'open,running', description: `a comma-separated list of ${ChallengeStates.join(', ')}` });

/** Query parameters none of which a request needs. */
export const optional = (parameters: TProperties) => Type.Partial(Type.Object(parameters));

/** A read's document: a player's token, these answers, and QUERY_INVALID for a bad id or parameter. */
const read = (summary: string, response: RouteDoc['responses'][number], errors: ErrorCode[] = [], query?: RouteDoc['query']): RouteDoc => ({
  summary,
  auth: 'player',
  responses: { 200: response },
  errors: [ErrorCode.QUERY_INVALID, ...errors],
  ...(query ? { query } : {}),
});

/**
 * The read side: players, nutrition by day, leaderboards, challenges and the friends' feed, all
 * answered from the read models (any node can answer them). Every read needs a player token; a
 * feed is its owner's alone.
 */
export function mountReads(router: Router, deps: { queries: ReadModelQueries; auth: Auth }): void {
  const { queries, auth } = deps;
  const player = (handler: (request: Request, userId: string) => Promise<Reply>) => async (request: Request) =>
    handler(request, (await auth.verify(request.headers.authorization)).userId);

  // A player's reads answer alike: PLAYER_NOT_FOUND for an id nobody registered (as the profile
  // read model knows it), zeros only for a registered player's empty days.
  const existingPlayer = async (userId: string): Promise<string> => {
    if (!(await queries.profiles.get(userId))) throw new HttpError(ErrorCode.PLAYER_NOT_FOUND, `no player ${userId}`);
    return userId;
  };

  router.get(
    '/v1/players/:id',
    read("A player's profile", PlayerProfile, [ErrorCode.PLAYER_NOT_FOUND]),
    player(async (request) => {
      const profile = await queries.profiles.get(id(request, 'id'));
      if (!profile) throw new HttpError(ErrorCode.PLAYER_NOT_FOUND, `no player ${request.params.id}`);
      return answer(PlayerProfile, profile);
    }),
  );

  router.get(
    '/v1/players/:id/nutrition/:day',
    read("A player's nutrition on one local day", DailyNutrition, [ErrorCode.PLAYER_NOT_FOUND]),
    player(async (request) => {
      const [userId, date] = [id(request, 'id'), day(request.params.day, 'day')];
      return answer(DailyNutrition, await queries.nutrition.day(await existingPlayer(userId), date));
    }),
  );

  router.get(
    '/v1/players/:id/nutrition',
    read('The days with data in a range of at most 366 days', NutritionDays, [ErrorCode.PLAYER_NOT_FOUND], Type.Object({ from: Day, to: Day })),
    player(async (request) => {
      const from = day(request.query.get('from'), 'from');
      const to = day(request.query.get('to'), 'to');
      if (from > to) throw new HttpError(ErrorCode.QUERY_INVALID, 'from must not be after to');
      if ((Date.parse(to) - Date.parse(from)) / dayMs + 1 > MAX_DAYS) {
        throw new HttpError(ErrorCode.QUERY_INVALID, `from and to span at most ${MAX_DAYS} days`);
      }
      return answer(NutritionDays, { days: await queries.nutrition.days(await existingPlayer(id(request, 'id')), from, to) });
    }),
  );

  router.get(
    '/v1/players/:id/feed',
    read("The friends' activity, newest first (its owner only)", FeedPage, [ErrorCode.AUTH_FORBIDDEN], optional({ limit: FeedLimit, before: Cursor })),
    player(async (request, userId) => {
      const owner = id(request, 'id');
      if (owner !== userId) throw new HttpError(ErrorCode.AUTH_FORBIDDEN, 'a feed is readable by its owner only');
      const before = request.query.get('before');
      return answer(FeedPage, await queries.feed.feed(owner, { limit: queryInt(request, 'limit', FeedLimit), ...(before ? { before } : {}) }));
    }),
  );

  router.get(
    '/v1/leaderboards/global',
    read('The global leaderboard', Leaderboard, [], optional({ limit: BoardLimit })),
    player(async (request) => {
      const limit = queryInt(request, 'limit', BoardLimit);
      const [entries, players] = await Promise.all([queries.leaderboard.top(limit), queries.leaderboard.players()]);
      return answer(Leaderboard, { players, entries });
    }),
  );

  router.get(
    '/v1/leaderboards/global/around/:id',
    read("A player's rank with k neighbours each side", LeaderboardAround, [ErrorCode.PLAYER_NOT_FOUND], optional({ k: Neighbours })),
    player(async (request) => {
      const around = await queries.leaderboard.around(id(request, 'id'), queryInt(request, 'k', Neighbours));
      if (!around) throw new HttpError(ErrorCode.PLAYER_NOT_FOUND, `${request.params.id} is not on the leaderboard`);
      return answer(LeaderboardAround, around);
    }),
  );

  router.get(
    '/v1/challenges',
    read('The challenge directory', ChallengeList, [], optional({ state: States, limit: DirectoryLimit, after: Cursor })),
    player(async (request) => {
      const states = (request.query.get('state') ?? 'open,running').split(',') as (typeof ChallengeStates)[number][];
      if (!states.every((state) => ChallengeStates.includes(state))) throw new HttpError(ErrorCode.QUERY_INVALID, `state is ${States.description}`);
      const after = request.query.get('after');
      return answer(
        ChallengeList,
        await queries.challenges.list({
          states,
          limit: queryInt(request, 'limit', DirectoryLimit),
          ...(after ? { after } : {}),
        }),
      );
    }),
  );

  router.get(
    '/v1/challenges/:id',
    read('One challenge with its standings', ChallengeWithStandings, [ErrorCode.CHALLENGE_NOT_FOUND], optional({ limit: StandingsLimit })),
    player(async (request) => {
      const challengeId = id(request, 'id');
      const summary = await queries.challenges.get(challengeId);
      if (!summary) throw new HttpError(ErrorCode.CHALLENGE_NOT_FOUND, `no challenge ${challengeId}`);
      return answer(ChallengeWithStandings, { ...summary, standings: await queries.challenges.standings(challengeId, queryInt(request, 'limit', StandingsLimit)) });
    }),
  );
}
