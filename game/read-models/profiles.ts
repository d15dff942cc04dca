import type { Sql } from 'postgres';
import { deleteRows, selectRows, upsertRows, type Projection, type RecordedEvent, type TableNames, type Transaction } from '../../store/index.js';
import { gameEvents, streamKey } from '../game-events.js';
import { localDayOf, shiftDay } from './local-day.js';
import { readDay, type DailyNutrition } from './nutrition-days.js';

export interface ProfileAchievement {
  achievementId: string;
  rarity: string;
  points: number;
  unlockedAt: string;
}

/**
 * A player as their profile shows them. `streak.days` is the streak as of `now`: the actor
 * records a break only when the next meal is logged, so a streak whose last day is before
 * yesterday (in the player's timezone) reads 0 here. `today` is the player's local day at `now`,
 * read from the daily nutrition read model.
 */
export interface PlayerProfile {
  userId: string;
  displayName: string;
  avatar: string | null;
  timezone: string;
  level: number;
  points: number;
  streak: { days: number; lastDay: string | null };
  achievements: ProfileAchievement[];
  today: DailyNutrition;
  registeredAt: string | null;
}

export interface ProfileQueries {
  /** The profile at `now` (epoch ms, default the current time); undefined for an unknown player. */
  get(userId: string, now?: number): Promise<PlayerProfile | undefined>;
}

const PROFILES = 'rm_profile';
const ACHIEVEMENTS = 'rm_profile_achievement';

const profileColumns = {
  user_id: 'text',
  display_name: 'text',
  avatar: 'text',
  timezone: 'text',
  level: 'integer',
  points: 'bigint',
  streak_days: 'integer',
  streak_last_day: 'text',
  registered_at: 'timestamptz',
} as const;

interface ProfileRow {
  user_id: string;
  display_name: string;
  avatar: string | null;
  timezone: string;
  level: number;
  points: number;
  streak_days: number;
  streak_last_day: string | null;
  /** An ISO string when folded from an event, a Date when read back. */
  registered_at: string | Date | null;
}

export const profilesProjection: Projection<ProfileQueries> = {
  name: 'profiles',
  version: 1,
  eventTypes: [
    'user.registered',
    'user.profile.updated',
    'points.earned',
    'user.level.up',
    'user.streak.extended',
    'user.streak.broken',
    'achievement.unlocked',
    'user.account.deleted',
  ],
  tables: [
    {
      name: PROFILES,
      ddl: (t) => `
        create table ${t} (
          user_id text primary key, display_name text not null, avatar text, timezone text not null,
          level integer not null, points bigint not null, streak_days integer not null, streak_last_day text,
          registered_at timestamptz
        )`,
    },
    {
      name: ACHIEVEMENTS,
      ddl: (t) => `
        create table ${t} (
          user_id text not null, achievement_id text not null, rarity text not null, points integer not null,
          unlocked_at timestamptz not null, primary key (user_id, achievement_id)
        )`,
    },
  ],
  apply: applyProfiles,
  queries: profileQueries,
};

