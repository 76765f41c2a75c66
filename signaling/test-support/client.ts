/**
 * A Node WebSocket client that speaks the Parley protocol, for integration tests and benchmarks.
 *
 * Every frame the server sends is decoded through `decodeServerFrame`; one that does not decode
 * fails every pending and later `next()` call, so a server that breaks the protocol breaks tests.
 * Frames are kept in arrival order; `next(match)` takes the oldest unread frame that matches and
 * leaves the others for later calls.
 */
import WebSocket from 'ws';
import { openEnvelope, sealEnvelope } from '../../shared/envelope';
import { type Identity, generateKeyPair, publicKeyB64, signChallenge } from '../../shared/identity';
import { type ClientFrame, type ErrorCode, PROTOCOL_VERSION, type ServerFrame, type ServerFrameOf, WS_PATH, decodeServerFrame, encodeFrame } from '../../shared/protocol';
import { decodeRelayFrame } from '../../shared/relay-frames';
import { type Sodium, loadSodium } from '../../shared/sodium';

export type FrameMatch<F extends ServerFrame = ServerFrame> = ServerFrame['t'] | ((frame: ServerFrame) => frame is F) | ((frame: ServerFrame) => boolean);

export interface ConnectOptions {
  /** The Origin header. Default: the server's own `http://127.0.0.1:<port>`; `null` sends none. */
  origin?: string | null;
  host?: string;
  /** ws `maxPayload` for frames from the server. */
  maxPayload?: number;
  timeoutMs?: number;
  /** Extra request headers for the upgrade (e.g. `X-Forwarded-For`, as a proxy would add). */
  headers?: Record<string, string>;
}

/** The server answered the WebSocket upgrade with an HTTP status instead of 101. */
export class HandshakeRefused extends Error {
  constructor(
    readonly status: number,
    /** The `Retry-After` header of the refusal, if any. */
    readonly retryAfter?: string,
  ) {
    super(`websocket upgrade refused with HTTP ${status}`);
  }
}

/** The server answered an auth attempt with an error frame. */
export class AuthError extends Error {
  constructor(readonly code: ErrorCode) {
    super(`authentication refused: ${code}`);
  }
}

export interface Closed {
  code: number;
  reason: string;
}

interface Waiter {
  match: (frame: ServerFrame) => boolean;
  resolve: (frame: ServerFrame) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 5000;

/** A fresh identity (Ed25519 key pair) for `username`. */
export async function newIdentity(username: string): Promise<Identity> {
  return { username, ...generateKeyPair(await loadSodium()) };
}

export class ParleyClient {
  /** Every decoded frame received, in order. */
  readonly received: ServerFrame[] = [];
  /** Every binary relay frame received (a file chunk and who sent it), in order. */
  readonly relayed: Array<{ from: string; payload: Uint8Array }> = [];
  /** Set once the server sent a frame the protocol does not allow. */
  protocolViolation: string | undefined;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<Closed>;
  identity: Identity | undefined;
  /** The welcome of the last successful register/login on this connection. */
  welcome: ServerFrameOf<'welcome'> | undefined;
  readonly #unread: ServerFrame[] = [];
  readonly #waiters: Waiter[] = [];
  #closedInfo: Closed | undefined;

