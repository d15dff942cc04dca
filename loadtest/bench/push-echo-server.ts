import uWS from 'uWebSockets.js';

/**
 * The ceiling of `npm run bench push` (a): a bare uWebSockets.js server that sends every message
 * back, nothing else — no codec, no session, no actor, no database. Forked by push-processes.ts;
 * reports its port over IPC and runs until killed.
 */
const app = uWS.App().ws('/*', {
  compression: uWS.DISABLED,
  maxPayloadLength: 64 * 1024,
  idleTimeout: 0,
  message: (socket, message, isBinary) => void socket.send(message, isBinary),
});

app.listen('127.0.0.1', 0, (listening) => {
  if (!listening) return void process.send?.({ error: 'cannot listen' });
  process.send?.({ port: uWS.getSocketPort(listening as unknown as uWS.us_socket) });
});
process.on('disconnect', () => process.exit(0));