async function applyProfiles(tx: Transaction, batch: readonly RecordedEvent[], tables: TableNames): Promise<void> {
  const events = gameEvents(batch);
  const ids = [...new Set(events.map((event) => streamKey(event.streamId)))];
  const stored = await selectRows<ProfileRow & { points: string }>(tx, tables[PROFILES]!, { user_id: 'text' }, ids.map((user_id) => ({ user_id })));
  const profiles = new Map<string, ProfileRow>(stored.map((row) => [row.user_id, { ...row, points: Number(row.points) }]));
  const achievements = new Map<string, Record<string, unknown>>();
  // A deleted player's profile and achievements go; nothing of theirs follows the deletion.
  const deleted: Array<{ user_id: string }> = [];
  for (const event of events) {
    const userId = streamKey(event.streamId);
    if (event.type === 'user.account.deleted') {
      profiles.delete(userId);
      for (const key of achievements.keys()) if (key.startsWith(`${userId}\u0000`)) achievements.delete(key);
      deleted.push({ user_id: userId });
      continue;
    }
    const row = profiles.get(userId) ?? {
      user_id: userId,
      display_name: '',
      avatar: null,
      timezone: 'UTC',
      level: 1,
      points: 0,
      streak_days: 0,
      streak_last_day: null,
      registered_at: null,
    };
    profiles.set(userId, row);
    switch (event.type) {
      case 'user.registered':
        row.display_name = event.data.displayName;
        row.timezone = event.data.timezone;
        row.registered_at = event.createdAt.toISOString();
        break;
      case 'user.profile.updated':
        row.display_name = event.data.displayName ?? row.display_name;
        row.avatar = event.data.avatar ?? row.avatar;
        row.timezone = event.data.timezone ?? row.timezone;
        break;
      case 'points.earned':
        row.points += event.data.amount;
        break;
      case 'user.level.up':
        row.level = Math.max(row.level, event.data.level);
        break;
      case 'user.streak.extended':
        row.streak_days = event.data.days;
        row.streak_last_day = event.data.day;
        break;
      case 'user.streak.broken':
        row.streak_days = 0;
        break;
      case 'achievement.unlocked': {
        const { achievementId, rarity, points } = event.data;
        const key = `${userId}\u0000${achievementId}`;
        if (!achievements.has(key)) {
          achievements.set(key, { user_id: userId, achievement_id: achievementId, rarity, points, unlocked_at: event.createdAt.toISOString() });
        }
        break;
      }
    }
  }
  await deleteRows(tx, tables[PROFILES]!, { user_id: 'text' }, deleted);
  await deleteRows(tx, tables[ACHIEVEMENTS]!, { user_id: 'text' }, deleted);
  await upsertRows(tx, tables[PROFILES]!, profileColumns, ['user_id'], [...profiles.values()]);
  // Each achievement unlocks once: a second unlock of one (which the actor never emits) keeps the first.
  await upsertRows(
    tx,
    tables[ACHIEVEMENTS]!,
    { user_id: 'text', achievement_id: 'text', rarity: 'text', points: 'integer', unlocked_at: 'timestamptz' },
    ['user_id', 'achievement_id'],
    [...achievements.values()],
    { keep: 'existing' },
  );
}

function profileQueries(sql: Sql): ProfileQueries {
  return {
    async get(userId, now = Date.now()) {
      // The row and its achievements in one statement: read apart, a projector batch committing
      // between the two reads would pair the achievements it added with the row from before it.
      const [row] = await sql.unsafe<Array<Omit<ProfileRow, 'registered_at'> & { registered_at: Date | null; achievements: ProfileAchievement[] }>>(
        `select user_id, display_name, avatar, timezone, level, points::float8 as points, streak_days, streak_last_day, registered_at,
                coalesce((
                  select json_agg(json_build_object(
                    'achievementId', a.achievement_id, 'rarity', a.rarity, 'points', a.points,
                    'unlockedAt', to_char(a.unlocked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                  ) order by a.unlocked_at, a.achievement_id)
                  from ${ACHIEVEMENTS} a where a.user_id = p.user_id
                ), '[]'::json) as achievements
         from ${PROFILES} p where p.user_id = $1`,
        [userId],
        { prepare: true },
      );
      if (!row) return undefined;
      const today = localDayOf(now, row.timezone);
      const streakAlive = row.streak_last_day !== null && row.streak_last_day >= shiftDay(today, -1);
      return {
        userId: row.user_id,
        displayName: row.display_name,
        avatar: row.avatar,
        timezone: row.timezone,
        level: row.level,
        points: row.points,
        streak: { days: streakAlive ? row.streak_days : 0, lastDay: row.streak_last_day },
        achievements: row.achievements,
        today: await readDay(sql, userId, today),
        registeredAt: row.registered_at?.toISOString() ?? null,
      };
    },
  };
}
