import type { Sql } from 'postgres';
import { deleteRows, selectRows, upsertRows, type Projection, type RecordedEvent, type TableNames, type Transaction } from '../../store/index.js';
import { gameEvents, streamKey } from '../game-events.js';
import { clamp, decodeCursor, encodeCursor } from './paging.js';

export type ChallengeState = 'scheduled' | 'open' | 'running' | 'finished' | 'cancelled';

export interface ChallengeSummary {
  challengeId: string;
  creatorId: string;
  title: string;
  kind: string;
  target: number | null;
  /** Epoch ms. */
  opensAt: number;
  startsAt: number;
  endsAt: number;
  participants: number;
  maxParticipants: number;
  state: ChallengeState;
}

/** A participant's place: by score, then who reached it first, then who joined first, then id (as the actor ranks). */
export interface Standing {
  rank: number;
  userId: string;
  score: number;
  /** Epoch ms at which the participant reached this score. */
  reachedAt: number;
}

export interface ChallengeQueries {
  /** Challenges in `states` (default open and running), by start time then id; `next` pages on. */
  list(options?: { states?: readonly ChallengeState[]; limit?: number; after?: string }): Promise<{ items: ChallengeSummary[]; next: string | null }>;
  get(challengeId: string): Promise<ChallengeSummary | undefined>;
  /** The live standings (the final ones once finished), best first, at most `limit` (≤ 1,000). */
  standings(challengeId: string, limit?: number): Promise<Standing[]>;
}

const CHALLENGES = 'rm_challenge';
const PARTICIPANTS = 'rm_challenge_participant';

const challengeColumns = {
  challenge_id: 'text',
  creator_id: 'text',
  title: 'text',
  kind: 'text',
  target: 'numeric',
  opens_at: 'bigint',
  starts_at: 'bigint',
  ends_at: 'bigint',
  participants: 'integer',
  max_participants: 'integer',
  state: 'text',
} as const;
const participantColumns = { challenge_id: 'text', user_id: 'text', score: 'numeric', reached_at: 'bigint', joined_at: 'bigint' } as const;

type ChallengeRow = { -readonly [K in keyof typeof challengeColumns]: K extends 'challenge_id' | 'creator_id' | 'title' | 'kind' | 'state' ? string : K extends 'target' ? number | null : number };
type ParticipantRow = { challenge_id: string; user_id: string; score: number; reached_at: number; joined_at: number };

export const challengeDirectoryProjection: Projection<ChallengeQueries> = {
  name: 'challenge_directory',
  version: 1,
  eventTypes: [
    'challenge.created',
    'challenge.opened',
    'challenge.started',
    'challenge.participant.joined',
    'challenge.participant.left',
    'challenge.progress.recorded',
    'challenge.finished',
    'challenge.cancelled',
  ],
  tables: [
    {
      name: CHALLENGES,
      ddl: (t) => `
        create table ${t} (
          challenge_id text primary key, creator_id text not null, title text not null, kind text not null, target numeric,
          opens_at bigint not null, starts_at bigint not null, ends_at bigint not null,
          participants integer not null, max_participants integer not null, state text not null
        );
        create index ${t}_by_state on ${t} (state, starts_at, challenge_id)`,
    },
    {
      name: PARTICIPANTS,
      ddl: (t) => `
        create table ${t} (
          challenge_id text not null, user_id text not null, score numeric not null, reached_at bigint not null,
          joined_at bigint not null, primary key (challenge_id, user_id)
        );
        create index ${t}_ranking on ${t} (challenge_id, score desc, reached_at, joined_at, user_id)`,
    },
  ],
  apply: applyChallenges,
  queries: challengeQueries,
};

