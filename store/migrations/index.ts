import { eventLog } from './001-event-log.js';
import type { Migration } from './migration.js';
import { runtime } from './002-runtime.js';
import { readModels } from './003-read-models.js';
import { dropStreams } from './004-drop-streams.js';
import { byteOrderIds } from './005-byte-order-ids.js';
import { verbatimEventJson } from './006-verbatim-event-json.js';
import { parkedEvents } from './007-parked-events.js';
import { timerClaims } from './008-timer-claims.js';
import { deadLetterKeys } from './009-dead-letter-keys.js';
import { cluster } from './010-cluster.js';
import { subjectKeys } from './011-subject-keys.js';

export type { Migration } from './migration.js';

/** Every migration of the schema, oldest first. Append new ones; never edit a shipped one. */
export const migrations: readonly Migration[] = [eventLog, runtime, readModels, dropStreams, byteOrderIds, verbatimEventJson, parkedEvents, timerClaims, deadLetterKeys, cluster, subjectKeys];
