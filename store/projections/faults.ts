import { isConnectionError, StoreClosedError, StoreUnavailableError } from '../errors.js';

/**
 * SQLSTATE classes that say the database could not do the work right now, whatever the event:
 * 08 connection exception, 40 transaction rollback (serialization failure, deadlock), 53
 * insufficient resources (disk full, out of memory, too many connections), 57 operator
 * intervention (statement timeout, shutdown), 58 system error (I/O), XX internal error. Plus
 * 55P03 (lock not available).
 */
const transientClasses = new Set(['08', '40', '53', '57', '58', 'XX']);

/**
 * Whether a failed batch failed because of the database (unreachable, closed, overloaded, a
 * deadlock, a timeout: retry it from the checkpoint, however long that takes, and never park
 * anything) rather than possibly because of an event (anything else: a statement the database
 * refused for the data it was given — a bad cast, a constraint, invalid JSON — or an exception
 * thrown by the projection's code). Only the second kind leads to looking for a poison event.
 *
 * @example
 * isTransient(new StoreUnavailableError('down'))     // true
 * isTransient(new TypeError('x is undefined'))       // false
 */
export function isTransient(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    if (current instanceof StoreUnavailableError || current instanceof StoreClosedError || isConnectionError(current)) return true;
    const code = sqlState(current);
    if (code) return transientClasses.has(code.slice(0, 2)) || code === '55P03';
  }
  return false;
}

/** The error's message, with the database's detail when it gave one (what an operator reads). */
export function faultText(error: Error): string {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    const detail = (current as { detail?: unknown }).detail;
    if (sqlState(current) && typeof detail === 'string' && detail) return `${error.message} (${detail})`;
  }
  return error.message;
}

/** The SQLSTATE of an error the database raised (postgres.js' PostgresError), if it is one. */
function sqlState(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return error.name === 'PostgresError' && typeof code === 'string' ? code : undefined;
}
