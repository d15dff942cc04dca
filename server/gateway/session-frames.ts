import type { Codec, Subprotocol } from '../../protocol/codecs.js';
import type { ClientFrame, EvtFrame, FrameError, SnapFrame } from '../../protocol/frames.js';

/** Encoded shared frames (evt and snap go to every watcher of a topic), per subprotocol. */
const encodedFrames = new WeakMap<object, Map<Subprotocol, Uint8Array | string>>();

export function encodeShared(codec: Codec, frame: SnapFrame | EvtFrame): Uint8Array | string {
  let encodings = encodedFrames.get(frame);
  if (!encodings) encodedFrames.set(frame, (encodings = new Map()));
  let data = encodings.get(codec.subprotocol);
  if (data === undefined) encodings.set(codec.subprotocol, (data = codec.encode(frame)));
  return data;
}

/** The id or topic a frame names, for the `err` that answers it. */
export function named(frame: ClientFrame | FrameError): { id?: string; topic?: string } {
  if ('ok' in frame) return { ...(frame.id === undefined ? {} : { id: frame.id }), ...(frame.topic === undefined ? {} : { topic: frame.topic }) };
  if (frame.t === 'cmd') return { id: frame.id };
  if (frame.t === 'sub' || frame.t === 'unsub') return { topic: frame.topic };
  return {};
}
