import type { Migration } from './migration.js';

/**
 * A dead letter is one per message *key*, not per command id: command ids are their sender's own
 * (two players may both send `c8`), so the runtime keys a letter by actor, sender and id.
 * Letters kept before keep their command id as key.
 */
export const deadLetterKeys: Migration = {
  version: 9,
  name: 'dead letters: one per message key',
  sql: `
alter table dead_letters add column message_key text;
update dead_letters set message_key = command_id;
alter table dead_letters alter column message_key set not null;
alter table dead_letters drop constraint dead_letters_command_id_key;
alter table dead_letters add constraint dead_letters_message_key_unique unique (message_key);
`,
};
