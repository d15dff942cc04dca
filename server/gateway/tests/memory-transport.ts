// An in-memory connection for the session's unit tests: frames in and out as objects, buffered
// output as a number the test sets, closes that run the handler at once (as uWS does).
import { createCodec, Subprotocol, type Codec } from '../../../protocol/codecs.js';
import type { Connection, ConnectionHandler, SendResult } from '../transport.js';

export type Sent = Record<string, any> & { t: string };

export class MemoryConnection implements Connection {
  readonly subprotocol: Subprotocol;
  readonly remoteAddress = 'memory';
  readonly codec: Codec;
  readonly sent: Sent[] = [];
  /** What `bufferedBytes` reports. */
  buffered = 0;
  /** What `send` answers while open. */
  result: SendResult = 'sent';
  closedWith: { code: number; reason: string } | undefined;
  handler: ConnectionHandler | undefined;

  constructor(subprotocol: Subprotocol = Subprotocol.json) {
    this.subprotocol = subprotocol;
    this.codec = createCodec(subprotocol);
  }

  /** Delivers a frame from the client (encoded with the connection's codec). */
  receive(frame: object): void {
    this.receiveRaw(this.codec.encode(frame as never), this.codec.binary);
  }

  receiveRaw(data: string | Uint8Array, binary: boolean): void {
    this.handler!.message(data, binary);
  }

  send(data: Uint8Array | string): SendResult {
    if (this.closedWith) return 'closed';
    const decoded = this.codec.decode(data);
    if (!decoded.ok) throw new Error(`the session sent an undecodable frame: ${decoded.message}`);
    this.sent.push(decoded.value as Sent);
    return this.result;
  }

  bufferedBytes(): number {
    return this.closedWith ? 0 : this.buffered;
  }

  batch(work: () => void): void {
    work();
  }

  close(code: number, reason: string): void {
    if (this.closedWith) return;
    this.closedWith = { code, reason };
    this.handler?.closed(code, reason);
  }

  terminate(): void {
    this.close(1006, '');
  }

  /** Frames of one kind sent so far. */
  frames(t: string): Sent[] {
    return this.sent.filter((frame) => frame.t === t);
  }
}
