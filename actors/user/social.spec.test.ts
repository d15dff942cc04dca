import { describe, expect, it } from 'vitest';
import { spec } from '../runtime/spec.js';
import type { Effect } from '../runtime/types.js';
import { UserErrorCode as Code } from './errors.js';
import type { UserEvent } from './events.js';
import { userActorType as user } from './index.js';
import { friend, fromActor, me, mine, registered } from './tests/fixtures.js';

const ev = (type: UserEvent['type'], userId = friend) => ({ type, data: { userId } }) as UserEvent;
const sent = (userId = friend) => ev('social.friend.request.sent', userId);
const received = (userId = friend) => ev('social.friend.request.received', userId);
const added = (userId = friend) => ev('social.friend.added', userId);
const removed = (userId = friend) => ev('social.friend.removed', userId);
const declined = (direction: 'incoming' | 'outgoing') => ({ type: 'social.friend.request.declined', data: { userId: friend, direction } }) as UserEvent;
const tell = (type: string, to = friend): Effect => ({ kind: 'send', to: `user/${to}`, command: { type, payload: { userId: me } } });
const manyFriends = (n: number) => Array.from({ length: n }, (_, i) => added(`f${i}`));

describe('user: asking for a friend', () => {
  it('records the request and tells the other player', () => {
    spec(user).given([registered()]).when(mine('friend.request', { userId: friend })).then([sent()], [tell('friend.requested')]);
  });

  it('rejects befriending oneself', () => {
    spec(user).given([registered()]).when(mine('friend.request', { userId: me })).thenRejected(Code.FRIEND_SELF);
  });

  it('rejects an id that is not a player id', () => {
    spec(user).given([registered()]).when(mine('friend.request', { userId: 'user/u2' })).thenRejected(Code.FRIEND_ID_INVALID);
  });

  it('rejects asking a friend, or asking twice', () => {
    spec(user).given([registered(), added()]).when(mine('friend.request', { userId: friend })).thenRejected(Code.FRIEND_ALREADY);
    spec(user).given([registered(), sent()]).when(mine('friend.request', { userId: friend })).thenRejected(Code.FRIEND_REQUEST_PENDING);
  });

  it('rejects a 501st friend', () => {
    spec(user).given([registered(), ...manyFriends(500)]).when(mine('friend.request', { userId: friend })).thenRejected(Code.FRIEND_LIMIT);
  });

  it('counts pending requests toward the limit', () => {
    spec(user).given([registered(), ...manyFriends(499), sent('u3')]).when(mine('friend.request', { userId: friend })).thenRejected(Code.FRIEND_LIMIT);
  });

  it('treats asking someone who already asked as accepting', () => {
    spec(user).given([registered(), received()]).when(mine('friend.request', { userId: friend })).then([added()], [tell('friend.accepted')]);
  });

  it('reads ids such as "constructor" as ids, not as object properties', () => {
    spec(user).given([registered()]).when(mine('friend.request', { userId: 'constructor' })).then([sent('constructor')], [tell('friend.requested', 'constructor')]);
  });
});

describe('user: being asked (from the other player)', () => {
  it('records the request received', () => {
    spec(user).given([registered()]).when(fromActor('friend.requested', { userId: friend })).then([received()], []);
  });

  it('ignores a redelivered request, or one from a friend', () => {
    spec(user).given([registered(), received()]).when(fromActor('friend.requested', { userId: friend })).then([]);
    spec(user).given([registered(), added()]).when(fromActor('friend.requested', { userId: friend })).then([]);
  });

  it('makes crossing requests a friendship on both sides', () => {
    spec(user).given([registered(), sent()]).when(fromActor('friend.requested', { userId: friend })).then([added()], [tell('friend.accepted')]);
  });

  it('is refused by a player who is not registered', () => {
    spec(user).given([]).when(fromActor('friend.requested', { userId: friend })).thenRejected(Code.USER_NOT_REGISTERED);
  });
});

describe('user: answering a request', () => {
  it('accepts: both become friends', () => {
    const when = spec(user).given([registered(), received()]).when(mine('friend.accept', { userId: friend }));
    when.then([added()], [tell('friend.accepted')]);
    expect(when.stateAfter()).toMatchObject({ friends: { [friend]: true }, requestsReceived: {} });
  });

  it('rejects accepting or declining a request that was never received', () => {
    spec(user).given([registered()]).when(mine('friend.accept', { userId: friend })).thenRejected(Code.FRIEND_REQUEST_UNKNOWN);
    spec(user).given([registered(), sent()]).when(mine('friend.decline', { userId: friend })).thenRejected(Code.FRIEND_REQUEST_UNKNOWN);
  });

  it('rejects accepting beyond 500 friends', () => {
    spec(user).given([registered(), ...manyFriends(500), received()]).when(mine('friend.accept', { userId: friend })).thenRejected(Code.FRIEND_LIMIT);
  });

  it('declines: the request is gone on both sides', () => {
    const when = spec(user).given([registered(), received()]).when(mine('friend.decline', { userId: friend }));
    when.then([declined('incoming')], [tell('friend.declined')]);
    expect(when.stateAfter().requestsReceived).toEqual({});
  });
});

describe('user: the answer reaches the asker (from the other player)', () => {
  it('adds the friend when the request is accepted', () => {
    const when = spec(user).given([registered(), sent()]).when(fromActor('friend.accepted', { userId: friend }));
    when.then([added()], []);
    expect(when.stateAfter()).toMatchObject({ friends: { [friend]: true }, requestsSent: {} });
  });

  it('ignores an acceptance redelivered, or one for no pending request', () => {
    spec(user).given([registered(), sent(), added()]).when(fromActor('friend.accepted', { userId: friend })).then([]);
    spec(user).given([registered()]).when(fromActor('friend.accepted', { userId: friend })).then([]);
  });

  it('drops the pending request when it is declined, once', () => {
    spec(user).given([registered(), sent()]).when(fromActor('friend.declined', { userId: friend })).then([declined('outgoing')]);
    spec(user).given([registered(), sent(), declined('outgoing')]).when(fromActor('friend.declined', { userId: friend })).then([]);
  });
});

describe('user: removing a friend', () => {
  it('removes on this side and tells the other', () => {
    const when = spec(user).given([registered(), added()]).when(mine('friend.remove', { userId: friend }));
    when.then([removed()], [tell('friend.removed')]);
    expect(when.stateAfter().friends).toEqual({});
  });

  it('rejects removing someone who is not a friend', () => {
    spec(user).given([registered()]).when(mine('friend.remove', { userId: friend })).thenRejected(Code.FRIEND_UNKNOWN);
  });

  it('removes on the other side, once', () => {
    spec(user).given([registered(), added()]).when(fromActor('friend.removed', { userId: friend })).then([removed()], []);
    spec(user).given([registered(), added(), removed()]).when(fromActor('friend.removed', { userId: friend })).then([]);
  });
});
