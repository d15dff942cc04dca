import type { ClusterStats, NodeFigures } from '../../protocol/contracts/admin-stats.js';

export type { ClusterStats, NodeFigures };

/**
 * The operator endpoints the dashboard reads and acts through (docs/API.md "Operators"), with the
 * admin token as Bearer. The shapes are the fields the dashboard shows, not the whole answers.
 */

export interface Member {
  nodeId: string;
  status: string;
  live: boolean;
  address?: string;
  /** A count in a cluster; 'all' on a node alone. */
  shards: number | 'all';
  actors?: number;
  sessions?: number;
  leaseExpiresInMs?: number;
  joinedAt?: string;
}

export interface ClusterStatus {
  clustered: boolean;
  node?: string;
  shardCount?: number;
  members: Member[];
  shards: Array<{ shard: number; owner: string | null; epoch: number; state: string }>;
  handoffs: Array<{ shard: number; from: string; to?: string; since: string }>;
}

export interface ParkedEvent {
  id: number;
  projection: string;
  position: number;
  streamId: string;
  event: { type: string };
  error: string;
  attempts: number;
}

export interface ProjectionStatus {
  name: string;
  state: string;
  generation: number;
  lag: { events: number; seconds: number; approximate: boolean };
  rebuild?: { generation: number; progress?: number } | null;
  parked: { count: number; events: ParkedEvent[] };
}

export interface DeadLetter {
  id: number;
  actor: string;
  commandId: string;
  command: { type?: string };
  error: string;
  attempts: number;
  node: string | null;
  updatedAt: string;
}

/** An answer other than 2xx: its status and the catalog code and message of its error body. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** The token was missing or refused: the operator has to enter it again. */
  get refused(): boolean {
    return this.code === 'AUTH_FORBIDDEN' || this.code === 'AUTH_REQUIRED';
  }
}

/**
 * @example
 * const api = new AdminApi(token);
 * const cluster = await api.get<ClusterStatus>('/v1/admin/cluster');
 */
export class AdminApi {
  constructor(private readonly token: string) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string): Promise<T> {
    return this.call<T>('POST', path);
  }

  delete<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }

  private async call<T>(method: string, path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, { method, headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      throw new AdminApiError(0, 'UNREACHABLE', `the server did not answer ${method} ${path}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new AdminApiError(response.status, 'NOT_JSON', `${method} ${path} answered ${response.status} without JSON`);
    }
    if (!response.ok) {
      const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new AdminApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `${method} ${path} answered ${response.status}`);
    }
    return body as T;
  }
}
