import { Type } from '@sinclair/typebox';
import { appliedVersion, type Dispatcher, type Outcome } from '../../actors/runtime/index.js';
import { CommandApplied, CommandBody, CommandStatus } from '../../protocol/contracts/http.js';
import { CommandRequest } from '../../protocol/commands.js';
import { ErrorCode } from '../../protocol/errors.js';
import { checkCommandTarget, mayCommand } from '../../protocol/frames.js';
import { isText } from '../../protocol/text.js';
import { validateClientCommand } from '../../protocol/validate.js';
import type { EventStore } from '../../store/index.js';
import type { Clock } from '../../actors/runtime/index.js';
import type { Auth } from '../auth.js';
import type { RateBudgets } from '../gateway/index.js';
import { answer, errorBody, HttpError, type Reply, type Router } from './router.js';

/** The answer to a command, as HTTP (and later the WebSocket) reports it. */
export function outcomeReply(id: string, outcome: Outcome): Reply {
  switch (outcome.status) {
    case 'ok':
      return answer(CommandApplied, {
        id,
        status: 'ok',
        version: outcome.version,
        duplicate: outcome.duplicate,
        events: outcome.events.map((event) => ({ type: event.type, version: event.version, data: event.data })),
      });
    case 'rejected':
      return errorBody(ErrorCode.CMD_REJECTED, outcome.message, { id, reason: outcome.code });
    case 'failed':
      return errorBody(outcome.code, outcome.message, { id });
  }
}

/** What `POST /v1/commands` answers a player over their budget: 429 and when to come back. */
function rateLimited(budgets: RateBudgets, userId: string, now: number): Reply {
  const waitMs = budgets.waitMs(userId, now);
  return {
    ...errorBody(ErrorCode.RATE_LIMITED, `over ${budgets.perSec} commands and frames a second (burst ${budgets.burst}); send it again later`),
    headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1_000))) },
  };
}

/** What sending a command may answer besides its guard's codes (docs/API.md). */
export const commandErrors = [
  ErrorCode.COMMAND_ID_REUSED,
  ErrorCode.CMD_REJECTED,
  ErrorCode.ACTOR_CRASHED,
  ErrorCode.ACTOR_CRASHED_NOT_KEPT,
  ErrorCode.EVENT_NOT_SERIALIZABLE,
  ErrorCode.ACTOR_UNAVAILABLE,
  ErrorCode.STREAM_VERSION_CONFLICT,
  ErrorCode.STORE_UNAVAILABLE,
  ErrorCode.RUNTIME_STOPPED,
  ErrorCode.SHARD_UNAVAILABLE,
] as const;

const ActorAddress = Type.String({ pattern: CommandRequest.properties.to.pattern!, description: 'the actor the command went to, e.g. user/u42 or like/p1@u42' });
const actorAddress = new RegExp(ActorAddress.pattern!);

/**
 * `POST /v1/commands` — a client command, validated, authorised (a player commands only their
 * own `user/<id>` and likes; challenges and posts check the player themselves) and sent to its actor. It draws from
 * the player's rate budget, the one their WebSocket connections share: over it, 429 RATE_LIMITED
 * with `Retry-After`.
 * `GET /v1/commands/:id?to=…` — what became of a command: applied (with its version) or unknown.
 */
export function mountCommands(router: Router, deps: { dispatcher: Pick<Dispatcher, 'send'>; store: Pick<EventStore, 'commandEvents'>; auth: Auth; budgets: RateBudgets; clock: Pick<Clock, 'now'> }): void {
  const sendDoc = {
    summary: 'Send a command to an actor',
    auth: 'player',
    body: CommandBody,
    responses: { 200: CommandApplied },
    errors: [ErrorCode.RATE_LIMITED, ErrorCode.COMMAND_INVALID, ErrorCode.COMMAND_UNKNOWN, ErrorCode.AUTH_FORBIDDEN, ...commandErrors],
  } as const;
  router.post('/v1/commands', sendDoc, async (request) => {
    const principal = await deps.auth.verify(request.headers.authorization);
    const now = deps.clock.now();
    if (!deps.budgets.take(principal.userId, now)) return rateLimited(deps.budgets, principal.userId, now);
    const checked = validateClientCommand(request.body);
    const targeted = checked.ok ? checkCommandTarget(checked.value) : checked;
    if (!targeted.ok) throw new HttpError(targeted.code, targeted.message);
    const command = targeted.value;
    const allowed = mayCommand(principal.userId, command.to);
    if (!allowed.ok) throw new HttpError(allowed.code, allowed.message);
    const outcome = await deps.dispatcher.send({
      id: command.id,
      to: command.to,
      type: command.type,
      payload: command.payload,
      meta: { origin: 'client', userId: principal.userId, correlationId: command.id },
    });
    return outcomeReply(command.id, outcome);
  });

  const statusDoc = {
    summary: 'What became of one of your commands',
    auth: 'player',
    query: Type.Object({ to: ActorAddress }),
    responses: { 200: CommandStatus },
    errors: [ErrorCode.QUERY_INVALID, ErrorCode.AUTH_FORBIDDEN, ErrorCode.COMMAND_NOT_FOUND],
  } as const;
  router.get('/v1/commands/:id', statusDoc, async (request) => {
    const principal = await deps.auth.verify(request.headers.authorization);
    const to = request.query.get('to');
    if (!to || !actorAddress.test(to)) {
      throw new HttpError(ErrorCode.QUERY_INVALID, 'add ?to=<actor address> (e.g. user/u42)');
    }
    const id = request.params.id!;
    if (id.length > 128 || !isText(id)) throw new HttpError(ErrorCode.QUERY_INVALID, 'a command id is text of at most 128 characters (docs/API.md)');
    const allowed = mayCommand(principal.userId, to);
    if (!allowed.ok) throw new HttpError(allowed.code, allowed.message);
    // Command ids are the sender's own: this finds the asking player's command of that id.
    const version = await appliedVersion(deps.store, to, { id, meta: { origin: 'client', userId: principal.userId } });
    if (version === undefined) throw new HttpError(ErrorCode.COMMAND_NOT_FOUND, `no command ${request.params.id} was applied to ${to}`);
    return answer(CommandStatus, { id, to, status: 'ok', version });
  });
}
