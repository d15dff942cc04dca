import { GamifierError, type ErrorCode } from '../errors.js';

/**
 * What ends a watch or refuses `connect`: a catalog code, plus the close code and reason when a
 * closed connection is the cause.
 */
export class ClientError extends GamifierError {
  readonly closeCode: number | undefined;
  readonly closeReason: string | undefined;

  constructor(code: ErrorCode, message: string, close?: { code: number; reason: string }) {
    super(code, message);
    this.closeCode = close?.code;
    this.closeReason = close?.reason;
  }
}
