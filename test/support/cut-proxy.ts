import net from 'node:net';

/**
 * A TCP proxy in front of a server, to cut a client off and let it back: it forwards bytes both
 * ways (HTTP and WebSocket alike); `cut()` destroys every connection through it, and holds the new
 * ones until `restore()` (accepted, nothing read or answered: a network partition, not a server
 * that refuses), then forwards them.
 *
 * @example
 * const proxy = await startCutProxy(server.url);
 * await page.goto(proxy.url);
 * proxy.cut(); …; proxy.restore();
 * await proxy.close();
 */
export interface CutProxy {
  /** `http://127.0.0.1:<port>`: the server's address through the proxy. */
  readonly url: string;
  /** Connections forwarded so far, and those that arrived while cut (held until the restore). */
  readonly stats: { forwarded: number; held: number };
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startCutProxy(target: string, options: { connectTimeoutMs?: number } = {}): Promise<CutProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const stats = { forwarded: 0, held: 0 };
  let isCut = false;
  const held: net.Socket[] = [];
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy()); // a peer that went away: its partner is destroyed with it below
  };
  const forward = (client: net.Socket) => {
    stats.forwarded++;
    const upstream = net.connect({ host: hostname, port: Number(port), timeout: options.connectTimeoutMs ?? 5_000 });
    upstream.once('connect', () => upstream.setTimeout(0));
    upstream.once('timeout', () => upstream.destroy());
    track(client);
    track(upstream);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const server = net.createServer((client) => {
    if (!isCut) return forward(client);
    stats.held++;
    client.pause();
    track(client);
    held.push(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port: proxyPort } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    stats,
    cut() {
      isCut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      isCut = false;
      for (const client of held.splice(0)) if (!client.destroyed) forward(client);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
