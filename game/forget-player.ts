import type { Sql } from 'postgres';
import { taken, type Dispatcher } from '../actors/runtime/index.js';
import { forgetInStreams, REDACTED as forgottenText, type SubjectKeys } from '../store/index.js';
import { gamePersonalData } from './personal-data.js';

export interface ForgetPlayerDeps {
  sql: Sql;
  keys: SubjectKeys;
  dispatcher: Pick<Dispatcher, 'send'>;
}

/**
 * The outbox's `forget` hook for the game: what happens once a `user.account.deleted` is
 * committed, at least once and in this order (each step idempotent, so a crash repeats it):
 *
 * 1. the player's data key is destroyed: every field encrypted with it reads `(deleted)`;
 * 2. every post they wrote or commented on is told (`post.forget`), so an active post actor stops
 *    serving their text from memory and never snapshots it again;
 * 3. in their stream and those posts, personal fields still stored as plaintext (events written
 *    before encryption) are rewritten to `(deleted)`, and the snapshots are deleted;
 * 4. the texts of their posts carried in the outbox's delivered `post.publish` effects are
 *    rewritten to `(deleted)` in the metadata of their `social.post.created` events;
 * 5. dead letters of their actor, or sent by them, are deleted.
 *
 * Challenges hold no personal strings of a player (ids and scores), so nothing there changes.
 *
 * @example
 * new EffectsProcessor({ …, forget: forgetPlayer({ sql, keys: store.subjectKeys, dispatcher }) });
 */
export function forgetPlayer(deps: ForgetPlayerDeps): (userId: string, causationId: string) => Promise<void> {
  return async (userId, causationId) => {
    const { sql, keys, dispatcher } = deps;
    await keys.destroy(userId);
    const posts = await postsHolding(sql, userId);
    for (const post of posts) {
      const outcome = await dispatcher.send({ id: `${causationId}:forget:${post}`, to: post, type: 'post.forget', payload: { userId }, meta: { origin: 'actor', causationId } });
      if (!taken(outcome)) throw new Error(`${post} did not take post.forget of ${userId}: ${JSON.stringify(outcome)}`);
    }
    const own = `user/${userId}`;
    await forgetInStreams(sql, gamePersonalData, userId, [own, ...posts]);
    await scrubPublishEffects(sql, own);
    await sql`delete from dead_letters where actor = ${own} or command->'meta'->>'userId' = ${userId}`;
  };
}

/** The posts whose events hold the player's text: those they published, and those they commented on. */
async function postsHolding(sql: Sql, userId: string): Promise<string[]> {
  const rows = await sql<Array<{ stream_id: string }>>`
    select distinct stream_id from events
    where stream_type = 'post'
      and ((type = 'social.post.published' and data->>'authorId' = ${userId}) or (type = 'social.comment.added' and data->>'userId' = ${userId}))
    order by stream_id`;
  return rows.map((row) => row.stream_id);
}

/**
 * A post's text travels, in plaintext, in the `post.publish` effect stored with the author's
 * `social.post.created` (the outbox delivers it from there). Once delivered it is of no use; at
 * deletion it is rewritten to `(deleted)` — the same documented exception to append-only as
 * {@link forgetInStreams}'s.
 */
async function scrubPublishEffects(sql: Sql, stream: string): Promise<void> {
  const rows = await sql<Array<{ position: string; metadata: string }>>`
    select position::text, metadata::text as metadata from events where stream_id = ${stream} and type = 'social.post.created'`;
  for (const row of rows) {
    const metadata = JSON.parse(row.metadata) as { effects?: Array<{ kind?: string; command?: { type?: string; payload?: { text?: unknown } } }> };
    let changed = false;
    for (const effect of metadata.effects ?? []) {
      const payload = effect.command?.type === 'post.publish' ? effect.command.payload : undefined;
      if (payload && typeof payload.text === 'string' && payload.text !== forgottenText) {
        payload.text = forgottenText;
        changed = true;
      }
    }
    if (changed) await sql`update events set metadata = ${JSON.stringify(metadata)}::text::json where position = ${row.position}::bigint`;
  }
}