async function applyChallenges(tx: Transaction, batch: readonly RecordedEvent[], tables: TableNames): Promise<void> {
  const events = gameEvents(batch);
  const pairKey = (challengeId: string, userId: string) => `${challengeId}\u0000${userId}`;
  const challengeIds = [...new Set(events.map((event) => streamKey(event.streamId)))];
  const pairs = new Map<string, { challenge_id: string; user_id: string }>();
  for (const event of events) {
    if ('userId' in event.data && typeof event.data.userId === 'string') {
      const challengeId = streamKey(event.streamId);
      pairs.set(pairKey(challengeId, event.data.userId), { challenge_id: challengeId, user_id: event.data.userId });
    }
  }
  const challenges = new Map(
    (await selectRows<Record<string, unknown>>(tx, tables[CHALLENGES]!, { challenge_id: 'text' }, challengeIds.map((challenge_id) => ({ challenge_id })))).map(
      (row) => [String(row.challenge_id), numbers(row, ['target', 'opens_at', 'starts_at', 'ends_at']) as ChallengeRow],
    ),
  );
  const participants = new Map<string, ParticipantRow | null>(
    (await selectRows<Record<string, unknown>>(tx, tables[PARTICIPANTS]!, { challenge_id: 'text', user_id: 'text' }, [...pairs.values()])).map((row) => [
      pairKey(String(row.challenge_id), String(row.user_id)),
      numbers(row, ['score', 'reached_at', 'joined_at']) as ParticipantRow,
    ]),
  );
  for (const event of events) {
    const challengeId = streamKey(event.streamId);
    if (event.type === 'challenge.created') {
      const d = event.data;
      challenges.set(challengeId, {
        challenge_id: challengeId, creator_id: d.creatorId, title: d.title, kind: d.kind, target: d.target,
        opens_at: d.opensAt, starts_at: d.startsAt, ends_at: d.endsAt, participants: 0, max_participants: d.maxParticipants, state: 'scheduled',
      });
      continue;
    }
    const challenge = challenges.get(challengeId);
    if (!challenge) continue; // every challenge stream starts with challenge.created
    switch (event.type) {
      case 'challenge.opened':
        challenge.state = 'open';
        break;
      case 'challenge.started':
        challenge.state = 'running';
        break;
      case 'challenge.finished':
        challenge.state = 'finished';
        break;
      case 'challenge.cancelled':
        challenge.state = 'cancelled';
        break;
      case 'challenge.participant.joined': {
        const { userId, joinedAt } = event.data;
        participants.set(pairKey(challengeId, userId), { challenge_id: challengeId, user_id: userId, score: 0, reached_at: joinedAt, joined_at: joinedAt });
        challenge.participants += 1;
        break;
      }
      case 'challenge.participant.left': {
        const key = pairKey(challengeId, event.data.userId);
        if (!participants.get(key)) break;
        participants.set(key, null);
        challenge.participants -= 1;
        break;
      }
      case 'challenge.progress.recorded': {
        const participant = participants.get(pairKey(challengeId, event.data.userId));
        if (!participant) break;
        participant.score = event.data.score;
        participant.reached_at = Math.max(participant.reached_at, event.data.at);
        break;
      }
    }
  }
  const entries = [...participants.entries()];
  await upsertRows(tx, tables[CHALLENGES]!, challengeColumns, ['challenge_id'], [...challenges.values()]);
  await upsertRows(tx, tables[PARTICIPANTS]!, participantColumns, ['challenge_id', 'user_id'], entries.flatMap(([, row]) => (row ? [row] : [])));
  await deleteRows(tx, tables[PARTICIPANTS]!, { challenge_id: 'text', user_id: 'text' }, entries.filter(([, row]) => row === null).map(([key]) => pairs.get(key)!));
}

function numbers(row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  const copy = { ...row };
  for (const column of columns) copy[column] = copy[column] === null ? null : Number(copy[column]);
  return copy;
}

const summaryColumns = `challenge_id, creator_id, title, kind, target::float8 as target, opens_at::float8 as opens_at,
  starts_at::float8 as starts_at, ends_at::float8 as ends_at, participants, max_participants, state`;

function toSummary(row: ChallengeRow): ChallengeSummary {
  return {
    challengeId: row.challenge_id,
    creatorId: row.creator_id,
    title: row.title,
    kind: row.kind,
    target: row.target,
    opensAt: row.opens_at,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    participants: row.participants,
    maxParticipants: row.max_participants,
    state: row.state as ChallengeState,
  };
}

function challengeQueries(sql: Sql): ChallengeQueries {
  return {
    async list(options = {}) {
      const states = options.states ?? ['open', 'running'];
      const limit = clamp(options.limit ?? 50, 1, 200);
      const after = (options.after !== undefined ? decodeCursor(options.after, ['number', 'string'], 'after') : undefined) ?? [-Number.MAX_SAFE_INTEGER, ''];
      const rows = await sql.unsafe<ChallengeRow[]>(
        `select ${summaryColumns} from ${CHALLENGES}
         where state = any($1::text[]) and (starts_at, challenge_id) > ($2::bigint, $3::text)
         order by starts_at, challenge_id limit $4`,
        [states as string[], after[0]!, after[1]!, limit + 1],
        { prepare: true },
      );
      const items = rows.slice(0, limit).map(toSummary);
      const last = items[limit - 1];
      return { items, next: rows.length > limit && last ? encodeCursor([last.startsAt, last.challengeId]) : null };
    },

    async get(challengeId) {
      const [row] = await sql.unsafe<ChallengeRow[]>(`select ${summaryColumns} from ${CHALLENGES} where challenge_id = $1`, [challengeId], { prepare: true });
      return row ? toSummary(row) : undefined;
    },

    async standings(challengeId, limit = 100) {
      const rows = await sql.unsafe<Array<{ user_id: string; score: number; reached_at: number }>>(
        `select user_id, score::float8 as score, reached_at::float8 as reached_at from ${PARTICIPANTS}
         where challenge_id = $1 order by score desc, reached_at, joined_at, user_id limit $2`,
        [challengeId, clamp(limit, 1, 1_000)],
        { prepare: true },
      );
      return rows.map((row, i) => ({ rank: i + 1, userId: row.user_id, score: row.score, reachedAt: row.reached_at }));
    },
  };
}
