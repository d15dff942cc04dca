import { reject, type Rejection } from '../runtime/types.js';
import type { FriendDeleted } from './commands.js';
import type { Draft } from './draft.js';
import { UserErrorCode as Code } from './errors.js';
import { has } from '../domain/records.js';
import { isId } from '../domain/validate.js';

/**
 * `user.delete`: the account goes for good. Friends and the players with a pending request are
 * told (`friend.deleted`, so each of their streams records the friendship's end), and the
 * runtime forgets the player once the event is committed (the `forget` effect: their data key
 * destroyed, the copies of their personal data dropped). No challenge progress and no shared
 * moment follow it.
 */
export function deleteAccount(draft: Draft): Rejection | void {
  const { userId, state, command } = draft;
  const others = new Set([...Object.keys(state.friends), ...Object.keys(state.requestsSent), ...Object.keys(state.requestsReceived)]);
  draft.emit({ type: 'user.account.deleted', data: { userId, by: command.meta.origin === 'operator' ? 'operator' : 'player', at: draft.now } });
  for (const other of [...others].sort()) draft.send(`user/${other}`, 'friend.deleted', { userId });
  draft.effects.push({ kind: 'forget', subject: userId });
}

/** The other player's account was deleted: what linked them goes (a friendship, a pending request either way). */
export function friendDeleted(draft: Draft, { payload }: FriendDeleted): Rejection | void {
  const other = payload.userId;
  if (!isId(other) || other === draft.userId) return reject(Code.FRIEND_ID_INVALID, 'friend.deleted needs the deleted player\'s id');
  const { friends, requestsSent, requestsReceived } = draft.state;
  if (has(friends, other)) draft.emit({ type: 'social.friend.removed', data: { userId: other } });
  else if (has(requestsSent, other)) draft.emit({ type: 'social.friend.request.declined', data: { userId: other, direction: 'outgoing' } });
  else if (has(requestsReceived, other)) draft.emit({ type: 'social.friend.request.declined', data: { userId: other, direction: 'incoming' } });
}
