import { randomUUID } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import { randomBytes } from 'node:crypto';
import { LOG_START, MasterKeyring, migrate, migrations, NO_STREAM, openStore, type EventStore, type NewEvent, type OpenStore, type StoreConfig } from '../../store/index.js';
import { closedLoop, openLoop, type ClosedLoopResult, type Window } from './loops.js';

export interface StoreBenchSettings {
  databaseUrl: string;
  window: Window;
  /** Concurrent streams in the naive and Gamifier scenarios. */
  streams: number;
  /** Offered rate of the latency scenario. */
  offeredPerSecond: number;
  /** Gamifier's pool: the server's default DATABASE_POOL_SIZE. */
  poolSize: number;
  naiveConnections: number;
  rawConnections: number;
  rawRowsPerInsert: number;
}

/** The store benchmark's setup, shared with the actors benchmark's (a). */
export function storeBenchSettings(databaseUrl: string, window: Window): StoreBenchSettings {
  return { databaseUrl, window, streams: 256, offeredPerSecond: 10_000, poolSize: 10, naiveConnections: 16, rawConnections: 4, rawRowsPerInsert: 1_000 };
}

export interface Figures {
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Of this process, over the measured window (1 = one core). */
  cpuShare: number;
  /** Of all cores, whoever used them (1 = all busy). */
  machineShare: number;
}

export interface Scenario {
  key: string;
  title: string;
  run(settings: StoreBenchSettings, schema: string): Promise<Figures>;
}

/** What a player's meal log looks like once decided: the payload every scenario writes. */
function mealLogged(userId: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'nutrition.meal.logged',
    data: { mealId: randomUUID(), kind: 'lunch', kcal: 640, protein: 32, carbs: 71, fat: 18, items: ['oats', 'banana', 'yoghurt'] },
    metadata: { commandId: randomUUID(), userId, node: 'bench' },
  };
}

const streamId = (n: number) => `user/bench-${n}`;

const figuresOf = (result: ClosedLoopResult): Figures => ({
  eventsPerSecond: result.perSecond,
  p50Ms: result.latency.percentile(50),
  p99Ms: result.latency.percentile(99),
  cpuShare: result.cpuShare,
  machineShare: result.machineShare,
});

/** A pool whose tables live in `schema`, created by the project's migrations. */
async function migratedPool(databaseUrl: string, schema: string, max: number): Promise<Sql> {
  const sql = postgres(databaseUrl, { max, onnotice: () => undefined, idle_timeout: 0, connection: { search_path: schema } });
  await sql.unsafe(`create schema if not exists ${schema}`);
  await migrate(sql, migrations);
  return sql;
}

/**
 * (a) What a simple event store does: one transaction per event that reads the stream's version,
 * checks it against the expected one and inserts the event — four round trips and a commit per
 * event.
 */
const naive: Scenario = {
  key: 'naive',
  title: '(a) naive: 1 tx per event',
  async run(settings, schema) {
    const sql = await migratedPool(settings.databaseUrl, schema, settings.naiveConnections);
    try {
      const versions = new Array<number>(settings.streams).fill(0);
      const result = await closedLoop(settings.streams, settings.window, async (worker) => {
        const id = streamId(worker);
        const expected = versions[worker]!;
        const event = mealLogged(id);
        const data = JSON.stringify(event.data);
        const metadata = JSON.stringify(event.metadata);
        await sql.begin(async (tx) => {
          const [current] = await tx<{ version: number }[]>`select coalesce(max(version), 0) as version from events where stream_id = ${id}`;
          if (current!.version !== expected) throw new Error(`${id} is at version ${current!.version}, not ${expected}`);
          await tx`insert into events (stream_id, stream_type, version, event_id, type, data, metadata)
                   values (${id}, 'user', ${expected + 1}, ${event.id}, ${event.type}, ${data}::text::json, ${metadata}::text::json)`;
        });
        versions[worker] = expected + 1;
        return 1;
      });
      return figuresOf(result);
    } finally {
      await sql.end({ timeout: 5 });
    }
  },
};

