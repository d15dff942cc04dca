export { MasterKeyring, parseMasterKeys, type MasterKey, type WrappedKey } from './keyring.js';
export { SubjectKeys, type SubjectKeysOptions } from './subject-keys.js';
export { PersonalDataCodec, PersonalFieldUnreadableError, isEncryptedField, type EncryptedField } from './codec.js';
export { REDACTED, type PersonalDataPolicy, type PersonalField } from './policy.js';
export { forgetInStreams, type ForgottenCopies } from './forget.js';
