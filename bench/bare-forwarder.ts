/**
 * The baseline for the relay benchmark: the least a WebSocket relay can do. Each client
 * connects to `/?id=<me>&to=<peer>`, and every frame it sends is forwarded unchanged to the
 * socket registered as `<peer>`. No parsing, no validation, no authentication, no
 * acknowledgements. Same `ws` library and options as the Parley server, so the ratio between
 * the two measures what Parley's own work costs.
 *
 * Prints `BARE_LISTENING <port>` once listening on 127.0.0.1 (PORT, default 0).
 */
import { WebSocketServer, type WebSocket } from 'ws';

const sockets = new Map<string, WebSocket>();
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  perMessageDeflate: false,
  maxPayload: 128 * 1024, // the Parley server's hard limit (2 × 64 KiB)
});

wss.on('connection', (ws, req) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const me = url.searchParams.get('id') ?? '';
  const to = url.searchParams.get('to') ?? '';
  sockets.set(me, ws);
  let peer: WebSocket | undefined;
  ws.on('message', (data, isBinary) => {
    // Resolve the peer once it exists; after that forwarding is a single send.
    peer ??= sockets.get(to);
    if (peer && peer.readyState === peer.OPEN) peer.send(data as Buffer, { binary: isBinary });
  });
  ws.on('error', () => {});
  ws.on('close', () => {
    if (sockets.get(me) === ws) sockets.delete(me);
  });
});

wss.on('listening', () => {
  const address = wss.address();
  console.log(`BARE_LISTENING ${typeof address === 'object' && address ? address.port : address}`);
});

const stop = (): void => {
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
