import { defaultLimits, type Limits } from '../../protocol/frames.js';
import type { ConnectionCaps } from './admission.js';

/**
 * How a gateway protects itself and its clients. `limits` is what every `welcome` announces; the
 * rest are the gateway's own knobs.
 *
 * @example
 * startGateway(transport, deps, { limits: { ...defaultLimits, ratePerSec: 20 }, helloTimeoutMs: 5_000 });
 */
export interface GatewaySettings extends ConnectionCaps {
  /** Announced in `welcome` and enforced: frame size, subscriptions, rate, buffered output, idleness. */
  limits: Limits;
  /** A connection that has not been welcomed this long after opening is closed 4001. */
  helloTimeoutMs: number;
  /**
   * The largest message the transport reads at all; beyond it the transport drops the connection
   * (uWS: abruptly, the client sees 1006; ws: close 1009). Messages between `limits.maxFrameBytes`
   * and this are read and answered `err FRAME_TOO_LARGE`, and the connection survives.
   */
  transportMaxBytes: number;
  /** More refused frames than this within `badFrameWindowMs` close the connection 4004. */
  maxBadFrames: number;
  badFrameWindowMs: number;
  /** More frames answered RATE_LIMITED than this within `rateLimitWindowMs` close the connection 4003. */
  maxRateLimited: number;
  rateLimitWindowMs: number;
  /** A `sub` from a version further back than this many events gets a `snap` instead of the events. */
  maxReplay: number;
  /**
   * Watched `user/` and `challenge/` streams not heard on the bus for this long are re-checked in
   * the store about this often (jittered): a watcher misses an event the bus dropped for about two
   * of these at most. 0: never (a reconnect of the bus still re-checks them all).
   */
  streamSweepMs: number;
  /** Read-model topics push at most this often (a diff against what watchers last got). */
  coalesceMs: number;
  /** How long `drain()` waits for in-flight commands before it closes the sockets anyway. */
  drainTimeoutMs: number;
  /** After a close the gateway started, how long a transport waits for the handshake before it cuts the connection. */
  closeTimeoutMs: number;
}

export const defaultGatewaySettings: GatewaySettings = {
  limits: defaultLimits,
  helloTimeoutMs: 10_000,
  transportMaxBytes: 2 * defaultLimits.maxFrameBytes,
  maxBadFrames: 20,
  badFrameWindowMs: 10_000,
  maxRateLimited: defaultLimits.burst,
  rateLimitWindowMs: 10_000,
  maxReplay: 1_000,
  coalesceMs: 50,
  streamSweepMs: 30_000,
  drainTimeoutMs: 10_000,
  closeTimeoutMs: 5_000,
  // The composition root sizes these from the environment (server/config.ts).
  maxConnections: 100_000,
  maxConnectionsPerAddress: 1_000,
  maxConnectionsPerPlayer: 10,
};

/** Settings to change: any of them, and any of the limits. */
export type GatewayOverrides = Partial<Omit<GatewaySettings, 'limits'>> & { limits?: Partial<Limits> };

/** The settings with `overrides` applied; the transport limit follows a changed frame limit unless given. */
export function gatewaySettings(overrides: GatewayOverrides = {}): GatewaySettings {
  const limits = { ...defaultLimits, ...overrides.limits };
  const settings: GatewaySettings = {
    ...defaultGatewaySettings,
    transportMaxBytes: 2 * limits.maxFrameBytes,
    maxRateLimited: limits.burst,
    ...overrides,
    limits,
  };
  if (settings.transportMaxBytes < limits.maxFrameBytes) {
    throw new RangeError(`transportMaxBytes (${settings.transportMaxBytes}) must be at least limits.maxFrameBytes (${limits.maxFrameBytes})`);
  }
  return settings;
}
