import type { Sql } from 'postgres';
import type { MemberStatus } from './lease-protocol.js';

/** A member as the database sees it now; `live` and `expiresInMs` by the database's clock. */
export interface MemberState {
  node: string;
  incarnation: string;
  address: string;
  status: MemberStatus;
  live: boolean;
  expiresInMs: number;
  joinedAt: string;
  stats: Record<string, unknown>;
}

/** A shard's row, with whether its holder's lease is live now (by the database's clock). */
export interface ShardState {
  shard: number;
  owner: string | null;
  incarnation: string | null;
  epoch: number;
  state: 'held' | 'released';
  ownerLive: boolean;
}

export interface ClusterState {
  members: MemberState[];
  /** Indexed by shard number. */
  shards: ShardState[];
}

/** A shard this member took: its new epoch, and whether its holder had released it or its lease had expired. */
export interface Grant {
  epoch: number;
  was: 'released' | 'expired';
}

export interface Me {
  node: string;
  incarnation: string;
}

/**
 * The lease protocol (lease-protocol.ts) in SQL. Every rule is one statement judged by the
 * database's `now()`, so all nodes meet one clock and one serial order. The connection is the
 * node's own (one, not the store's pool): a renewal never waits behind the store's writes, and
 * its backend lives and dies with the process, which is how a crashed node is noticed before its
 * lease expires (`expireDeadSessions`).
 */
export class LeaseStore {
  /**
   * @param deadSessionQuietMs how long a member whose database session is gone must also have
   *   gone without renewing before it counts as dead (see `expireDeadSessions`).
   */
  constructor(
    private readonly sql: Sql,
    private readonly ttlMs: number,
    private readonly deadSessionQuietMs = 1_500,
  ) {}

  /** Writes the shard count and the shard rows if this is the first node; answers the count in force. */
  async prepare(shardCount: number): Promise<number> {
    return this.sql.begin(async (tx) => {
      await tx`lock table cluster_settings in exclusive mode`;
      await tx`insert into cluster_settings (shard_count) values (${shardCount}) on conflict do nothing`;
      const [row] = await tx<{ shard_count: number }[]>`select shard_count from cluster_settings`;
      const count = row!.shard_count;
      await tx`insert into cluster_shards (shard) select generate_series(0, ${count - 1}::int) on conflict do nothing`;
      return count;
    });
  }

  /**
   * `join`: a fresh incarnation; no row when an earlier incarnation's lease is still live, unless
   * that incarnation's process is dead (as `expireDeadSessions` judges it): a node restarted under
   * its id right after a crash need not wait for its old lease.
   */
  async join(me: Me, address: string): Promise<boolean> {
    const rows = await this.sql`
      insert into cluster_members as m (node, incarnation, address, status, expires_at, renewed_at, joined_at, backend_pid, backend_start)
      select ${me.node}, ${me.incarnation}, ${address}, 'up', now() + ${this.ttlMs} * interval '1 ms', now(), now(), a.pid, a.backend_start
      from pg_stat_activity a where a.pid = pg_backend_pid()
      on conflict (node) do update set incarnation = excluded.incarnation, address = excluded.address, status = 'up',
        expires_at = excluded.expires_at, renewed_at = excluded.renewed_at, joined_at = excluded.joined_at,
        backend_pid = excluded.backend_pid, backend_start = excluded.backend_start, stats = '{}'
      where m.expires_at <= now() or m.incarnation = excluded.incarnation
        or (m.renewed_at < now() - ${this.deadSessionQuietMs} * interval '1 ms'
          and not exists (select 1 from pg_stat_activity d where d.pid = m.backend_pid and d.backend_start = m.backend_start))
      returning 1`;
    return rows.length === 1;
  }

  /** `renew`: extends a live lease, never an expired one (false: the lease is lost). */
  async renew(me: Me, stats: Record<string, unknown>): Promise<boolean> {
    const rows = await this.sql`
      update cluster_members m set expires_at = now() + ${this.ttlMs} * interval '1 ms', renewed_at = now(),
        backend_pid = a.pid, backend_start = a.backend_start, stats = ${this.sql.json(stats as never)}
      from pg_stat_activity a
      where a.pid = pg_backend_pid() and m.node = ${me.node} and m.incarnation = ${me.incarnation} and m.expires_at > now()
      returning 1`;
    return rows.length === 1;
  }

  /** Marks this member leaving: it keeps its lease, and no shard is planned onto it any more. */
  async markLeaving(me: Me): Promise<void> {
    await this.sql`update cluster_members set status = 'leaving' where node = ${me.node} and incarnation = ${me.incarnation}`;
  }

