/**
 * The Parley server: one HTTP port that serves the built web app and upgrades `/ws` to the
 * signaling and relay WebSocket.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, WS_PATH } from '../shared/protocol';
import type { Config, ServerLimits } from './config';
import type { Context } from './handlers/context';
import { createScheduleService } from './scheduling/schedule-service';
import type { ScheduleStore } from './scheduling/schedule-store';
import { SqliteSchedule } from './scheduling/sqlite-schedule';
import { type Client, ConnectionGate, refuse } from './connection/gate';
import { Heartbeat } from './connection/heartbeat';
import { createIntake, frameBytes } from './connection/intake';
import { PreLogin } from './connection/pre-login';
import { RegistrationLimit } from './connection/registration-limit';
import { SerialQueue } from './connection/serial-queue';
import { isOriginAllowed, ownOrigins } from './origin';
import { mintTurnCredential } from './turn';
import { LocalRouter } from './routing/local-router';
import type { Router } from './routing/router';
import { Session } from './session';
import { StoredFiles } from './stored-files';
import { createStaticHandler } from './static';
import { WriteCoalescer } from './write-coalescer';
import type { Store } from './store/store';
import type { StoreGauges } from './metrics';
import { type OpsHooks, createOps } from './ops';
import { GroupService } from './groups/service';
import { mlsInspector } from './groups/mls-decode';
import { adminAnnounceRoute } from './announcements/admin-route';
import { createAnnouncer } from './announcements/service';
import { firstOf } from './ops-http';

export interface ParleyServer {
  /** Resolves with the bound port (useful with port 0). */
  start(): Promise<number>;
  stop(): Promise<void>;
  readonly router: Router;
  /** Metrics and health checks, for the cluster mode to add its own (Redis round trip, Redis health). */
  readonly ops: OpsHooks;
}

/** Expired rows deleted per transaction while sweeping. */
const SWEEP_BATCH = 2000;

/** Queued items go out in windows small enough never to trip the send-buffer limit. */
export function handoverWindowBytes(limits: ServerLimits): number {
  return Math.min(limits.maxInflightBytes, Math.floor(limits.maxBufferedBytes / 2));
}

