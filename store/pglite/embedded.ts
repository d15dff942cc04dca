import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** postgres.js options that reach it: a unix socket only this process knows. */
  readonly connection: { path: string; user: string; database: string };
  stop(): Promise<void>;
}

/**
 * PostgreSQL compiled to WebAssembly, running inside this process and served on a private unix
 * socket so that the same postgres.js code talks to it. PGlite has a single session: connect to
 * it with exactly one connection.
 *
 * @example
 * const pg = await startEmbeddedPostgres('./data');      // or 'memory'
 * const sql = postgres({ ...pg.connection, max: 1 });
 */
export async function startEmbeddedPostgres(dataDir: string | 'memory'): Promise<EmbeddedPostgres> {
  if (dataDir !== 'memory') await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir === 'memory' ? undefined : dataDir);
  const socketDir = await mkdtemp(join(tmpdir(), 'gamifier-pglite-'));
  const path = join(socketDir, '.s.PGSQL.5432');
  const server = new PGLiteSocketServer({ db, path, maxConnections: 1 });
  await server.start();
  return {
    connection: { path, user: 'postgres', database: 'postgres' },
    async stop() {
      await server.stop();
      await db.close();
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}
