/**
 * The Parley server: one HTTP port that serves the built web app and upgrades `/ws` to the
 * signaling and relay WebSocket.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CloseCode, WS_PATH, decodeClientFrame } from '../shared/protocol';
import type { Config } from './config';
import { ProtocolError } from './errors';
import type { Context } from './handlers/context';
import { UNAUTHENTICATED, handlers } from './handlers/index';
import { relayChunk } from './handlers/relay-chunk';
import { Hub } from './hub';
import { isOriginAllowed, ownOrigins } from './origin';
import { Session } from './session';
import { StoredFiles } from './stored-files';
import { createStaticHandler } from './static';
import { WriteCoalescer } from './write-coalescer';
import type { Store } from './store/store';

export interface ParleyServer {
  /** Resolves with the bound port (useful with port 0). */
  start(): Promise<number>;
  stop(): Promise<void>;
  readonly hub: Hub;
}

export function createParleyServer(deps: { config: Config; store: Store; log: Logger }): ParleyServer {
  const { config, store, log } = deps;
  const limits = config.limits;
  // Queued items go out in windows small enough never to trip the send-buffer limit.
  const hub = new Hub(store, log, Math.min(limits.maxInflightBytes, Math.floor(limits.maxBufferedBytes / 2)));
  const files = new StoredFiles(store, limits.maxBufferedBytes);
  const ctx: Context = { store, hub, files, log, limits, iceServers: config.iceServers };
  const serveStatic = createStaticHandler(config.webDir);
  const httpServer = http.createServer(serveStatic);
  const wss = new WebSocketServer({
    noServer: true,
    // A frame between the soft limit and this hard one gets a `too_large` error and the socket lives;
    // beyond it ws closes the socket with 1009 before buffering more.
    maxPayload: limits.maxFrameBytes * 2,
    perMessageDeflate: false,
  });
  let allowed = new Set<string>();
  let nextSessionId = 1;
  const coalescer = new WriteCoalescer();
  const sessions = new Set<Session>();
  let heartbeat: NodeJS.Timeout | undefined;
  let sweeper: NodeJS.Timeout | undefined;

  httpServer.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH || !isOriginAllowed(req.headers.origin, allowed)) {
      log.warn({ origin: req.headers.origin, path: url.pathname }, 'refused websocket upgrade');
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, socket));
  });

  function onConnection(ws: WebSocket, socket: Duplex): void {
    const session = new Session(nextSessionId++, ws, limits, { socket, coalescer });
    session.onCut = () => hub.leave(session);
    sessions.add(session);
    ws.on('pong', () => {
      session.alive = true;
    });
    ws.on('message', (data, isBinary) => onMessage(session, data, isBinary));
    ws.on('error', (err) => log.debug({ session: session.id, err: err.message }, 'socket error'));
    ws.on('close', () => {
      session.closed = true;
      sessions.delete(session);
      try {
        hub.leave(session);
        files.forget(session);
      } catch (err) {
        log.error({ session: session.id, err }, 'failed to park a closing session');
      }
    });
    session.issueChallenge();
  }

  function onMessage(session: Session, data: RawData, isBinary: boolean): void {
    if (session.closed) return;
    try {
      if (isBinary) {
        // File chunks are limited by bytes per second, not frames per second.
        const bytes = toBytes(data);
        if (bytes.byteLength > limits.maxFrameBytes) throw new ProtocolError('too_large', `frames are limited to ${limits.maxFrameBytes} bytes`);
        relayChunk(ctx, session, bytes);
        return;
      }
      if (!session.allowFrame()) {
        session.send({ t: 'error', code: 'rate_limited', message: 'too many frames; slow down' });
        return;
      }
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
      if (size > limits.maxFrameBytes) {
        session.send({ t: 'error', code: 'too_large', message: `frames are limited to ${limits.maxFrameBytes} bytes` });
        return;
      }
      const decoded = decodeClientFrame(data.toString());
      if (!decoded.ok) {
        session.send({ t: 'error', code: decoded.code, message: decoded.message });
        return;
      }
      const frame = decoded.frame;
      if (!session.username && !UNAUTHENTICATED.has(frame.t)) {
        session.send({ t: 'error', code: 'auth_required', message: 'log in first', ref: frame.t });
        return;
      }
      (handlers[frame.t] as (c: Context, s: Session, f: typeof frame) => void)(ctx, session, frame);
    } catch (err) {
      if (err instanceof ProtocolError) {
        session.send({ t: 'error', code: err.code, message: err.message, ...(err.ref ? { ref: err.ref } : {}) });
      } else {
        log.error({ session: session.id, err }, 'handler failed');
        session.send({ t: 'error', code: 'internal', message: 'internal error' });
      }
    }
  }

  /** ws's isAlive recipe: a socket that did not answer the previous ping is dead. */
  function beat(): void {
    for (const session of sessions) {
      if (!session.alive) {
        session.closed = true;
        session.ws.terminate();
        continue;
      }
      session.alive = false;
      session.ws.ping();
    }
  }

  return {
    hub,
    async start() {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => resolve());
      });
      const port = (httpServer.address() as AddressInfo).port;
      allowed = new Set([...ownOrigins(config.host, port), ...config.allowedOrigins]);
      heartbeat = setInterval(beat, limits.heartbeatMs);
      sweeper = setInterval(() => store.sweepExpired(Date.now()), 60_000);
      sweeper.unref();
      log.info({ url: `http://${config.host}:${port}` }, 'parley listening');
      return port;
    },
    async stop() {
      clearInterval(heartbeat);
      clearInterval(sweeper);
      hub.closeAll(CloseCode.shutdown, 'server shutting down');
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** ws hands binary data over as one Buffer unless told otherwise; accept every form it may take. */
function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
