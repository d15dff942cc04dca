import type { ErrorTally } from '../generator/messages.js';
import type { SecondReport } from '../generator/metrics.js';

/** The messages between `npm run bench push` and its client worker processes (push-worker.ts). */

/** What one worker process plays. */
export type PushPlan =
  /** (a) Bare `ws` clients against the echo server: each sends a frame and waits for it back. */
  | { mode: 'echo'; url: string; clients: number; frameBytes: number }
  /**
   * (b), (d) SDK players: register, watch `user/<id>`, then `water.log` in a closed loop: each
   * sends its next command once the last one is acknowledged and, with a pace, no sooner than
   * 1/pace s after it was sent (0: at once).
   */
  | { mode: 'commands'; socketUrl: string; userIds: string[]; pacePerSecond: number }
  /**
   * (c) Clients that only watch `leaderboard/global`, timing the changes of `changers`: SDK
   * clients, or lean ones (the protocol's codec, each frame decoded and checked) on `ws` or on
   * a bare TCP socket (wire-socket.ts).
   */
  | { mode: 'watchers'; socketUrl: string; userIds: string[]; changers: string[]; client: WatcherClient };

/** What watches in (c). */
export type WatcherClient = 'sdk' | 'lean' | 'wire';
export const watcherClients: readonly WatcherClient[] = ['wire', 'lean', 'sdk'];

/** The measured part of a closed loop: `warmupS` whole seconds after `zeroMs` (epoch ms), then `seconds`. */
export interface LoopWindow {
  zeroMs: number;
  warmupS: number;
  seconds: number;
}

export type ToPushWorker =
  | { kind: 'plan'; plan: PushPlan }
  | { kind: 'go'; window: LoopWindow }
  | { kind: 'cpu'; action: 'start' | 'stop' }
  | { kind: 'report'; changer: string }
  | { kind: 'stop' };

export type FromPushWorker =
  | { kind: 'ready'; connected: number; failed: number }
  /** The loop is over: every second it counted (ack/push latencies, acked counts). */
  | { kind: 'done'; seconds: SecondReport[]; errors: ErrorTally }
  /** CPU time of the worker over wall time between `cpu start` and `cpu stop` (1 = one core). */
  | { kind: 'cpu'; share: number }
  /** How many of the worker's watchers have seen `changer`'s points, and when the first and last did (epoch ms). */
  | { kind: 'arrived'; changer: string; count: number; watchers: number; firstMs: number; lastMs: number }
  | { kind: 'failed'; message: string };
