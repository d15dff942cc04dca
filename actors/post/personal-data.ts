import type { PersonalDataPolicy, PersonalField } from '../../store/index.js';
import type { PostEventType } from './events.js';

/**
 * The personal fields of a post's events (docs/STORE.md "Personal data"): a post's text is its
 * author's, a comment's its commenter's, each encrypted with that player's key although the post's
 * stream holds it, so deleting a commenter's account leaves the post readable and their comment
 * `(deleted)`. The stream itself is nobody's.
 */
const fields: { readonly [Type in PostEventType]?: readonly PersonalField[] } = {
  'social.post.published': [{ path: 'text', subject: 'authorId' }],
  'social.comment.added': [{ path: 'text', subject: 'userId' }],
};

export const postPersonalData: PersonalDataPolicy = { fields, subjectOf: () => undefined };
