/**
 * One WebSocket connection and what the server knows about it: who it is (once
 * authenticated), its challenge, its rate limits, and what it was handed but has not yet
 * acknowledged, so nothing is lost when it goes away. The parts live in connection/: the
 * delivery window (delivery-window.ts), the rates (rates.ts), reading the socket
 * (read-control.ts), what waits for the welcome (welcome-hold.ts) and the queue's hand-over cursor.
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { CloseCode, type ServerFrame, encodeFrame } from '../shared/protocol';
import type { ServerLimits } from './config';
import { type AckGroup, DeliveryWindow, type InflightMessage } from './connection/delivery-window';
import { type QueueCursor, idleCursor } from './connection/queue-cursor';
import { ConnectionRates } from './connection/rates';
import { type PauseReason, ReadControl } from './connection/read-control';
import type { SerialQueue } from './connection/serial-queue';
import { WelcomeHold } from './connection/welcome-hold';
import type { QueueItem, ReceiptKind } from './store/queue';
import type { SessionChange } from './routing/router';
import type { WriteCoalescer } from './write-coalescer';
import type { Metrics } from './metrics';

export { type InflightMessage, pairKey } from './connection/delivery-window';
export type { QueueCursor } from './connection/queue-cursor';

export class Session {
  username: string | undefined;
  /** The client's address key (an IPv4 address or an IPv6 /64) that per-address limits count against. */
  address = '';
  /** The nonce the next register/login must sign; single use. */
  challenge: string | undefined;
  /** Accepted contacts of `username`, kept in memory so routing needs no database read. */
  readonly contacts = new Set<string>();
  /** Users who blocked this one (see policy.ts), kept current like `contacts`. */
  readonly blockedBy = new Set<string>();
  /** Users this one blocked. */
  readonly blocks = new Set<string>();
  /** What this connection holds unacknowledged. */
  readonly window: DeliveryWindow;
  /** The offline queue's hand-over; acknowledgements make room for more. */
  queue: QueueCursor = idleCursor();
  /** This connection's frames, handled one at a time in order (set by the server when it opens). */
  frames: SerialQueue | undefined;
  /** True once the welcome has gone: from then on the connection gets live traffic (see the hub's `ready`). */
  welcomed = false;
  /** Heartbeat: false after a ping until the pong arrives. */
  alive = true;
  closed = false;
  /** Called once when the server cuts this connection (see {@link cut}). */
  onCut: (() => void) | undefined;
  /** Delivers the groups' logs to this connection in order (groups/feed.ts); set at login. */
  groupFeed:
    | {
        arrive(frame: Extract<ServerFrame, { t: 'group_log' | 'group_welcome' | 'group_removed' }>): void;
        start(group: string, cursor: number): Promise<void>;
        acked(group: string, upTo: number): void;
      }
    | undefined;
  readonly #rates: ConnectionRates;
  readonly #reading: ReadControl;
  readonly #welcome = new WelcomeHold();
  #drained: Promise<void> | undefined;

  constructor(
    /** A number for logs; never a user's identity. */
    readonly id: number,
    readonly ws: WebSocket,
    private readonly limits: ServerLimits,
    /** The connection's TCP socket and the server's coalescer: the frames of one event-loop turn go out in one write. */
    private readonly writes?: { socket: Duplex; coalescer: WriteCoalescer },
    /** Counts the frames and relayed bytes sent (metrics.ts), when metrics are on. */
    private readonly counts?: Pick<Metrics, 'frameOut' | 'relayed'>,
  ) {
    this.#rates = new ConnectionRates(limits);
    this.#reading = new ReadControl(writes?.socket, () => this.closed);
    this.window = new DeliveryWindow(limits);
  }

  /** Messages sent live to this connection and not yet acknowledged: sender → id → message. */
  get inflight(): Map<string, Map<string, InflightMessage>> {
    return this.window.inflight;
  }
  get inflightBytes(): number {
    return this.window.inflightBytes;
  }
  set inflightBytes(bytes: number) {
    this.window.inflightBytes = bytes;
  }
  /** Receipts and refusals sent live to this connection and not yet acknowledged: by → id → kind. */
  get inflightReceipts(): Map<string, Map<string, ReceiptKind>> {
    return this.window.inflightReceipts;
  }
  /** Bytes of handed-over queue items not yet acknowledged: the hand-over window in use. */
  get queuedBytes(): number {
    return this.window.queuedBytes;
  }

  /** A fresh single-use challenge, sent to the client. */
  issueChallenge(): void {
    this.challenge = randomBytes(32).toString('base64url');
    this.send({ t: 'challenge', nonce: this.challenge });
  }

  /** Consumes the current challenge (whatever the outcome of the attempt that uses it). */
  takeChallenge(): string | undefined {
    const c = this.challenge;
    this.challenge = undefined;
    return c;
  }

  /** Takes `cost` frames' worth of the frame rate (a batch of ids costs more than one frame). */
  allowFrame(cost = 1): boolean {
    return this.#rates.frame(cost);
  }

  /** Accounts `bytes` of a text frame against this connection's byte rate for them. */
  allowText(bytes: number): boolean {
    return this.#rates.text(bytes);
  }

  /**
   * Accounts `bytes` of envelopes this connection asks the server to store for offline contacts:
   * each one is a synchronous, fsynced commit, so they are paced for the disk, not the relay.
   */
  allowStored(bytes: number): boolean {
    return this.#rates.stored(bytes);
  }

  /** Takes one `transient` frame of this connection's rate for them (ServerLimits.transientPerSec). */
  allowTransient(): boolean {
    return this.#rates.transient();
  }

  /** Takes one account-state write (block, unblock, remove_contact, unsend) of this connection's rate (ServerLimits.stateWritesPerSec). */
  allowStateWrite(): boolean {
    return this.#rates.stateWrite();
  }

  /**
   * Accounts `bytes` of file `fileId` relayed by this connection: `rate` when over the byte rate,
   * `size` past the per-file size limit (a bounded number of files is tracked per connection).
   */
  allowRelay(fileId: string, bytes: number): 'ok' | 'rate' | 'size' {
    return this.#rates.relay(fileId, bytes);
  }

  /** Stops reading this connection's socket for a moment (see connection/read-control.ts). */
  holdReading(): void {
    this.#reading.hold();
  }

  /** Stops reading the socket for `reason`; it is read again once every reason has been lifted. */
  pauseReading(reason: PauseReason): void {
    this.#reading.pause(reason);
  }

  resumeReading(reason: PauseReason): void {
    this.#reading.resume(reason);
  }

  /** Sends a binary relay frame, unless the socket is gone. */
  sendBinary(bytes: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.writes?.coalescer.hold(this.writes.socket);
    this.counts?.relayed('out', bytes.byteLength);
    this.ws.send(bytes, { binary: true });
  }

  /** The heartbeat's ping, corked like any frame: a thousand in one loop turn are not a thousand writes. */
  ping(): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.writes?.coalescer.hold(this.writes.socket);
    this.ws.ping();
  }

  /** Unsent bytes queued toward this client. */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  /**
   * Resolves once the bytes queued toward this client have gone to the kernel (the socket's
   * 'drain') or the socket has closed: a writer paced by {@link buffered} waits on this instead of
   * polling. One waiter per session, however many writers share it.
   */
  drained(): Promise<void> {
    const socket = this.writes?.socket;
    // Nothing to wait for on the socket (no write was refused): yield a turn, so a caller's loop never spins.
    if (!socket || this.closed || !socket.writableNeedDrain) return new Promise((resolve) => setImmediate(resolve));
    this.#drained ??= new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        this.#drained = undefined;
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
    return this.#drained;
  }

  /**
   * From now until {@link sendWelcome}, frames for this connection wait: the login has claimed the
   * user, and others may tell it things (presence, a new contact) before its welcome is ready.
   */
  holdUntilWelcome(): void {
    this.#welcome.begin();
  }

  /** A change to the routing state arrived: kept while the login is reading it (see {@link changesDuringLogin}). */
  recordChange(change: SessionChange): void {
    this.#welcome.recordChange(change);
  }

  /** The changes that arrived since the login claimed the user; recording stops. */
  changesDuringLogin(): SessionChange[] {
    return this.#welcome.takeChanges();
  }

  /** Sends the welcome, then whatever was held for it, in order. */
  sendWelcome(frame: Extract<ServerFrame, { t: 'welcome' }>): void {
    const early = this.#welcome.release();
    this.welcomed = true;
    this.send(frame);
    for (const f of early) this.send(f);
  }

  /**
   * Sends a frame unless the socket is gone. A reader that lets more than `maxBufferedBytes`
   * pile up is cut off: one slow client must not fill the server's memory.
   */
  send(frame: ServerFrame): void {
    if (this.#welcome.holding) {
      this.#welcome.keep(frame);
      return;
    }
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.cut(CloseCode.slowConsumer, 'slow_consumer');
      return;
    }
    this.writes?.coalescer.hold(this.writes.socket);
    this.counts?.frameOut(frame);
    this.ws.send(encodeFrame(frame));
  }

  /** Hands a message to this connection and remembers it until acknowledged. */
  deliver(msg: InflightMessage): void {
    if (!this.window.track(msg)) {
      // A client that never acknowledges is as harmful as one that never reads.
      this.cut(CloseCode.slowConsumer, 'slow_consumer');
      return;
    }
    this.send({ t: 'deliver', from: msg.from, id: msg.id, env: msg.env, ts: msg.ts });
  }

  /** A queued item went to this connection: it counts against the window until acknowledged. */
  handedOver(item: QueueItem, bytes: number): void {
    this.window.handedOver(item, bytes);
  }

  /** Removes an acknowledged item handed over from the queue; its kind if it was one. */
  settleQueued(group: AckGroup, peer: string, id: string): QueueItem['kind'] | undefined {
    return this.window.settleQueued(group, peer, id);
  }

  /** Removes an acknowledged live message; true if it was in flight. */
  settle(from: string, id: string): boolean {
    return this.window.settle(from, id);
  }

  /** Receipts (or refusals) for `ids` went to this connection: remember them until it acknowledges them. */
  expectReceiptAcks(by: string, ids: readonly string[], kind: ReceiptKind): void {
    // A sender that never acknowledges its receipts would hold them in memory for ever.
    if (!this.window.expectReceiptAcks(by, ids, kind)) this.cut(CloseCode.slowConsumer, 'slow_consumer');
  }

  /** Removes an acknowledged live receipt; true if it was in flight. */
  settleReceipt(by: string, id: string): boolean {
    return this.window.settleReceipt(by, id);
  }

  /** Closes the socket now, without waiting for the peer (it may not be reading). */
  cut(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason);
      // The close frame must leave before a terminate() could drop it from a corked socket.
      this.writes?.coalescer.flush(this.writes.socket);
    } finally {
      // A reader that does not read will not complete the closing handshake either.
      setTimeout(() => this.ws.terminate(), 1000).unref();
    }
    // Leave the hub now rather than when the socket finally closes: until then, messages
    // routed here would pile up in `inflight` for a connection nobody reads.
    this.onCut?.();
  }
}
