import { readFileSync } from 'node:fs';

/**
 * The process's soft limit of open files (`ulimit -n`), read from /proc/self/limits; undefined
 * where that file does not exist (not Linux) or says "unlimited".
 *
 * @example
 * openFileLimit(); // 20000
 */
export function openFileLimit(procLimits = '/proc/self/limits'): number | undefined {
  let text: string;
  try {
    text = readFileSync(procLimits, 'utf8');
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\d+)/m.exec(text)?.[1];
  return soft === undefined ? undefined : Number(soft);
}

/**
 * Descriptors kept out of reach of WebSocket connections: the listening socket, the database pool,
 * HTTP clients of /healthz, /metrics and the admin API, files. A tenth of the limit, 256 at least.
 */
export function reservedDescriptors(limit: number): number {
  return Math.max(256, Math.floor(limit / 10));
}

/** The most WebSocket connections a node may hold under `limit` open files. */
export function connectionsWithin(limit: number): number {
  return Math.max(1, limit - reservedDescriptors(limit));
}
