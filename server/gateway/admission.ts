import { CloseCode } from '../../protocol/close-codes.js';
import { ErrorCode } from '../../protocol/errors.js';

/** How many WebSocket connections a node holds at most: in all, per remote address (0: no cap), per player. */
export interface ConnectionCaps {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  maxConnectionsPerPlayer: number;
}

export type CapKind = 'node' | 'address' | 'player';

/** Why a connection is turned away: the `err` code and HTTP status of an upgrade, and the close code of an open socket. */
export interface Refusal {
  readonly cap: CapKind;
  readonly code: typeof ErrorCode.CONNECTION_LIMIT | typeof ErrorCode.NODE_FULL;
  readonly closeCode: CloseCode;
  readonly message: string;
}

/**
 * Counts a node's connections against its caps. A transport asks `check` when an upgrade
 * arrives, so that a socket over a cap is answered 503/429 before it becomes a WebSocket; the
 * gateway asks again (`open`) when the WebSocket opens, since upgrades in flight pass the first
 * check together, and (`welcome`) once the `hello` names the player.
 *
 * @example
 * const refusal = admission.open(session, connection.remoteAddress);
 * if (refusal) session.turnAway(refusal);
 * // … when the session ends:
 * admission.release(session);
 */
export class Admission<K extends object = object> {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private readonly perPlayer = new Map<string, number>();
  private readonly held = new Map<K, { address: string; player?: string }>();

  constructor(private readonly caps: ConnectionCaps) {}

  get connections(): number {
    return this.total;
  }

  /** Whether a new connection from `address` would be over a cap; nothing is counted. */
  check(address: string): Refusal | undefined {
    const { maxConnections, maxConnectionsPerAddress } = this.caps;
    if (this.total >= maxConnections) {
      return { cap: 'node', code: ErrorCode.NODE_FULL, closeCode: CloseCode.NODE_CONNECTION_LIMIT, message: `this node holds ${maxConnections} connections, its most` };
    }
    if (maxConnectionsPerAddress > 0 && (this.perAddress.get(address) ?? 0) >= maxConnectionsPerAddress) {
      return {
        cap: 'address',
        code: ErrorCode.CONNECTION_LIMIT,
        closeCode: CloseCode.ADDRESS_CONNECTION_LIMIT,
        message: `your address holds ${maxConnectionsPerAddress} connections, its most`,
      };
    }
    return undefined;
  }

  /** Counts `key`'s connection from `address`, unless it is over a cap. */
  open(key: K, address: string): Refusal | undefined {
    const refusal = this.check(address);
    if (refusal) return refusal;
    this.total++;
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    this.held.set(key, { address });
    return undefined;
  }

  /** Counts `key`'s connection for `player`, unless the player is at their cap. */
  welcome(key: K, player: string): Refusal | undefined {
    const held = this.held.get(key);
    if (!held || held.player === player) return undefined;
    const { maxConnectionsPerPlayer } = this.caps;
    if ((this.perPlayer.get(player) ?? 0) >= maxConnectionsPerPlayer) {
      return {
        cap: 'player',
        code: ErrorCode.CONNECTION_LIMIT,
        closeCode: CloseCode.PLAYER_CONNECTION_LIMIT,
        message: `${player} holds ${maxConnectionsPerPlayer} connections, the most a player may`,
      };
    }
    held.player = player;
    this.perPlayer.set(player, (this.perPlayer.get(player) ?? 0) + 1);
    return undefined;
  }

  /** Forgets `key`'s connection (safe to call twice, or for a connection never counted). */
  release(key: K): void {
    const held = this.held.get(key);
    if (!held) return;
    this.held.delete(key);
    this.total--;
    decrement(this.perAddress, held.address);
    if (held.player !== undefined) decrement(this.perPlayer, held.player);
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const count = (counts.get(key) ?? 0) - 1;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}
