import type { Sql } from 'postgres';
import { storeError } from '../errors.js';
import { isEncryptedField } from './codec.js';
import { compilePolicy, subjectOfPath, visitPath, type PersonalDataPolicy } from './policy.js';

/**
 * What {@link forgetInStreams} did: events whose plaintext personal fields of the subject it
 * rewrote to their redaction value, snapshots it deleted.
 */
export interface ForgottenCopies {
  rewrittenEvents: number;
  deletedSnapshots: number;
}

/**
 * Forgets a subject's data in the streams that held it, after its key was destroyed
 * (`SubjectKeys.destroy`): deletes those streams' snapshots (plaintext copies of their state; the
 * actors rebuild them from the log, where the subject's fields now read redacted), and rewrites
 * in place every personal field of the subject that is still stored as plaintext — events written
 * before encryption existed, or with encryption off — to its redaction value. That rewrite is the
 * one exception to the log's append-only rule (docs/STORE.md "Personal data"): the event keeps
 * its position, id, type and every other field, and reads as it would had it been encrypted.
 * Idempotent.
 *
 * @example
 * await keys.destroy('u42');
 * await forgetInStreams(sql, policy, 'u42', ['user/u42', 'post/p7']);
 */
export async function forgetInStreams(sql: Sql, policy: PersonalDataPolicy, subject: string, streamIds: readonly string[]): Promise<ForgottenCopies> {
  const paths = compilePolicy(policy);
  const types = [...paths.keys()];
  const streams = [...new Set(streamIds)];
  try {
    let rewrittenEvents = 0;
    const rows = await sql<Array<{ position: string; stream_id: string; type: string; data: string }>>`
      select position::text, stream_id, type, data::text as data from events
      where stream_id = any(${streams}::text[]) and type = any(${types}::text[])
      order by position`;
    for (const row of rows) {
      const data: unknown = JSON.parse(row.data);
      if (data === null || typeof data !== 'object' || Array.isArray(data)) continue;
      const record = data as Record<string, unknown>;
      let changed = false;
      const eventSubject = () => policy.subjectOf(row.stream_id, { type: row.type, data });
      for (const path of paths.get(row.type)!) {
        if (subjectOfPath(path, record, eventSubject) !== subject) continue;
        visitPath(record, path, (holder, field) => {
          const value = holder[field];
          if (isEncryptedField(value) || JSON.stringify(value) === JSON.stringify(path.redacted)) return;
          holder[field] = path.redacted;
          changed = true;
        });
      }
      if (!changed) continue;
      await sql`update events set data = ${JSON.stringify(record)}::text::json where position = ${row.position}::bigint`;
      rewrittenEvents++;
    }
    const deleted = await sql`delete from snapshots where stream_id = any(${streams}::text[])`;
    return { rewrittenEvents, deletedSnapshots: deleted.count };
  } catch (error) {
    throw storeError(error, `forgetting ${subject} in ${streams.length} streams`);
  }
}