  private constructor(
    readonly ws: WebSocket,
    readonly sodium: Sodium,
  ) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.#closedInfo = { code, reason: reason.toString() };
        this.#failWaiters(new Error(`socket closed (${code} ${reason.toString()}) while waiting; ${this.#recent()}`));
        resolve(this.#closedInfo);
      });
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.#onBinary(toBuffer(data));
      else this.#onMessage(data.toString(), isBinary);
    });
  }

  /** Opens a connection to the server on `port`; resolves once the socket is open. */
  static async connect(port: number, options: ConnectOptions = {}): Promise<ParleyClient> {
    const sodium = await loadSodium();
    const host = options.host ?? '127.0.0.1';
    const origin = options.origin === undefined ? `http://${host}:${port}` : options.origin;
    const ws = new WebSocket(`ws://${host}:${port}${WS_PATH}`, {
      ...(origin === null ? {} : { origin }),
      perMessageDeflate: false,
      maxPayload: options.maxPayload ?? 16 * 1024 * 1024,
      handshakeTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.headers ? { headers: options.headers } : {}),
    });
    const client = new ParleyClient(ws, sodium);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        const retryAfter = res.headers['retry-after'];
        reject(new HandshakeRefused(res.statusCode ?? 0, typeof retryAfter === 'string' ? retryAfter : undefined));
        ws.terminate();
      });
      ws.once('error', reject);
    });
    ws.on('error', () => {
      // Socket errors end in 'close', which the tests observe.
    });
    return client;
  }

  /** Connects and registers a new account for `identity`. */
  static async register(port: number, identity: Identity, options?: ConnectOptions): Promise<ParleyClient> {
    const client = await ParleyClient.connect(port, options);
    await client.register(identity);
    return client;
  }

  /** Connects and logs in as `identity`. */
  static async login(port: number, identity: Identity, options?: ConnectOptions): Promise<ParleyClient> {
    const client = await ParleyClient.connect(port, options);
    await client.login(identity);
    return client;
  }

  get username(): string {
    if (!this.identity) throw new Error('not logged in');
    return this.identity.username;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Registers `identity` on this connection; throws {@link AuthError} on refusal. */
  async register(identity: Identity): Promise<ServerFrameOf<'welcome'>> {
    return this.#auth('register', identity, true) as Promise<ServerFrameOf<'welcome'>>;
  }

  /** Logs in as `identity` on this connection; throws {@link AuthError} on refusal. */
  async login(identity: Identity): Promise<ServerFrameOf<'welcome'>> {
    return this.#auth('login', identity, true) as Promise<ServerFrameOf<'welcome'>>;
  }

  /** Like register/login, but returns the server's answer (welcome or error) instead of throwing. */
  async tryAuth(kind: 'register' | 'login', identity: Identity): Promise<ServerFrameOf<'welcome'> | ServerFrameOf<'error'>> {
    return this.#auth(kind, identity, false);
  }

  send(frame: ClientFrame): void {
    this.ws.send(encodeFrame(frame));
  }

  /**
   * Seals `text` to `to` with the real envelope construction and sends it as message `id`.
   * Returns the envelope, so a test can look for it (or for the plaintext) elsewhere.
   */
  sendText(to: Pick<Identity, 'username' | 'publicKey'>, id: string, text: string): string {
    const env = sealEnvelope(this.sodium, { from: this.username, to: to.username, id }, { kind: 'text', text }, this.identity!.secretKey, to.publicKey);
    this.send({ t: 'send', to: to.username, id, env });
    return env;
  }

  /** Opens a delivered envelope from `from`; throws unless it opens cleanly. */
  async openText(frame: ServerFrameOf<'deliver'>, from: Pick<Identity, 'username' | 'publicKey'>): Promise<string> {
    if (frame.from !== from.username) throw new Error(`deliver is from ${frame.from}, expected ${from.username}`);
    const header = { from: frame.from, to: this.username, id: frame.id };
    const opened = await openEnvelope(this.sodium, frame.env, header, from.publicKey, this.identity!.secretKey, { has: () => false });
    if (!opened.ok) throw new Error(`envelope ${frame.id} did not open: ${opened.reason}`);
    if (opened.value.body.kind !== 'text') throw new Error('not a text message');
    return opened.value.body.text;
  }

  /** Sends anything: malformed text, binary, frames with extra fields. */
  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.ws.send(data, { binary: options.binary ?? typeof data !== 'string' });
  }

  /** Resolves with the oldest unread frame matching `match` (a type or a predicate), waiting if needed. */
  next<T extends ServerFrame['t']>(match: T, timeoutMs?: number): Promise<ServerFrameOf<T>>;
  next<F extends ServerFrame>(match: (frame: ServerFrame) => frame is F, timeoutMs?: number): Promise<F>;
  next(match: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>;
  next(match: FrameMatch, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ServerFrame> {
    const test = typeof match === 'string' ? (f: ServerFrame) => f.t === match : match;
    if (this.protocolViolation) return Promise.reject(new Error(this.protocolViolation));
    const index = this.#unread.findIndex(test);
    if (index >= 0) return Promise.resolve(this.#unread.splice(index, 1)[0]!);
    if (this.#closedInfo) {
      return Promise.reject(new Error(`socket already closed (${this.#closedInfo.code}); ${this.#recent()}`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match: test,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(new Error(`no matching frame within ${timeoutMs} ms; ${this.#recent()}`));
        }, timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  /** The next error frame with `code`. */
  nextError(code: ErrorCode, timeoutMs?: number): Promise<ServerFrameOf<'error'>> {
    return this.next((f): f is ServerFrameOf<'error'> => f.t === 'error' && f.code === code, timeoutMs);
  }

  /**
   * A ping/pong round trip. The server handles a connection's frames in order, so everything
   * it sent this connection because of earlier events has arrived once the pong does.
   */
  async roundTrip(timeoutMs?: number): Promise<void> {
    this.send({ t: 'ping' });
    await this.next('pong', timeoutMs);
  }

  /** Frames received and not yet taken by `next`, optionally of one type. */
  unread<T extends ServerFrame['t']>(t?: T): ServerFrameOf<T>[] {
    return this.#unread.filter((f) => t === undefined || f.t === t) as ServerFrameOf<T>[];
  }

  /** Stops reading from the TCP socket, so the server's sends pile up (a slow consumer). */
  pauseReading(): void {
    (this.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
  }

  resumeReading(): void {
    (this.ws as unknown as { _socket: import('node:net').Socket })._socket.resume();
  }

  /** Closes politely and waits for the close to complete (or terminates after `timeoutMs`). */
  async close(timeoutMs = 2000): Promise<Closed> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    const timer = setTimeout(() => this.ws.terminate(), timeoutMs);
    try {
      return await this.closed;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops the TCP connection without a close handshake (like a crash or a lost network). */
  async terminate(): Promise<Closed> {
    this.ws.terminate();
    return this.closed;
  }

  async #auth(kind: 'register' | 'login', identity: Identity, strict: boolean) {
    const challenge = await this.next('challenge');
    const sig = signChallenge(this.sodium, identity.secretKey, challenge.nonce, identity.username);
    this.send(
      kind === 'register'
        ? { t: 'register', username: identity.username, identityKey: publicKeyB64(this.sodium, identity), sig, v: PROTOCOL_VERSION }
        : { t: 'login', username: identity.username, sig, v: PROTOCOL_VERSION },
    );
    const reply = await this.next((f): f is ServerFrameOf<'welcome'> | ServerFrameOf<'error'> => f.t === 'welcome' || f.t === 'error');
    if (reply.t === 'welcome') {
      this.identity = identity;
      this.welcome = reply;
    } else if (strict) throw new AuthError(reply.code);
    return reply;
  }

  #onBinary(bytes: Buffer): void {
    const frame = decodeRelayFrame(bytes);
    if (!frame) {
      this.protocolViolation = 'the server sent a malformed binary frame';
      this.#failWaiters(new Error(this.protocolViolation));
      return;
    }
    this.relayed.push({ from: frame.name, payload: new Uint8Array(frame.payload) });
  }

  #onMessage(text: string, isBinary: boolean): void {
    const decoded = isBinary ? undefined : decodeServerFrame(text);
    if (!decoded?.ok) {
      this.protocolViolation = `the server sent an invalid frame (${decoded ? decoded.message : 'binary'}): ${text.slice(0, 200)}`;
      this.#failWaiters(new Error(this.protocolViolation));
      return;
    }
    const frame = decoded.frame;
    this.received.push(frame);
    const waiter = this.#waiters.find((w) => w.match(frame));
    if (waiter) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      clearTimeout(waiter.timer);
      waiter.resolve(frame);
    } else {
      this.#unread.push(frame);
    }
  }

  #failWaiters(err: Error): void {
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  #recent(): string {
    const last = this.received.slice(-8).map((f) => (f.t === 'error' ? `error:${f.code}` : f.t));
    return `last frames: [${last.join(', ')}]`;
  }
}

/**
 * Makes `a` and `b` contacts: a asks, b accepts, and both see `contact_added`.
 * Both must be logged in.
 */
export async function makeContacts(a: ParleyClient, b: ParleyClient): Promise<void> {
  a.send({ t: 'contact_request', to: b.username });
  await b.next((f) => f.t === 'request_received' && f.from === a.username);
  b.send({ t: 'contact_respond', from: a.username, accept: true });
  await Promise.all([
    a.next((f) => f.t === 'contact_added' && f.contact.username === b.username),
    b.next((f) => f.t === 'contact_added' && f.contact.username === a.username),
  ]);
}

/** Matches the presence frame saying `username` went offline (the server has processed their leaving). */
export const wentOffline =
  (username: string) =>
  (f: ServerFrame): boolean =>
    f.t === 'presence' && f.username === username && !f.online;

let counter = 0;
/** A unique valid username starting with `prefix` (at most 32 characters). */
export function uniqueName(prefix: string): string {
  counter += 1;
  const suffix = `${process.pid.toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return `${prefix.slice(0, 31 - suffix.length)}_${suffix}`;
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