/** Without a router, the single process's: the local router on `store`. */
export function createParleyServer(deps: { config: Config; store: Store; log: Logger; router?: Router; storeGauges?: StoreGauges; schedule?: ScheduleStore }): ParleyServer {
  const { config, store, log } = deps;
  const limits = config.limits;
  const router = deps.router ?? new LocalRouter(store, log, limits.maxBufferedBytes, handoverWindowBytes(limits));
  const files = new StoredFiles(store, limits.maxBufferedBytes, {
    uploadsPerConnection: limits.offlineUploadsPerConnection,
    uploadBufferBytes: limits.uploadBufferBytes,
    bytesPerSec: limits.uploadBytesPerSec,
    bytesPerSecTotal: limits.uploadBytesPerSecTotal,
  });
  const bounds = config.connections;
  const registrations = new RegistrationLimit(bounds.registrationsPerHourPerAddress);
  const { turn } = config;
  // TURN credentials are minted per user at each login, so none outlives TURN_TTL_SECONDS by much.
  const iceServers = (user: string) => (turn ? [...config.iceServers, mintTurnCredential(turn, user).server] : config.iceServers);
  const groups = new GroupService(store, router, config.groups, log, limits.maxBufferedBytes, mlsInspector);
  // Held in its own SQLite file unless the backend brings a store (scheduling/).
  const schedule = createScheduleService(deps.schedule ?? new SqliteSchedule(config.dataDir), store, router, groups, config.schedule, log);
  const ctx: Context = { store, router, files, log, limits, iceServers, registrations, groups, schedule };
  const sessions = new Set<Session>();
  const ops = createOps({ config, store, router, iceServers, sessions, storeGauges: deps.storeGauges });
  const intake = createIntake(ctx, bounds, log, ops.metrics);
  const admin = adminAnnounceRoute(config.adminSecret, createAnnouncer(store, router));
  const serveStatic = createStaticHandler(config.webDir, firstOf([admin, ops.route]));
  const httpServer = http.createServer(ConnectionGate.httpOptions(bounds), serveStatic);
  // Sockets reach HTTP through the gate: counted, timed and bounded before a byte is parsed.
  const gate = new ConnectionGate(bounds, httpServer, log);
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
  const heartbeat = new Heartbeat<Session>(limits.heartbeatMs);
  let sweeper: NodeJS.Timeout | undefined;

  httpServer.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH || !isOriginAllowed(req.headers.origin, allowed)) {
      log.warn({ origin: req.headers.origin, path: url.pathname }, 'refused websocket upgrade');
      refuse(socket, 403);
      return;
    }
    const client = gate.admit(req, socket);
    if (client) wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, socket, client));
  });

  function onConnection(ws: WebSocket, socket: Duplex, client: Client): void {
    const session = new Session(nextSessionId++, ws, limits, { socket, coalescer }, ops.metrics);
    session.address = client.key;
    // Dropped at login: an idle logged-in connection keeps nothing of it.
    let preLogin: PreLogin | undefined = new PreLogin(bounds, () => {
      if (!session.username) session.cut(CloseCode.loginTimeout, 'login_timeout');
    });
    session.onCut = () => router.leave(session);
    // Past the backlog the socket is not read: TCP pushes the sender back while its frames wait.
    session.frames = new SerialQueue(
      limits.frameBacklog,
      (over) => (over ? session.pauseReading('backlog') : session.resumeReading('backlog')),
      (err) => log.error({ session: session.id, err }, 'frame handling failed'),
    );
    sessions.add(session);
    heartbeat.add(session);
    ws.on('pong', () => {
      session.alive = true;
    });
    // Until login, ws itself refuses (1009) a frame whose header announces more than a login needs,
    // before receiving its payload: an unauthenticated peer cannot make the server take 192 KiB frames.
    setReceiveLimit(ws, bounds.unauthenticatedMaxFrameBytes * 4);
    ws.on('message', (data, isBinary) => {
      if (session.closed) return;
      if (preLogin) {
        // Before login only small text frames are looked at, and nothing is parsed before this check.
        const refusal = preLogin.check(frameBytes(data), isBinary);
        if (refusal) {
          session.send({ t: 'error', ...refusal });
          // No login needs a large frame: a socket that sends one before logging in is not a client.
          if (refusal.code === 'too_large') session.cut(CloseCode.tooLarge, 'too_large');
          return;
        }
      }
      const task = intake(session, data, isBinary);
      // Once logged in a frame's task goes in as it is: no wrapper promise per frame. Nor does a
      // refusal (`now`) before login: it logs nobody in.
      if (!preLogin || task.now) {
        session.frames!.push(task);
        return;
      }
      session.frames!.push(async () => {
        await task();
        if (preLogin && session.username) {
          preLogin.end();
          preLogin = undefined;
          setReceiveLimit(ws, limits.maxFrameBytes * 2);
          gate.loggedIn(client);
          ops.loggedIn(session);
        }
      });
    });
    ws.on('error', (err) => log.debug({ session: session.id, err: err.message }, 'socket error'));
    ws.on('close', () => {
      preLogin?.end();
      session.closed = true;
      sessions.delete(session);
      heartbeat.remove(session);
      ops.closed(session);
      try {
        router.leave(session);
      } catch (err) {
        log.error({ session: session.id, err }, 'failed to park a closing session');
      }
      files.forget(session).catch((err: unknown) => log.error({ session: session.id, err }, 'failed to drop uploads of a closing session'));
    });
    session.issueChallenge();
  }

  /**
   * Expired items go in batches, each its own short transaction, with the event loop free between
   * them: a day's worth of expiries at once must not hold everyone else's frames.
   */
  async function sweepSome(): Promise<void> {
    let swept = 0;
    try {
      swept = await store.sweepExpired(Date.now(), SWEEP_BATCH);
    } catch (err) {
      log.error({ err }, 'sweeping expired items failed');
      return;
    }
    if (swept >= SWEEP_BATCH) setTimeout(() => void sweepSome(), 20).unref();
  }

  return {
    router,
    ops,
    async start() {
      const port = await gate.listen(config.port, config.host);
      await ops.start();
      allowed = new Set([...ownOrigins(config.host, port), ...config.allowedOrigins]);
      heartbeat.start();
      schedule.scheduler.start();
      sweeper = setInterval(() => {
        void sweepSome();
        registrations.sweep();
        ops.sweep();
      }, 60_000);
      sweeper.unref();
      log.info({ url: `http://${config.host}:${port}` }, 'parley listening');
      return port;
    },
    async stop() {
      heartbeat.stop();
      schedule.scheduler.stop();
      clearInterval(sweeper);
      await ops.stop();
      router.closeAll(CloseCode.shutdown, 'server shutting down');
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await gate.close();
      await schedule.store.close();
    },
  };
}

/**
 * Sets the largest frame ws receives on this socket. ws has no public per-socket option (only the
 * server-wide `maxPayload`), so this sets its receiver's own field when it is there; where a
 * later ws lays it out otherwise nothing changes and the checks after receipt still hold.
 */
function setReceiveLimit(ws: WebSocket, bytes: number): void {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: unknown } })._receiver;
  if (receiver && typeof receiver._maxPayload === 'number') receiver._maxPayload = bytes;
}
