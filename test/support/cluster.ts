import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, inCi, SERVICE_SKIP_MARKER } from './services.js';

/**
 * A PostgreSQL cluster of a test's own (initdb into a temporary directory, pg_ctl on a free port),
 * for tests that stop or restart the database: the shared one is never touched. Run as the
 * `postgres` OS user when the test runs as root (initdb refuses root).
 */
export class OwnCluster {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** The cluster, initialised but not started; undefined (with the skip marker) without the binaries, except under CI. */
  static async create(): Promise<OwnCluster | undefined> {
    const bin = postgresBin();
    if (!bin) {
      const reason = 'PostgreSQL server binaries (initdb, pg_ctl) are not installed under /usr/lib/postgresql/*/bin';
      if (inCi) throw new Error(`${reason}: CI=true, so tests that need them must not be skipped`);
      console.warn(`${SERVICE_SKIP_MARKER}: ${reason}; skipping the tests that need an own cluster`);
      return undefined;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'gamifier-pg-'));
    if (process.getuid?.() === 0) chownSync(dir, uid('postgres'), uid('postgres'));
    const cluster = new OwnCluster(bin, dir, await freePort());
    cluster.run('initdb', ['-D', cluster.data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    return cluster;
  }

  private get data(): string {
    return path.join(this.dir, 'data');
  }

  start(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    this.run('pg_ctl', ['-D', this.data, '-l', path.join(this.dir, 'log'), '-o', options, '-w', '-t', '30', 'start']);
  }

  /** `fast`: clients are disconnected, as by an operator's restart. */
  stop(): void {
    this.run('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  }

  /** Stops the cluster if it runs and deletes its files. */
  remove(): void {
    if (existsSync(path.join(this.data, 'postmaster.pid'))) {
      try {
        this.run('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: string[]): void {
    const binary = path.join(this.bin, tool);
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', binary, ...args], { stdio: 'pipe' });
    else execFileSync(binary, args, { stdio: 'pipe' });
  }
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => path.join(root, v, 'bin')).find((bin) => existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl')));
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

