/**
 * The server's front door: it accepts TCP sockets itself and hands those it admits to the HTTP
 * server (`'connection'` emitted by hand, as node documents), so a socket is counted, timed and
 * possibly refused before HTTP parses a byte of it.
 *
 * - Past `maxConnections + headroom` open sockets, the oldest socket that has not yet sent a
 *   complete request is closed to make room (idle floods give way to real clients); with none to
 *   close, or twice over an address's limit, a new socket is destroyed at once: the process never
 *   runs out of file descriptors.
 * - Over `maxConnectionsPerAddress` it is answered 429 with Retry-After and closed.
 * - One that has not sent a complete request (or upgrade) within `handshakeTimeoutMs` is closed.
 * - A WebSocket upgrade is refused with 503 past `maxConnections` (the headroom keeps /healthz and
 *   the app's files answering), and with 429 when its address has too many connections or too
 *   many that have not logged in.
 */
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { ConnectionLimits } from '../config';
import { addressKey, clientAddress, isTrustedProxy } from './address';
import { Admission } from './admission';

/** A WebSocket's admission: the address it counts against, until it logs in and until it closes. */
export interface Client {
  readonly key: string;
  /** Its TCP socket already counts against `key` (a direct client, not one behind a trusted proxy). */
  readonly countedAtAccept: boolean;
  unauthenticated: boolean;
}

/** What the gate holds per open socket; kept small (an idle server holds ~20,000 of them). */
interface Tracked {
  /** The address its TCP socket counts against (undefined: a trusted proxy's socket). */
  readonly key: string | undefined;
  /** The handshake deadline, until its first complete request or upgrade. */
  timer: NodeJS.Timeout | undefined;
  client: Client | undefined;
}

/** How long a refused socket may take to read its answer before it is destroyed. */
const REFUSED_LINGER_MS = 1000;

const ignore = (): void => {};

