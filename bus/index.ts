export {
  defaultMaxPayload,
  defaultRequestTimeoutMs,
  type Bus,
  type BusHandler,
  type BusLog,
  type BusOptions,
  type BusResponder,
  type BusStats,
  type BusStatus,
  type BusSubscription,
  type RequestOptions,
  type SubscribeOptions,
} from './bus.js';
export { allEventsSubject, eventSubject, streamEventOf, type StreamEventMessage } from './committed-event.js';
export { createBus, type CreateBusOptions } from './create.js';
export {
  BusClosedError,
  BusDisconnectedError,
  BusError,
  BusHandlerError,
  BusMessageInvalidError,
  BusNoRespondersError,
  BusPayloadTooLargeError,
  BusSubjectInvalidError,
  BusTimeoutError,
} from './errors.js';
export { InProcessBus, type InProcessBusOptions } from './in-process.js';
export { NatsBus, type NatsBusOptions } from './nats.js';
export { PrefixedBus } from './prefixed.js';
export { subjectToken } from './subjects.js';