/**
 * (b) The ceiling: multi-row INSERTs straight into `events`, nothing else. The statement text and
 * its payload parameters are built before the clock starts; each execution passes a new batch
 * number, from which SQL derives the rows' versions, and fresh random event ids: ids that share
 * a prefix would land side by side in the unique index and flatter the ceiling. The documents are
 * cast from text (`::text::json`), as (c)'s are: given a string for a `json` parameter,
 * postgres.js encodes it as a JSON string, and until this was found the ceiling stored one
 * string per column instead of (c)'s objects (measured on jsonb: no faster for the database,
 * 36–41 % of a core for this process against 23–24 %).
 */
const raw: Scenario = {
  key: 'raw',
  title: '(b) raw multi-row INSERT',
  async run(settings, schema) {
    const rows = settings.rawRowsPerInsert;
    const sql = await migratedPool(settings.databaseUrl, schema, settings.rawConnections);
    try {
      const perStream = Math.ceil(rows / settings.streams);
      const values: string[] = [];
      const payload: string[] = [];
      for (let i = 0; i < rows; i++) {
        const event = mealLogged(streamId(i % settings.streams));
        payload.push(JSON.stringify(event.data), JSON.stringify(event.metadata));
        values.push(
          `('${streamId(i % settings.streams)}', 'user', $1::int * ${perStream} + ${Math.floor(i / settings.streams) + 1}, ` +
            `($2::text[])[${i + 1}], 'nutrition.meal.logged', $${3 + 2 * i}::text::json, $${4 + 2 * i}::text::json)`,
        );
      }
      const text = `insert into events (stream_id, stream_type, version, event_id, type, data, metadata) values ${values.join(',')}`;
      let batch = 0;
      const result = await closedLoop(settings.rawConnections, settings.window, async () => {
        const ids = Array.from({ length: rows }, () => randomUUID());
        await sql.unsafe(text, [batch++, ids, ...payload], { prepare: true });
        return rows;
      });
      return { eventsPerSecond: result.perSecond, p50Ms: NaN, p99Ms: NaN, cpuShare: result.cpuShare, machineShare: result.machineShare };
    } finally {
      await sql.end({ timeout: 5 });
    }
  },
};

/** Every stream appends one event at a time, as an actor does: awaiting each before the next. */
async function appendClosedLoop(store: EventStore, settings: StoreBenchSettings): Promise<Figures> {
  const versions = new Array<number>(settings.streams).fill(0);
  const result = await closedLoop(settings.streams, settings.window, async (worker) => {
    const id = streamId(worker);
    const expected = versions[worker]!;
    const { version } = await store.append(id, expected === 0 ? NO_STREAM : expected, [mealLogged(id)]);
    versions[worker] = version;
    return 1;
  });
  return figuresOf(result);
}

async function withStore<T>(open: Promise<OpenStore>, use: (store: EventStore) => Promise<T>): Promise<T> {
  const opened = await open;
  try {
    return await use(opened.store);
  } finally {
    await opened.close();
  }
}

/**
 * The `+enc` scenarios: the meal's three `items` are personal fields, each encrypted with its
 * player's key as the game's three food names would be (actors/user/personal-data.ts); the keys
 * are created on the first append of each stream, during the warm-up.
 */
const encrypted: Pick<StoreConfig, 'personalData'> = {
  personalData: {
    policy: { fields: { 'nutrition.meal.logged': ['items[]'] }, subjectOf: (streamId) => streamId.slice(streamId.indexOf('/') + 1) },
    keyring: new MasterKeyring([{ id: 'bench', key: randomBytes(32) }]),
  },
};

/** (c) Gamifier's append with the server's default pool. */
const appendScenario = (key: string, title: string, extra: Partial<StoreConfig>): Scenario => ({
  key,
  title,
  run: (settings, schema) =>
    withStore(openStore({ databaseUrl: settings.databaseUrl, dataDir: 'memory', poolSize: settings.poolSize, schema, ...extra }), (store) =>
      appendClosedLoop(store, settings),
    ),
});
const gamifier = appendScenario('append', '(c) Gamifier append, closed loop', {});
const gamifierEncrypted = appendScenario('append+enc', '(c) + personal-field encryption', encrypted);

/**
 * (d) The same setup at a fixed offered rate, spread round-robin over the streams. Each append
 * names the version its stream will have by then: the store keeps a stream's appends in order.
 */