export class ConnectionGate {
  readonly admission: Admission;
  readonly #server: net.Server;
  readonly #open = new Map<net.Socket, Tracked>();
  /** Sockets that have not sent a complete request yet, oldest first: the first to go when the server is full. */
  readonly #handshaking = new Set<net.Socket>();
  /** One 'close' listener for every socket (called with the socket as `this`): no closure per socket. */
  readonly #onClose: (this: net.Socket) => void;
  /** Seconds a refused client is told to wait: deadlines free slots within about this long. */
  readonly #retryAfter: number;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly httpServer: http.Server,
    private readonly log: Logger,
  ) {
    this.admission = new Admission(limits);
    this.#retryAfter = Math.max(1, Math.ceil(Math.max(limits.loginTimeoutMs, limits.handshakeTimeoutMs) / 1000));
    this.#server = net.createServer((socket) => this.#accept(socket));
    const gate = this;
    this.#onClose = function (this: net.Socket) {
      gate.#closed(this);
    };
    httpServer.on('request', (req: http.IncomingMessage) => this.#started(req.socket));
  }

  /** Node's own HTTP timeouts, for requests after the first on a kept-alive socket. */
  static httpOptions(limits: ConnectionLimits): http.ServerOptions {
    const ms = limits.handshakeTimeoutMs;
    return { headersTimeout: ms, requestTimeout: Math.max(ms, 30_000), connectionsCheckingInterval: Math.max(100, Math.min(ms / 2, 5000)) };
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        // Node starts its header and request timeout checks when the HTTP server emits 'listening';
        // the gate listens in its place, so it says so.
        this.httpServer.emit('listening');
        resolve((this.#server.address() as net.AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#open.keys()) socket.destroy();
    this.httpServer.close(ignore); // stops those checks (it never listened itself: the error is expected)
    await closed;
  }

  /**
   * A WebSocket upgrade arrived on `socket`: its admission, or undefined when it was refused (the
   * answer is written here). The counts are released when the socket closes, whatever happens next.
   */
  admit(req: http.IncomingMessage, socket: Duplex): Client | undefined {
    const tcp = req.socket;
    this.#started(tcp);
    const peer = tcp.remoteAddress ?? '';
    const countedAtAccept = !isTrustedProxy(peer, this.limits.trustProxy);
    const key = addressKey(clientAddress(peer, req.headers['x-forwarded-for'], this.limits.trustProxy));
    // Full, and some of it only sockets that never sent a request: they give way to a real client.
    while (this.admission.sockets > this.limits.maxConnections && this.#evictIdle());
    const verdict = this.admission.admitWebSocket(key, countedAtAccept);
    if (verdict !== 'ok') {
      this.log.warn({ verdict }, 'refused websocket upgrade: connection limit');
      refuse(socket, verdict === 'full' ? 503 : 429, this.#retryAfter);
      return undefined;
    }
    const client: Client = { key, countedAtAccept, unauthenticated: true };
    const tracked = this.#open.get(tcp);
    if (tracked) tracked.client = client;
    else this.admission.releaseWebSocket(key, countedAtAccept, true); // closed meanwhile
    return client;
  }

  /** The client logged in: it no longer counts as unauthenticated. */
  loggedIn(client: Client): void {
    if (!client.unauthenticated) return;
    client.unauthenticated = false;
    this.admission.loggedIn(client.key);
  }

  #accept(socket: net.Socket): void {
    const peer = socket.remoteAddress ?? '';
    const key = isTrustedProxy(peer, this.limits.trustProxy) ? undefined : addressKey(peer);
    if (this.admission.sockets >= this.limits.maxConnections + this.limits.headroom) this.#evictIdle();
    const verdict = this.admission.acceptSocket(key);
    if (verdict === 'drop') {
      socket.destroy();
      return;
    }
    socket.on('error', ignore); // a reset by the peer is not the server's fault; 'close' follows
    socket.on('close', this.#onClose);
    const tracked: Tracked = { key, timer: undefined, client: undefined };
    this.#open.set(socket, tracked);
    if (verdict === 'busy') {
      socket.resume(); // read and discard its request, so closing does not reset the answer away
      refuse(socket, 429, this.#retryAfter);
      return;
    }
    tracked.timer = setTimeout(() => socket.destroy(), this.limits.handshakeTimeoutMs);
    this.#handshaking.add(socket);
    // HTTP gets the socket (and builds its parser for it) only once it has sent something: a flood
    // of sockets that never send a byte costs a map entry and a timer each, nothing more.
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      this.httpServer.emit('connection', socket);
      socket.resume();
    });
  }

  /**
   * Closes the oldest socket that has not sent a complete request (a slow-loris flood holds
   * thousands of them), so a full server still admits the newcomer; false when there is none.
   */
  #evictIdle(): boolean {
    const oldest = this.#handshaking.values().next();
    if (oldest.done) return false;
    oldest.value.destroy();
    this.#closed(oldest.value); // counted out now: 'close' comes later and finds nothing left to do
    return true;
  }

  /** A complete request or upgrade arrived: the handshake deadline is met. */
  #started(socket: net.Socket): void {
    const tracked = this.#open.get(socket);
    if (!tracked?.timer) return;
    clearTimeout(tracked.timer);
    tracked.timer = undefined;
    this.#handshaking.delete(socket);
  }

  #closed(socket: net.Socket): void {
    const tracked = this.#open.get(socket);
    if (!tracked) return;
    this.#open.delete(socket);
    this.#handshaking.delete(socket);
    clearTimeout(tracked.timer);
    this.admission.releaseSocket(tracked.key);
    const client = tracked.client;
    if (client) this.admission.releaseWebSocket(client.key, client.countedAtAccept, client.unauthenticated);
  }
}

/** Answers a socket with an HTTP status and no body, then closes it (at the latest after a moment). */
export function refuse(socket: Duplex, status: number, retryAfterSeconds?: number): void {
  const retry = retryAfterSeconds === undefined ? '' : `Retry-After: ${retryAfterSeconds}\r\n`;
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${retry}Connection: close\r\nContent-Length: 0\r\n\r\n`);
  setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
}
