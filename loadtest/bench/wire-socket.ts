import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * A WebSocket client on a bare TCP socket, for benchmark watchers that must cost the machine as
 * little as possible: the opening handshake and the frame format of RFC 6455 written out, reads
 * straight into one buffer every socket of the process shares (`onread`: no stream, no Buffer per
 * read), each complete message handed over as a view of it. No extensions, no fragmented
 * messages (the server sends neither; one is reported as a protocol error), client frames masked.
 *
 * A handler must copy a message it keeps: the view is overwritten by the next read.
 */
export interface WireHandlers {
  onMessage(payload: Buffer, binary: boolean): void;
  onClose(reason: string): void;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const shared = Buffer.allocUnsafe(256 * 1024);
const Opcode = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export class WireSocket {
  private pending: Buffer | undefined;
  private open = false;
  private ended = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly key: string,
    private readonly handlers: WireHandlers,
    private readonly opened: (ok: boolean, why?: string) => void,
  ) {}

  /** Connects and completes the handshake offering `subprotocol`; rejects with why it could not. */
  static connect(url: string, subprotocol: string, handlers: WireHandlers): Promise<WireSocket> {
    const target = new URL(url);
    const key = randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      let wire: WireSocket | undefined = undefined;
      const socket = net.connect({
        host: target.hostname,
        port: Number(target.port),
        onread: { buffer: shared, callback: (n: number, buf: Uint8Array) => (wire!.read(buf as Buffer, n), true) },
      });
      wire = new WireSocket(socket, key, handlers, (ok, why) => (ok ? resolve(wire!) : reject(new Error(why))));
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.write(
          `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${subprotocol}\r\n\r\n`,
        );
      });
      socket.on('error', (error) => wire!.end(error.message));
      socket.on('close', () => wire!.end('connection closed'));
    });
  }

  /** Sends one binary message (masked, as a client must). */
  send(payload: Uint8Array): void {
    if (this.ended) return;
    const length = payload.byteLength;
    const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(headerBytes + 4 + length);
    frame[0] = 0x80 | Opcode.binary;
    if (length < 126) frame[1] = 0x80 | length;
    else if (length < 65_536) (frame[1] = 0x80 | 126), frame.writeUInt16BE(length, 2);
    else (frame[1] = 0x80 | 127), frame.writeBigUInt64BE(BigInt(length), 2);
    const mask = randomBytes(4);
    mask.copy(frame, headerBytes);
    for (let i = 0; i < length; i++) frame[headerBytes + 4 + i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(frame);
  }

  /** Closes the TCP connection at once (no closing handshake). */
  destroy(): void {
    this.socket.destroy();
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.destroy();
    if (this.open) this.handlers.onClose(reason);
    else this.opened(false, reason);
  }

  private read(buf: Buffer, n: number): void {
    let data = buf.subarray(0, n);
    if (this.pending) data = Buffer.concat([this.pending, data]);
    this.pending = undefined;
    const rest = this.open ? this.frames(data) : this.handshake(data);
    // What is left belongs to a message not yet complete: it is copied out of the shared buffer.
    if (rest < data.length && !this.ended) this.pending = Buffer.from(data.subarray(rest));
  }

  /** Reads the server's handshake answer; returns how many bytes it used. */
  private handshake(data: Buffer): number {
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) return 0;
    const head = data.toString('latin1', 0, end);
    const accept = createHash('sha1').update(this.key + GUID).digest('base64');
    if (!/^HTTP\/1\.1 101 /.test(head)) return this.end(`handshake refused: ${head.split('\r\n')[0]}`), data.length;
    if (!new RegExp(`^sec-websocket-accept: *${accept.replace(/[+/=]/g, '\\$&')}\\s*$`, 'im').test(head)) {
      return this.end('handshake answered with the wrong Sec-WebSocket-Accept'), data.length;
    }
    this.open = true;
    this.opened(true);
    return end + 4 + this.frames(data.subarray(end + 4));
  }

  /** Hands over every complete frame in `data`; returns how many bytes they took. */
  private frames(data: Buffer): number {
    let at = 0;
    while (!this.ended && data.length - at >= 2) {
      const first = data[at]!;
      const second = data[at + 1]!;
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = Number(data.readBigUInt64BE(at + 2));
        header = 10;
      }
      if (second & 0x80) return this.end('the server masked a frame'), data.length;
      if (data.length - at < header + length) break;
      const payload = data.subarray(at + header, at + header + length);
      at += header + length;
      const opcode = first & 0x0f;
      if (!(first & 0x80) || opcode === Opcode.continuation) return this.end('fragmented messages are not supported here'), data.length;
      if (opcode === Opcode.binary || opcode === Opcode.text) this.handlers.onMessage(payload, opcode === Opcode.binary);
      else if (opcode === Opcode.ping) this.control(Opcode.pong, payload);
      else if (opcode === Opcode.close) {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        return this.end(`closed by the server (${code} ${payload.toString('utf8', 2)})`), data.length;
      }
    }
    return at;
  }

  private control(opcode: number, payload: Buffer): void {
    const frame = Buffer.allocUnsafe(6 + payload.length);
    frame[0] = 0x80 | opcode;
    frame[1] = 0x80 | payload.length;
    frame.fill(0, 2, 6); // a zero mask: the payload goes as it is
    payload.copy(frame, 6);
    this.socket.write(frame);
  }
}
