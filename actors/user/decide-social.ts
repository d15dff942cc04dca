import { reject, type Rejection } from '../runtime/types.js';
import type { FriendAccept, FriendAccepted, FriendDecline, FriendDeclined, FriendRemove, FriendRemoved, FriendRequest, FriendRequested } from './commands.js';
import type { Draft } from './draft.js';
import { UserErrorCode as Code } from './errors.js';
import { count, has } from '../domain/records.js';
import { userRules } from './rules.js';
import { isId } from '../domain/validate.js';

// The two-sided friend flow. Each side records its half with its own events and tells the other
// side with a system command; every system command is idempotent (a redelivery changes nothing).
//
//   A: friend.request B   → social.friend.request.sent B      ─friend.requested A→ B: social.friend.request.received A
//   B: friend.accept A    → social.friend.added A             ─friend.accepted B → A: social.friend.added B
//   B: friend.decline A   → social.friend.request.declined A  ─friend.declined B → A: social.friend.request.declined B
//   A: friend.remove B    → social.friend.removed B           ─friend.removed A  → B: social.friend.removed A
//
// Requests crossing each other (both asked) become a friendship on both sides.

function otherPlayer(draft: Draft, command: { payload: { userId: string } }): Rejection | string {
  const { userId } = command.payload;
  if (!isId(userId)) return reject(Code.FRIEND_ID_INVALID, 'userId must be a player id');
  if (userId === draft.userId) return reject(Code.FRIEND_SELF, 'a player cannot befriend themselves');
  return userId;
}

/** Friends plus unanswered requests sent: accepting every pending request then stays within the limit. */
function hasRoom(draft: Draft): boolean {
  return count(draft.state.friends) + count(draft.state.requestsSent) < userRules.friends.max;
}

const limitReached = () => reject(Code.FRIEND_LIMIT, `a player has at most ${userRules.friends.max} friends (pending requests included)`);

export function requestFriend(draft: Draft, command: FriendRequest): Rejection | void {
  const other = otherPlayer(draft, command);
  if (typeof other !== 'string') return other;
  const { friends, requestsSent, requestsReceived } = draft.state;
  if (has(friends, other)) return reject(Code.FRIEND_ALREADY, `already friends with ${other}`);
  if (has(requestsSent, other)) return reject(Code.FRIEND_REQUEST_PENDING, `a request to ${other} is already pending`);
  if (!hasRoom(draft)) return limitReached();
  if (has(requestsReceived, other)) return befriend(draft, other);
  draft.emit({ type: 'social.friend.request.sent', data: { userId: other } });
  draft.send(`user/${other}`, 'friend.requested', { userId: draft.userId });
}

export function acceptFriend(draft: Draft, command: FriendAccept): Rejection | void {
  const other = otherPlayer(draft, command);
  if (typeof other !== 'string') return other;
  if (!has(draft.state.requestsReceived, other)) return reject(Code.FRIEND_REQUEST_UNKNOWN, `no pending request from ${other}`);
  if (!hasRoom(draft)) return limitReached();
  befriend(draft, other);
}

export function declineFriend(draft: Draft, command: FriendDecline): Rejection | void {
  const other = otherPlayer(draft, command);
  if (typeof other !== 'string') return other;
  if (!has(draft.state.requestsReceived, other)) return reject(Code.FRIEND_REQUEST_UNKNOWN, `no pending request from ${other}`);
  draft.emit({ type: 'social.friend.request.declined', data: { userId: other, direction: 'incoming' } });
  draft.send(`user/${other}`, 'friend.declined', { userId: draft.userId });
}

export function removeFriend(draft: Draft, command: FriendRemove): Rejection | void {
  const other = otherPlayer(draft, command);
  if (typeof other !== 'string') return other;
  if (!has(draft.state.friends, other)) return reject(Code.FRIEND_UNKNOWN, `${other} is not a friend`);
  draft.emit({ type: 'social.friend.removed', data: { userId: other } });
  draft.send(`user/${other}`, 'friend.removed', { userId: draft.userId });
}

function befriend(draft: Draft, other: string): void {
  draft.emit({ type: 'social.friend.added', data: { userId: other } });
  draft.send(`user/${other}`, 'friend.accepted', { userId: draft.userId });
}

// The other side's halves (system commands).

export function friendRequested(draft: Draft, command: FriendRequested): Rejection | void {
  const other = otherPlayer(draft, command);
  if (typeof other !== 'string') return other;
  const { friends, requestsSent, requestsReceived } = draft.state;
  if (has(friends, other) || has(requestsReceived, other)) return;
  // Both asked: this player's own request is the acceptance (its slot is already counted).
  if (has(requestsSent, other)) return befriend(draft, other);
  draft.emit({ type: 'social.friend.request.received', data: { userId: other } });
}

export function friendAccepted(draft: Draft, command: FriendAccepted): Rejection | void {
  const other = otherPlayer(draft, command);
  if (typeof other !== 'string') return other;
  // Only an answer to a pending request counts; a late redelivery after a removal is ignored.
  if (!has(draft.state.requestsSent, other)) return;
  draft.emit({ type: 'social.friend.added', data: { userId: other } });
}

export function friendDeclined(draft: Draft, command: FriendDeclined): Rejection | void {
  const other = otherPlayer(draft, command);
  if (typeof other !== 'string') return other;
  if (!has(draft.state.requestsSent, other)) return;
  draft.emit({ type: 'social.friend.request.declined', data: { userId: other, direction: 'outgoing' } });
}

export function friendRemoved(draft: Draft, command: FriendRemoved): Rejection | void {
  const other = otherPlayer(draft, command);
  if (typeof other !== 'string') return other;
  if (!has(draft.state.friends, other)) return;
  draft.emit({ type: 'social.friend.removed', data: { userId: other } });
}