const latencyScenario = (key: string, title: string, extra: Partial<StoreConfig>): Scenario => ({
  key,
  title,
  run: (settings, schema) =>
    withStore(openStore({ databaseUrl: settings.databaseUrl, dataDir: 'memory', poolSize: settings.poolSize, schema, ...extra }), async (store) => {
      const versions = new Array<number>(settings.streams).fill(0);
      const result = await openLoop(settings.offeredPerSecond, settings.window, async (n) => {
        const stream = n % settings.streams;
        const id = streamId(stream);
        const expected = versions[stream]!;
        versions[stream] = expected + 1;
        await store.append(id, expected === 0 ? NO_STREAM : expected, [mealLogged(id)]);
      });
      return {
        eventsPerSecond: result.completedPerSecond,
        p50Ms: result.latency.percentile(50),
        p99Ms: result.latency.percentile(99),
        cpuShare: result.cpuShare,
        machineShare: result.machineShare,
      };
    }),
});
const latency = latencyScenario('latency', '(d) Gamifier append, open loop', {});
const latencyEncrypted = latencyScenario('latency+enc', '(d) + personal-field encryption', encrypted);

/** (c) on the embedded database: PGlite runs inside this process, so its CPU counts as ours. */
const pglite: Scenario = {
  key: 'pglite',
  title: '(c) on PGlite (in-process)',
  run: (settings) => withStore(openStore({ dataDir: 'memory', poolSize: 1 }), (store) => appendClosedLoop(store, settings)),
};

/** The event types of two read models: most of a diet log's events, and few of them. */
const projectionTypes = {
  nutrition: ['nutrition.meal.logged', 'nutrition.meal.deleted', 'nutrition.water.logged', 'nutrition.goal.met'],
  profiles: ['user.registered', 'user.profile.updated', 'points.earned', 'user.level.up', 'user.streak.extended', 'user.streak.broken', 'achievement.unlocked'],
};

/**
 * (e) Projectors catching up, as after a restart or in a rebuild: pages of 500 events of a read
 * model's types, read with `readAll` from a 300,000-event log (per 100 events: 85 water logs,
 * 10 meals, 3 point awards, a registration, a level-up). Two projectors take turns, one of the
 * nutrition types (95 % of the log) and one of the profile types (5 %), each starting over at the
 * end. Their statement was prepared while the log held 20 events, as on a node started on a new
 * database, and the log has grown since without an `ANALYZE`.
 */
const catchup: Scenario = {
  key: 'catchup',
  title: '(e) catch-up reads by event type',
  run: (settings, schema) =>
    withStore(openStore({ databaseUrl: settings.databaseUrl, dataDir: 'memory', poolSize: settings.poolSize, schema }), async (store) => {
      const grow = (from: number, count: number) =>
        store.sql.unsafe(`insert into events (stream_id, stream_type, version, event_id, type, data, metadata)
          select 'user/bench-' || (n % 1000), 'user', n / 1000 + 1, md5(random()::text || n),
            case when n % 100 < 85 then 'nutrition.water.logged' when n % 100 < 95 then 'nutrition.meal.logged'
                 when n % 100 < 98 then 'points.earned' when n % 100 = 98 then 'user.registered' else 'user.level.up' end,
            '{"ml":250,"drankAt":"2026-01-01T12:00:00Z","day":"2026-01-01"}'::json, '{"node":"bench"}'::json
          from generate_series(${from}, ${from + count - 1}) n`);
      await grow(0, 20);
      const types = Object.values(projectionTypes);
      // More reads than PostgreSQL's five custom plans, on every connection of the pool.
      await Promise.all(Array.from({ length: settings.poolSize }, async () => {
        for (let i = 0; i < 8; i++) for (const t of types) await store.readAll(LOG_START, { limit: 500, types: t });
      }));
      for (let n = 20; n < 300_000; n += 20_000) await grow(n, Math.min(20_000, 300_000 - n));
      const cursors = types.map(() => LOG_START);
      const result = await closedLoop(types.length, settings.window, async (worker) => {
        const { events, next } = await store.readAll(cursors[worker]!, { limit: 500, types: types[worker]! });
        cursors[worker] = events.length < 500 ? LOG_START : next;
        return events.length;
      });
      return figuresOf(result);
    }),
};

export const scenarios: readonly Scenario[] = [naive, raw, gamifier, gamifierEncrypted, latency, latencyEncrypted, pglite, catchup];