  /** Ends this member's lease now (after it released every shard), so nobody waits for it. */
  async leave(me: Me): Promise<void> {
    await this.sql`update cluster_members set expires_at = now(), status = 'leaving' where node = ${me.node} and incarnation = ${me.incarnation}`;
  }

  /**
   * Ends the lease of members whose database session is gone (their process died: the kernel
   * closed its socket) and who have not renewed for `deadSessionQuietMs`. The quiet time keeps a live node
   * whose connection merely reconnected (a new backend it has not yet recorded) from being
   * declared dead; a paused process keeps its socket, so its session, and is left to its lease.
   */
  async expireDeadSessions(me: Me): Promise<string[]> {
    const rows = await this.sql<{ node: string }[]>`
      update cluster_members m set expires_at = now()
      where m.node <> ${me.node} and m.expires_at > now() and m.renewed_at < now() - ${this.deadSessionQuietMs} * interval '1 ms'
        and m.backend_pid is not null
        and not exists (select 1 from pg_stat_activity a where a.pid = m.backend_pid and a.backend_start = m.backend_start)
      returning m.node`;
    return rows.map((row) => row.node);
  }

  /** Members and shards, with liveness by the database's clock, in one round trip. */
  async read(): Promise<ClusterState> {
    const [members, shards] = await Promise.all([
      this.sql<{ node: string; incarnation: string; address: string; status: MemberStatus; live: boolean; expires_in_ms: number; joined_at: Date; stats: Record<string, unknown> }[]>`
        select node, incarnation, address, status, expires_at > now() as live,
          (extract(epoch from expires_at - now()) * 1000)::float8 as expires_in_ms, joined_at, stats
        from cluster_members order by node`,
      this.sql<{ shard: number; owner: string | null; incarnation: string | null; epoch: string; state: 'held' | 'released'; owner_live: boolean }[]>`
        select s.shard, s.owner, s.incarnation, s.epoch, s.state, coalesce(m.expires_at > now(), false) as owner_live
        from cluster_shards s left join cluster_members m on m.node = s.owner and m.incarnation = s.incarnation
        order by s.shard`,
    ]);
    return {
      members: members.map((m) => ({
        node: m.node,
        incarnation: m.incarnation,
        address: m.address,
        status: m.status,
        live: m.live,
        expiresInMs: Math.round(m.expires_in_ms),
        joinedAt: m.joined_at.toISOString(),
        stats: m.stats,
      })),
      shards: shards.map((s) => ({ shard: s.shard, owner: s.owner, incarnation: s.incarnation, epoch: Number(s.epoch), state: s.state, ownerLive: s.owner_live })),
    };
  }

  /**
   * `acquire` for several shards at once: each is taken only if it is released, has no holder, or
   * its holder's lease has expired, and only while this member's own lease is live; each taken
   * shard's epoch is bumped. Answers the shards taken with their new epochs, and whether each was
   * released by its holder or taken from an expired lease (as the row was when it was locked).
   */
  async acquire(me: Me, shards: readonly number[]): Promise<Map<number, Grant>> {
    if (shards.length === 0) return new Map();
    const rows = await this.sql<{ shard: number; epoch: string; was: 'released' | 'expired' }[]>`
      with taken as (
        select s.shard, case when s.state = 'released' or s.owner is null then 'released' else 'expired' end as was
        from cluster_shards s
        where s.shard = any(${shards as number[]}::int[])
          and exists (select 1 from cluster_members m where m.node = ${me.node} and m.incarnation = ${me.incarnation} and m.expires_at > now())
          and (s.state = 'released' or s.owner is null
            or not exists (select 1 from cluster_members h where h.node = s.owner and h.incarnation = s.incarnation and h.expires_at > now()))
        for update of s)
      update cluster_shards s set owner = ${me.node}, incarnation = ${me.incarnation}, epoch = s.epoch + 1, state = 'held', changed_at = now()
      from taken where s.shard = taken.shard
      returning s.shard, s.epoch, taken.was`;
    return new Map(rows.map((row) => [row.shard, { epoch: Number(row.epoch), was: row.was }]));
  }

  /** `release`: gives shards up (after they were drained); answers those this member still held. */
  async release(me: Me, shards: readonly number[]): Promise<number[]> {
    if (shards.length === 0) return [];
    const rows = await this.sql<{ shard: number }[]>`
      update cluster_shards set state = 'released', changed_at = now()
      where shard = any(${shards as number[]}::int[]) and owner = ${me.node} and incarnation = ${me.incarnation} and state = 'held'
      returning shard`;
    return rows.map((row) => row.shard);
  }
}
