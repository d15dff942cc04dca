export { ErrorCode, errorCatalog, GamifierError } from './errors.js';
export type { ErrorCodeInfo } from './errors.js';
