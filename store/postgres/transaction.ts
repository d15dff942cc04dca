import type { Sql } from 'postgres';
import { storeError } from '../errors.js';
import type { Transaction } from '../types.js';

/**
 * Runs `work` in a transaction. Whatever fails it, the caller gets a rejected promise with one of
 * the store's errors: a lost connection is STORE_UNAVAILABLE (the outcome of the commit is then
 * unknown, so the work must be safe to do again), anything else keeps its own error or becomes
 * STORE_QUERY_FAILED. That a statement sent after its transaction's connection closed rejects,
 * instead of throwing outside every promise, is postgres.js' part (4.x; 3.4.x crashed the
 * process, porsager/postgres#1066): `store/tests/transaction.postgres.test.ts` holds it to that.
 *
 * @example
 * await inTransaction(sql, 'swapping generations', async (tx) => { await tx`…`; });
 */
export async function inTransaction<T>(sql: Sql, what: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
  try {
    return (await sql.begin((tx) => work(tx as unknown as Transaction))) as T;
  } catch (error) {
    throw storeError(error, what);
  }
}
