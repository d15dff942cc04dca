import { ErrorCode, GamifierError } from '../protocol/errors.js';

/** Base of the bus' errors. `retryable`: the same request (with the same command id) may be sent again. */
export class BusError extends GamifierError {
  readonly retryable: boolean = false;
}

/** The connection to NATS dropped (or never came up): a request in flight may or may not have been handled. */
export class BusDisconnectedError extends BusError {
  override readonly retryable = true;
  constructor(message = 'the bus is disconnected from NATS', options?: { cause?: unknown }) {
    super(ErrorCode.BUS_DISCONNECTED, message, options);
  }
}

/** Nobody subscribes to the request's subject (NATS' 503 status). */
export class BusNoRespondersError extends BusError {
  override readonly retryable = true;
  constructor(subject: string, options?: { cause?: unknown }) {
    super(ErrorCode.BUS_NO_RESPONDERS, `no responders on ${subject}`, options);
  }
}

/** No reply within the timeout: the request may have been handled. */
export class BusTimeoutError extends BusError {
  override readonly retryable = true;
  constructor(subject: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(ErrorCode.BUS_TIMEOUT, `no reply on ${subject} within ${timeoutMs} ms`, options);
  }
}

export class BusPayloadTooLargeError extends BusError {
  constructor(subject: string, size: number, maxPayload: number) {
    super(ErrorCode.BUS_PAYLOAD_TOO_LARGE, `a message of ${size} bytes on ${subject} is over the bus' limit of ${maxPayload}`);
  }
}

/** The codec could not encode a value (a cycle…) or decode bytes. */
export class BusMessageInvalidError extends BusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BUS_MESSAGE_INVALID, message, options);
  }
}

export class BusSubjectInvalidError extends BusError {
  constructor(subject: string, why: string) {
    super(ErrorCode.BUS_SUBJECT_INVALID, `${JSON.stringify(subject)} is not a valid subject: ${why}`);
  }
}

/** The responder threw; `remoteCode` is its error's code (INTERNAL when it had none). */
export class BusHandlerError extends BusError {
  constructor(
    subject: string,
    readonly remoteCode: string,
    remoteMessage: string,
  ) {
    super(ErrorCode.BUS_HANDLER_FAILED, `the responder on ${subject} failed (${remoteCode}): ${remoteMessage}`);
  }
}

export class BusClosedError extends BusError {
  constructor() {
    super(ErrorCode.BUS_CLOSED, 'the bus is closed');
  }
}
