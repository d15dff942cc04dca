import { describe, expect, it } from 'vitest';
import { command, spec } from '../runtime/spec.js';
import type { Effect } from '../runtime/types.js';
import type { UserCommand } from './commands.js';
import { UserErrorCode as Code } from './errors.js';
import type { UserEvent } from './events.js';
import { userActorType as user } from './index.js';
import { initialUserState } from './state.js';
import { food, fromActor, me, mealPayload, mine, noon, pointsEarned, registered, tracked } from './tests/fixtures.js';

const ev = (type: UserEvent['type'], userId: string) => ({ type, data: { userId } }) as UserEvent;
const deleted = (by: 'player' | 'operator' = 'player'): UserEvent => ({ type: 'user.account.deleted', data: { userId: me, by, at: noon } });
const tell = (to: string): Effect => ({ kind: 'send', to: `user/${to}`, command: { type: 'friend.deleted', payload: { userId: me } } });
const forget: Effect = { kind: 'forget', subject: me };

describe('user: deleting the account', () => {
  it('records the deletion, tells friends and pending requesters, and asks for the player to be forgotten', () => {
    spec(user)
      .given([registered(), ev('social.friend.added', 'u3'), ev('social.friend.request.sent', 'u2'), ev('social.friend.request.received', 'u4'), pointsEarned(10)])
      .when(mine('user.delete', {}))
      .then([deleted()], [tell('u2'), tell('u3'), tell('u4'), forget]);
  });

  it('takes an operator\'s deletion, recorded as such', () => {
    spec(user).given([registered()]).when(command<UserCommand>('user.delete', {}, { origin: 'operator' })).then([deleted('operator')], [forget]);
  });

  it('leaves nothing of the player in the state but their id', () => {
    const after = spec(user).given([registered(), pointsEarned(40), tracked('c1', 'points')]).when(mine('user.delete', {})).stateAfter();
    expect(after).toEqual({ ...initialUserState, userId: me });
  });

  it("rejects another player's deletion of the account", () => {
    spec(user).given([registered()]).when(command<UserCommand>('user.delete', {}, { userId: 'intruder' })).thenRejected(Code.USER_FORBIDDEN);
  });

  it('rejects deleting a player who never registered', () => {
    spec(user).given([]).when(mine('user.delete', {})).thenRejected(Code.USER_NOT_REGISTERED);
  });

  it('rejects every later command with PLAYER_DELETED, registering again and a second deletion included', () => {
    const gone = spec(user).given([registered(), deleted()]);
    expect(gone.lifecycle).toBe('deleted');
    gone.when(mine('user.register', { displayName: 'Ada again', timezone: 'UTC' })).thenRejected(Code.PLAYER_DELETED);
    gone.when(mine('user.delete', {})).thenRejected(Code.PLAYER_DELETED);
    gone.when(mine('meal.log', mealPayload({ foods: [food()] }))).thenRejected(Code.PLAYER_DELETED);
    gone.when(fromActor('points.award', { amount: 300, reason: 'challenge', sourceId: 'c1:1' })).thenRejected(Code.PLAYER_DELETED);
  });
});

describe('user: a friend deleted their account', () => {
  it('ends the friendship', () => {
    spec(user).given([registered(), ev('social.friend.added', 'u2')]).when(fromActor('friend.deleted', { userId: 'u2' })).then([ev('social.friend.removed', 'u2')]);
  });

  it('drops a pending request either way', () => {
    spec(user).given([registered(), ev('social.friend.request.sent', 'u2')]).when(fromActor('friend.deleted', { userId: 'u2' }))
      .then([{ type: 'social.friend.request.declined', data: { userId: 'u2', direction: 'outgoing' } }]);
    spec(user).given([registered(), ev('social.friend.request.received', 'u2')]).when(fromActor('friend.deleted', { userId: 'u2' }))
      .then([{ type: 'social.friend.request.declined', data: { userId: 'u2', direction: 'incoming' } }]);
  });

  it('changes nothing for a stranger, however often it arrives', () => {
    spec(user).given([registered()]).when(fromActor('friend.deleted', { userId: 'u2' })).then([]);
  });

  it('rejects an id that is not a player id', () => {
    spec(user).given([registered()]).when(fromActor('friend.deleted', { userId: 'user/u2' })).thenRejected(Code.FRIEND_ID_INVALID);
  });

  it('is not a client command', () => {
    expect(user.clientCommands).not.toContain('friend.deleted');
    expect(user.clientCommands).toContain('user.delete');
  });
});
