import { BusSubjectInvalidError } from './errors.js';
import { subjectToken } from './subjects.js';

/**
 * A committed event as it travels on the bus (`g.evt.<type>.<id>`): one message per event, in
 * commit order. Delivery is at most once; watchers find gaps by `version` and read the store.
 */
export interface StreamEventMessage {
  streamId: string;
  /** The stream's version after this event. */
  version: number;
  event: { type: string; data: unknown };
}

/**
 * The subject committed events of a stream travel on: `g.evt.<streamType>.<streamId>`, each part
 * escaped by `subjectToken` (`challenge/spring.cup` → `g.evt.challenge.spring%2Ecup`), so no id can
 * split the subject, act as a wildcard or share another stream's subject.
 *
 * @example
 * bus.subscribe(eventSubject('user/u42'), (subject, message) => streamEventOf(message, 'user/u42'));
 */
export function eventSubject(streamId: string): string {
  const slash = streamId.indexOf('/');
  if (slash < 0) throw new BusSubjectInvalidError(streamId, 'a stream id is `type/id`');
  return `g.evt.${subjectToken(streamId.slice(0, slash))}.${subjectToken(streamId.slice(slash + 1))}`;
}

/** Every stream's committed events: `g.evt.>`. */
export const allEventsSubject = 'g.evt.>';

/** The message if it has the shape of a StreamEventMessage of `streamId`; undefined otherwise. */
export function streamEventOf(message: unknown, streamId: string): StreamEventMessage | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { streamId: id, version, event } = message as Partial<StreamEventMessage>;
  if (id !== streamId || !Number.isSafeInteger(version) || (version as number) < 1) return undefined;
  if (typeof event !== 'object' || event === null || typeof event.type !== 'string') return undefined;
  return message as StreamEventMessage;
}
