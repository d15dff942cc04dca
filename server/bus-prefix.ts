import { randomUUID } from 'node:crypto';
import { subjectToken } from '../bus/index.js';

type Env = Record<string, string | undefined>;

/** BUS_PREFIX as written: one to eight dot-separated tokens of letters, digits, `_` and `-`. */
export const busPrefixPattern = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/;

/**
 * The deployment's subject prefix on the bus: every subject travels as `<prefix>.<subject>`
 * (`bus/prefixed.ts`), so deployments that share one NATS never see each other's events. A
 * deployment is its tables, so the default names them: `gamifier.<database>.<schema>` on
 * PostgreSQL (`search-path` when DATABASE_SCHEMA is unset). Nodes of one deployment agree on it
 * whatever host name they reach the database by. A PGlite database belongs to one process, so its
 * node gets a prefix of its own (`gamifier.pglite.<random>`). Set BUS_PREFIX when two deployments
 * share a NATS and their database and schema names too (the same names on two PostgreSQL servers).
 * Returns undefined when BUS_PREFIX is invalid; the caller names the variable.
 *
 * @example
 * busPrefixOf({}, { databaseUrl: 'postgres://db:5432/game', databaseSchema: 'eu' }) // 'gamifier.game.eu'
 */
export function busPrefixOf(env: Env, database: { databaseUrl: string | undefined; databaseSchema: string | undefined }): string | undefined {
  const raw = env.BUS_PREFIX;
  if (raw !== undefined && raw !== '') return busPrefixPattern.test(raw) ? raw : undefined;
  if (!database.databaseUrl) return `gamifier.pglite.${randomUUID().slice(0, 8)}`;
  const url = new URL(database.databaseUrl);
  // postgres.js, as libpq, connects to the database named as the user when the URL names none.
  const name = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres';
  return `gamifier.${subjectToken(name)}.${database.databaseSchema ?? 'search-path'}`;
}
