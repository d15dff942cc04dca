import type { ScenarioName } from './args.js';
import type { SecondReport } from './metrics.js';

/** The messages between the coordinator and its worker processes (over the fork's IPC channel). */

export interface PlayerSpec {
  /** The player's number in the run, 0-based: it sets when the player connects during the ramp. */
  index: number;
  userId: string;
  /** From a tokens file; without it the worker asks the dev-token endpoint. */
  token?: string;
  challengeId?: string;
}

export interface WorkerPlan {
  worker: number;
  scenario: ScenarioName;
  baseUrl: string;
  socketUrl: string;
  protocol: 'msgpack' | 'json';
  players: PlayerSpec[];
  /** The run's zero, epoch ms: every worker counts its seconds from it. */
  zeroMs: number;
  /** Player i connects at zeroMs + rampMs · i / clients. */
  rampMs: number;
  clients: number;
  /** No command starts at or after this (epoch ms). */
  loadEndMs: number;
  thinkMs: number;
  waveEveryMs: number;
  waveFraction: number;
  commandTimeoutMs: number;
  settleMs: number;
  runTag: string;
}

export interface ErrorTally {
  [code: string]: { count: number; samples: string[] };
}

export interface WorkerStatus {
  players: number;
  connected: number;
  errors: number;
  duplicated: number;
  gaps: number;
}

export interface WorkerResult {
  worker: number;
  players: number;
  errors: ErrorTally;
  /** Own-topic events acknowledged but never delivered. */
  missed: number;
  duplicated: number;
  gaps: number;
  resnaps: number;
  /** Per challenge, the version each of this worker's watchers ended at. */
  challengeVersions: Record<string, number[]>;
  /** CPU time of this worker over the wall time of its run (1 = one core). */
  cpu: number;
  /** How busy the machine's cores were over the same time (1 = all of them). */
  machine: number;
}

export type ToWorker = { kind: 'start'; plan: WorkerPlan } | { kind: 'settle' };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'tick'; seconds: SecondReport[]; status: WorkerStatus }
  | { kind: 'loaded' }
  | { kind: 'final'; seconds: SecondReport[]; status: WorkerStatus; result: WorkerResult }
  | { kind: 'failed'; message: string };
