/**
 * The browser's one WebSocket to the Parley server: answers the login challenge, decodes
 * every frame through the shared protocol, notices a dead link with an application ping,
 * and reconnects by itself with exponential backoff and jitter.
 */
import { backOff } from 'exponential-backoff';
import {
  type ClientFrame,
  CloseCode,
  type ErrorCode,
  type ServerFrame,
  WS_PATH,
  decodeServerFrame,
  encodeFrame,
} from '../../../shared/protocol';
import { MAX_SEALED_CHUNK_BYTES } from '../../../shared/file-chunks';
import { decodeRelayFrame, encodeRelayFrame } from '../../../shared/relay-frames';
import { ParleyError } from './parley-error';

/** A sealed chunk and the longest name fit: a fresh array per frame would cost more than the frame (see heap-aead.ts). */
const RELAY_FRAME_BUFFER_BYTES = 1 + 127 + MAX_SEALED_CHUNK_BYTES;

/** `outdated`: the server speaks another protocol version (this page predates an upgrade); reloading gets the matching app. */
export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'replaced' | 'refused' | 'outdated';

/** Statuses that stop the connection for good, until the user acts (reloads, restores). */
const TERMINAL: ReadonlySet<ConnectionStatus> = new Set(['replaced', 'refused', 'outdated']);

/** Produces the register/login frame answering a challenge. */
export type Authenticator = (nonce: string) => ClientFrame;

/** Errors that end an authentication attempt: retrying the same answer cannot help. */
const AUTH_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'bad_username',
  'username_taken',
  'username_reserved',
  'registration_limited',
  'unknown_user',
  'bad_signature',
  'unsupported_version',
]);

export class FrameEvent extends Event {
  constructor(readonly frame: ServerFrame) {
    super('frame');
  }
}

/** The server refused this login or registration (taken, reserved, a bad signature...). */
export class AuthErrorEvent extends Event {
  constructor(readonly error: ParleyError) {
    super('auth-error');
  }
}

/** A sealed file chunk relayed by the server from contact `from` (a binary frame). */
export class RelayChunkEvent extends Event {
  constructor(
    readonly from: string,
    readonly payload: Uint8Array,
  ) {
    super('relay-chunk');
  }
}

export interface ConnectionOptions {
  url?: string;
  pingEveryMs?: number;
  pongWithinMs?: number;
}

/**
 * Events: `frame` (FrameEvent, after login), `relay-chunk` (RelayChunkEvent, after login),
 * `status` (status changed), `auth-error` (AuthErrorEvent).
 */
export class Connection extends EventTarget {
  status: ConnectionStatus = 'offline';
  #ws: WebSocket | undefined;
  /** Where binary frames are put together (see sendBinary). */
  #frameBuffer: Uint8Array | undefined;
  #stopped = true;
  #authed = false;
  /** Which connect loop is current: a loop whose number is stale ends at its next attempt. */
  #loop = 0;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pongTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #url: string;
  readonly #pingEveryMs: number;
  readonly #pongWithinMs: number;

  constructor(
    private readonly authenticate: Authenticator,
    options: ConnectionOptions = {},
  ) {
    super();
    this.#url = options.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`;
    this.#pingEveryMs = options.pingEveryMs ?? 20_000;
    this.#pongWithinMs = options.pongWithinMs ?? 10_000;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    globalThis.addEventListener?.('online', this.#networkBack);
    void this.#connectLoop(false);
  }

