import type { PersonalDataPolicy, PersonalField } from '../../store/index.js';
import type { UserEventType } from './events.js';

/**
 * The personal fields of the player's events: encrypted in the event log with the player's own
 * key, and read as the redaction value once that key is destroyed (docs/STORE.md "Personal
 * data"). The subject is the player whose stream holds the event. A redaction keeps the value
 * usable by evolve and the read models: a timezone reads as UTC, a food as `(deleted)`.
 *
 * Paths apply to every schema version of a type: when a field moves, add its new path and keep
 * the old one, so that older events still decrypt.
 */
const fields: { readonly [Type in UserEventType]?: readonly PersonalField[] } = {
  'user.registered': ['displayName', { path: 'timezone', redacted: 'UTC' }],
  'user.profile.updated': ['displayName', { path: 'avatar', redacted: null }, { path: 'timezone', redacted: 'UTC' }],
  'nutrition.meal.logged': ['foods[].name'],
  'social.post.created': ['text'],
};

export const userPersonalData: PersonalDataPolicy = {
  fields,
  subjectOf: (streamId) => (streamId.startsWith('user/') ? streamId.slice('user/'.length) : undefined),
};
