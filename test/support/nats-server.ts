import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import { freePort } from './services.js';

/** The nats-server binary tests may start: NATS_SERVER_BIN, else Debian's. */
export const natsServerBin = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

export function natsServerInstalled(): boolean {
  try {
    accessSync(natsServerBin, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A nats-server of a test's own, on a free port of 127.0.0.1, for tests that stop and restart it
 * (never the shared one). `stop()` kills it by pid (SIGKILL: a crash, as clients see it) and
 * `start()` brings it back on the same port. Every wait is bounded.
 *
 * @example
 * const server = await startNatsServer();
 * afterAll(() => server.stop());
 */
export interface PrivateNatsServer {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNatsServer(): Promise<PrivateNatsServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: PrivateNatsServer = {
    port,
    url: `nats://127.0.0.1:${port}`,
    async start() {
      if (child) return;
      let output = '';
      const started = spawn(natsServerBin, ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = started;
      started.stderr!.on('data', (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4_000)));
      let exited = false;
      started.once('exit', () => (exited = true));
      const deadline = Date.now() + 10_000;
      for (let attempt = 0; attempt < 500; attempt++) {
        if (exited) throw new Error(`nats-server on port ${port} exited at start: ${output}`);
        if (await accepts(port)) return;
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await server.stop();
      throw new Error(`nats-server on port ${port} did not accept connections within 10 s: ${output}`);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      process.kill(running.pid!, 'SIGKILL');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    },
  };
  await server.start();
  return server;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 500 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}
