import { postPersonalData } from '../actors/post/index.js';
import { userPersonalData } from '../actors/user/index.js';
import type { PersonalDataPolicy } from '../store/index.js';

/**
 * The game's personal-data policy: every actor type's personal fields in one table, each event's
 * subject asked of its own stream type's policy (a field may name its own subject, e.g. a
 * comment's commenter). The store encrypts with it (docs/STORE.md "Personal data").
 *
 * @example
 * await openStore({ ...config, personalData: { policy: gamePersonalData, keyring } });
 */
export const gamePersonalData: PersonalDataPolicy = combine({ user: userPersonalData, post: postPersonalData });

function combine(byStreamType: Record<string, PersonalDataPolicy>): PersonalDataPolicy {
  const fields: Record<string, PersonalDataPolicy['fields'][string]> = {};
  for (const [streamType, policy] of Object.entries(byStreamType)) {
    for (const [type, paths] of Object.entries(policy.fields)) {
      if (fields[type]) throw new Error(`personal fields of ${type} are declared by two policies (${streamType} and another)`);
      fields[type] = paths;
    }
  }
  return {
    fields,
    subjectOf: (streamId, event) => {
      const slash = streamId.indexOf('/');
      const policy = slash > 0 ? byStreamType[streamId.slice(0, slash)] : undefined;
      return policy?.subjectOf(streamId, event);
    },
  };
}