  stop(): void {
    this.#stopped = true;
    globalThis.removeEventListener?.('online', this.#networkBack);
    this.#ws?.close(1000, 'bye');
    this.#setStatus('offline');
  }

  /** Sends if logged in; false otherwise (the caller keeps the frame, e.g. in its outbox). */
  send(frame: ClientFrame): boolean {
    if (!this.#authed || this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(encodeFrame(frame));
    return true;
  }

  /**
   * Sends a sealed chunk for `to` as a binary frame: relayed live, or with `store` kept by the
   * server until `to` fetches it. False if not logged in.
   */
  sendBinary(to: string, payload: Uint8Array, store = false): boolean {
    if (!this.#authed || this.#ws?.readyState !== WebSocket.OPEN) return false;
    // WebSocket.send copies the bytes, so one buffer serves every frame.
    this.#ws.send(encodeRelayFrame(to, payload, store, (this.#frameBuffer ??= new Uint8Array(RELAY_FRAME_BUFFER_BYTES))));
    return true;
  }

  /** Bytes the socket has queued and not yet sent. */
  get bufferedAmount(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  /**
   * Resolves once the socket's queue is at or below `lowWater` bytes, or the socket is gone.
   * WebSocket has no drain event, so this polls, briefly.
   */
  async waitForDrain(lowWater: number): Promise<void> {
    const ws = this.#ws;
    while (ws && ws === this.#ws && ws.readyState === WebSocket.OPEN && ws.bufferedAmount > lowWater) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  get online(): boolean {
    return this.#authed;
  }

  /**
   * The browser says the network is back: try now rather than at the end of a backoff that may
   * have grown to its maximum while offline (the loop waiting then ends at its next attempt).
   */
  readonly #networkBack = (): void => {
    const state = this.#ws?.readyState;
    if (this.#stopped || state === WebSocket.OPEN || state === WebSocket.CONNECTING) return;
    void this.#connectLoop(false);
  };

  async #connectLoop(delayFirstAttempt: boolean): Promise<void> {
    const loop = ++this.#loop;
    try {
      await backOff(() => (loop === this.#loop ? this.#openOnce() : Promise.resolve()), {
        numOfAttempts: Number.MAX_SAFE_INTEGER,
        startingDelay: 300,
        timeMultiple: 2,
        maxDelay: 15_000,
        jitter: 'full',
        delayFirstAttempt,
        retry: () => !this.#stopped && loop === this.#loop,
      });
    } catch {
      // stopped while retrying
    }
  }

  /** Resolves once the socket opens; the socket's close later restarts the loop. */
  #openOnce(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#setStatus('connecting');
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.#url);
      ws.binaryType = 'arraybuffer';
      this.#ws = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.#startHeartbeat(ws);
        resolve();
      };
      ws.onmessage = (ev) => this.#onMessage(ws, ev);
      ws.onclose = (ev) => {
        this.#stopHeartbeat();
        this.#authed = false;
        if (this.#ws !== ws) return;
        if (!opened) {
          reject(new Error(`connect failed (${ev.code})`));
          return;
        }
        if (ev.code === CloseCode.replaced) {
          this.#stopped = true; // another tab or device took over: do not fight it
          this.#setStatus('replaced');
          return;
        }
        this.#reconnect();
      };
    });
  }

  #onMessage(ws: WebSocket, ev: MessageEvent): void {
    this.#armPongTimer(ws, false);
    if (ev.data instanceof ArrayBuffer) {
      const relayed = this.#authed ? decodeRelayFrame(new Uint8Array(ev.data)) : undefined;
      if (relayed) this.dispatchEvent(new RelayChunkEvent(relayed.name, relayed.payload));
      return;
    }
    if (typeof ev.data !== 'string') return;
    const decoded = decodeServerFrame(ev.data);
    if (!decoded.ok) {
      console.warn('parley: ignored a frame from the server:', decoded.message);
      return;
    }
    const frame = decoded.frame;
    if (frame.t === 'challenge') {
      if (!this.#authed) ws.send(encodeFrame(this.authenticate(frame.nonce)));
      return;
    }
    if (frame.t === 'pong') return;
    if (frame.t === 'welcome') {
      this.#authed = true;
      // A User Timing mark: "logged in" on DevTools' performance timeline; the browser benchmark
      // measures from it too.
      performance.mark('parley:online');
      this.#setStatus('online');
    }
    if (frame.t === 'error' && !this.#authed && AUTH_ERRORS.has(frame.code)) {
      this.#stopped = true;
      this.#setStatus(frame.code === 'unsupported_version' ? 'outdated' : 'refused');
      this.dispatchEvent(new AuthErrorEvent(ParleyError.fromFrame(frame)));
      ws.close(1000, 'auth refused');
      return;
    }
    this.dispatchEvent(new FrameEvent(frame));
  }

  #startHeartbeat(ws: WebSocket): void {
    this.#stopHeartbeat();
    this.#pingTimer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(encodeFrame({ t: 'ping' }));
      this.#armPongTimer(ws, true);
    }, this.#pingEveryMs);
  }

  /** After a ping, any frame proves the link alive; silence past the deadline means it is dead. */
  #armPongTimer(ws: WebSocket, arm: boolean): void {
    clearTimeout(this.#pongTimer);
    this.#pongTimer = arm ? setTimeout(() => this.#abandon(ws), this.#pongWithinMs) : undefined;
  }

  /**
   * Gives up on a socket without waiting for its closing handshake, which never completes on a
   * dead network, and starts over.
   */
  #abandon(ws: WebSocket): void {
    ws.onclose = null;
    ws.onmessage = null;
    ws.close(4000, 'no pong');
    this.#stopHeartbeat();
    this.#authed = false;
    if (this.#ws === ws) this.#reconnect();
  }

  #reconnect(): void {
    // A refusal (or an outdated page) closes the socket too; what it said must stay on screen.
    if (this.#stopped && TERMINAL.has(this.status)) return;
    this.#setStatus(this.#stopped ? 'offline' : 'connecting');
    if (!this.#stopped) void this.#connectLoop(true);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
  }

  #setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.dispatchEvent(new Event('status'));
  }
}
