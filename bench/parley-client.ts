/**
 * The Parley side of the bench clients: open a socket the way a browser would (with an Origin),
 * register a fresh account by signing the server's challenge, and make two accounts contacts.
 * Setup frames are decoded through the shared protocol module like a real client does; the
 * measured hot path (load-client.ts) reads frames more cheaply so the client stays light.
 */
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION, type ServerFrame, type ServerFrameOf, WS_PATH, decodeServerFrame, encodeFrame } from '../shared/protocol';
import { generateKeyPair, publicKeyB64, signChallenge } from '../shared/identity';
import type { Sodium } from '../shared/sodium';

/** The Origin a browser on the app's own page would send; the server refuses any other. */
export const originFor = (port: number): string => `http://127.0.0.1:${port}`;
export const parleyUrl = (port: number): string => `ws://127.0.0.1:${port}${WS_PATH}`;

const tcpSockets = new WeakMap<WebSocket, Socket>();

/** A WebSocket as the bench clients open it: Origin set, no compression (the servers offer none). */
export function openSocket(url: string, origin: string): WebSocket {
  const ws = new WebSocket(url, { origin, perMessageDeflate: false });
  ws.once('upgrade', (res) => tcpSockets.set(ws, res.socket));
  return ws;
}

/** The TCP socket under an open WebSocket from openSocket(). */
export function tcpSocketOf(ws: WebSocket): Socket {
  const socket = tcpSockets.get(ws);
  if (!socket) throw new Error('not a bench socket, or not open yet');
  return socket;
}

/** Resolves when `ws` is open; rejects on a refused upgrade or a socket error. */
export function opened(ws: WebSocket, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('websocket open timed out')), timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    ws.once('open', () => {
      clearTimeout(timer);
      ws.off('error', fail);
      resolve();
    });
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
  });
}

/**
 * Frames received during setup, so a step can wait for the one it needs. Attached before the
 * socket opens: the server's challenge may arrive right behind the handshake.
 */
export class SetupInbox {
  readonly #frames: ServerFrame[] = [];
  #waiter: { t: ServerFrame['t']; resolve: (f: ServerFrame) => void; reject: (e: Error) => void } | undefined;
  readonly #onMessage = (data: Buffer): void => {
    const decoded = decodeServerFrame(data.toString());
    if (!decoded.ok) return this.#waiter?.reject(new Error(`server sent a bad frame: ${decoded.message}`));
    const frame = decoded.frame;
    if (frame.t === 'error') return this.#waiter?.reject(new Error(`server error ${frame.code}: ${frame.message}`));
    if (this.#waiter?.t === frame.t) {
      const w = this.#waiter;
      this.#waiter = undefined;
      w.resolve(frame);
    } else {
      this.#frames.push(frame);
    }
  };

  constructor(readonly ws: WebSocket) {
    ws.on('message', this.#onMessage);
  }

  /** The next frame of type `t` (earlier frames of other types are kept, later ones too). */
  next<T extends ServerFrame['t']>(t: T, timeoutMs = 30_000): Promise<ServerFrameOf<T>> {
    const i = this.#frames.findIndex((f) => f.t === t);
    if (i >= 0) return Promise.resolve(this.#frames.splice(i, 1)[0] as ServerFrameOf<T>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${t} frame within ${timeoutMs} ms`)), timeoutMs);
      this.#waiter = {
        t,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as ServerFrameOf<T>);
        },
        reject: (e) => {
          clearTimeout(timer);
          this.#waiter = undefined;
          reject(e);
        },
      };
    });
  }

  /** Setup is over: stop decoding, forget buffered frames. */
  detach(): void {
    this.ws.off('message', this.#onMessage);
    this.#frames.length = 0;
  }
}

export interface Account {
  username: string;
  ws: WebSocket;
  inbox: SetupInbox;
}

/** Opens a connection and registers `username` with a fresh Ed25519 key: the full challenge flow. */
export async function register(sodium: Sodium, port: number, username: string): Promise<Account> {
  const ws = openSocket(parleyUrl(port), originFor(port));
  const inbox = new SetupInbox(ws);
  ws.on('error', () => {}); // reported through opened() / the inbox; never an unhandled 'error'
  await opened(ws);
  const { nonce } = await inbox.next('challenge');
  const keys = generateKeyPair(sodium);
  ws.send(
    encodeFrame({
      t: 'register',
      v: PROTOCOL_VERSION,
      username,
      identityKey: publicKeyB64(sodium, keys),
      sig: signChallenge(sodium, keys.secretKey, nonce, username),
    }),
  );
  await inbox.next('welcome');
  return { username, ws, inbox };
}

/** `a` asks, `b` accepts: afterwards the server routes messages between them. */
export async function befriend(a: Account, b: Account): Promise<void> {
  a.ws.send(encodeFrame({ t: 'contact_request', to: b.username }));
  await b.inbox.next('request_received');
  b.ws.send(encodeFrame({ t: 'contact_respond', from: a.username, accept: true }));
  await Promise.all([a.inbox.next('contact_added'), b.inbox.next('contact_added')]);
}

/** Runs `fn` over `items` with at most `limit` in flight; collects results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
