/**
 * One WebSocket connection and what the server knows about it: who it is (once
 * authenticated), its challenge, its rate limit, and what it was handed but has not yet
 * acknowledged, so nothing is lost when it goes away.
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { CloseCode, type ServerFrame, encodeFrame } from '../shared/protocol';
import type { ServerLimits } from './config';
import type { QueueItem, QueuedItem, ReceiptKind } from './store/queue';
import type { SerialQueue } from './connection/serial-queue';
import type { SessionChange } from './routing/router';
import { TokenBucket } from './rate-limiter';
import type { WriteCoalescer } from './write-coalescer';

/** A delivered message the recipient has not acknowledged yet. */
export interface InflightMessage {
  from: string;
  id: string;
  env: string;
  ts: number;
}

/**
 * Frames for a connection kept while its welcome is being put together (presence, contact_added
 * from others): they follow the welcome. Past this many, later ones are dropped: they are state
 * changes the client would also learn at its next login.
 */
const EARLY_FRAMES_MAX = 1024;

/** How long a connection over one of its byte rates is not read. */
const HOLD_READING_MS = 100;

/** Key of a (peer, message id) pair in the maps below. */
export const pairKey = (peer: string, id: string): string => `${peer}\u0000${id}`;

/** Which of a user's queued items are acknowledged together: messages by `ack`, receipts and refusals by `receipt_ack`. */
type AckGroup = 'msg' | 'receipts';
const groupOf = (kind: QueueItem['kind']): AckGroup => (kind === 'msg' ? 'msg' : 'receipts');
const handedKey = (group: AckGroup, peer: string, id: string) => `${group}\u0000${pairKey(peer, id)}`;

/** Where the hand-over of a user's offline queue stands: read from the store a page at a time. */
export interface QueueCursor {
  /** The cursor of the last item handed over (undefined: none yet). */
  after: string | undefined;
  /** Read from the store but not handed over yet, oldest first (at most a page). */
  page: QueuedItem[];
  /** False once a read found nothing more: from then on, new items go out live. */
  draining: boolean;
  /** True while a page is being read: one reader at a time, so no item is handed over twice. */
  reading: boolean;
  /** Set when more may have been queued while a page was being read: read again before stopping. */
  again: boolean;
}

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
  /** Changes to the sets above made while the login reads them from the store: replayed on what it read. */
  #changes: SessionChange[] | undefined;
  /** Messages sent live to this connection and not yet acknowledged: sender → id → message. */
  readonly inflight = new Map<string, Map<string, InflightMessage>>();
  inflightBytes = 0;
  /** Receipts and refusals sent live to this connection and not yet acknowledged: by → id → kind. */
  readonly inflightReceipts = new Map<string, Map<string, ReceiptKind>>();
  /** Items handed over from the offline queue; their acknowledgement deletes them from the store. */
  readonly #handed = new Map<string, { kind: QueueItem['kind']; bytes: number }>();
  /** Receipts sent live and not yet acknowledged, in all. */
  #liveReceipts = 0;
  /** Bytes of handed-over queue items not yet acknowledged: the hand-over window in use. */
  queuedBytes = 0;
  /** The offline queue's hand-over; acknowledgements make room for more. */
  queue: QueueCursor = { after: undefined, page: [], draining: false, reading: false, again: false };
  /** This connection's frames, handled one at a time in order (set by the server when it opens). */
  frames: SerialQueue | undefined;
  /** True once the welcome has gone: from then on the connection gets live traffic (see the hub's `ready`). */
  welcomed = false;
  /** Frames held until the welcome goes (see {@link holdUntilWelcome}). */
  #early: ServerFrame[] | undefined;
  /** Heartbeat: false after a ping until the pong arrives. */
  alive = true;
  closed = false;
  /** Called once when the server cuts this connection (see {@link cut}). */
  onCut: (() => void) | undefined;
  readonly #limiter: TokenBucket;
  #drained: Promise<void> | undefined;
  /** Text-frame byte accounting (JSON frames: each is received, unmasked and parsed). */
  #text: TokenBucket | undefined;
  /** True while reading the socket is held back (see {@link holdReading}). */
  #held = false;
  /** Why the socket is not being read now: a hold after a rate was passed, a backlog of frames not yet handled. */
  readonly #pauses = new Set<'hold' | 'backlog'>();
  /** Stored-envelope accounting, made on the first message stored for an offline contact. */
  #stored: TokenBucket | undefined;
  /** Transient frames (typing), made on the first one. */
  #transient: TokenBucket | undefined;
  /** File relay accounting, made on the first chunk: most connections never relay a file. */
  #relay: { bytes: TokenBucket; perFile: Map<string, number> } | undefined;

  constructor(
    /** A number for logs; never a user's identity. */
    readonly id: number,
    readonly ws: WebSocket,
    private readonly limits: ServerLimits,
    /** The connection's TCP socket and the server's coalescer: the frames of one event-loop turn go out in one write. */
    private readonly writes?: { socket: Duplex; coalescer: WriteCoalescer },
  ) {
    this.#limiter = new TokenBucket(limits.rateFramesPerSec, limits.rateBurst);
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
    return this.#limiter.take(cost);
  }

  /** Accounts `bytes` of a text frame against this connection's byte rate for them. */
  allowText(bytes: number): boolean {
    this.#text ??= new TokenBucket(this.limits.textBytesPerSec, this.limits.textBurstBytes);
    return this.#text.take(bytes);
  }

  /**
   * Stops reading this connection's socket for a moment. A sender over its rates is pushed back by
   * TCP itself: what it cannot send is never received, unmasked or parsed, which refusing each
   * frame after reading it would still cost.
   */
  holdReading(): void {
    if (this.#held || this.closed) return;
    this.#held = true;
    this.pauseReading('hold');
    setTimeout(() => {
      this.#held = false;
      this.resumeReading('hold');
    }, HOLD_READING_MS).unref();
  }

  /** Stops reading the socket for `reason`; it is read again once every reason has been lifted. */
  pauseReading(reason: 'hold' | 'backlog'): void {
    const socket = this.writes?.socket;
    if (!socket || this.closed) return;
    if (this.#pauses.size === 0) socket.pause();
    this.#pauses.add(reason);
  }

  resumeReading(reason: 'hold' | 'backlog'): void {
    const socket = this.writes?.socket;
    if (!socket || !this.#pauses.delete(reason) || this.#pauses.size > 0 || this.closed) return;
    socket.resume();
  }

  /**
   * Accounts `bytes` of envelopes this connection asks the server to store for offline contacts:
   * each one is a synchronous, fsynced commit, so they are paced for the disk, not the relay.
   */
  allowStored(bytes: number): boolean {
    this.#stored ??= new TokenBucket(this.limits.offlineBytesPerSec, this.limits.offlineBurstBytes);
    return this.#stored.take(bytes);
  }

  /** Takes one `transient` frame of this connection's rate for them (ServerLimits.transientPerSec). */
  allowTransient(): boolean {
    this.#transient ??= new TokenBucket(this.limits.transientPerSec, this.limits.transientBurst);
    return this.#transient.take();
  }

  /**
   * Accounts `bytes` of file `fileId` relayed by this connection: `rate` when over the byte rate,
   * `size` past the per-file size limit (at most 64 files are tracked per connection; the oldest is forgotten).
   */
  allowRelay(fileId: string, bytes: number): 'ok' | 'rate' | 'size' {
    this.#relay ??= { bytes: new TokenBucket(this.limits.relayBytesPerSec, this.limits.relayBurstBytes), perFile: new Map() };
    const perFile = this.#relay.perFile;
    const total = (perFile.get(fileId) ?? 0) + bytes;
    if (total > this.limits.relayFileMaxBytes) return 'size';
    if (!this.#relay.bytes.take(bytes)) return 'rate';
    if (!perFile.has(fileId) && perFile.size >= 64) perFile.delete(perFile.keys().next().value!);
    perFile.set(fileId, total);
    return 'ok';
  }

  /** Sends a binary relay frame, unless the socket is gone. */
  sendBinary(bytes: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.writes?.coalescer.hold(this.writes.socket);
    this.ws.send(bytes, { binary: true });
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
    this.#early = [];
    this.#changes = [];
  }

  /** A change to the routing state arrived: kept while the login is reading it (see {@link changesDuringLogin}). */
  recordChange(change: SessionChange): void {
    this.#changes?.push(change);
  }

  /** The changes that arrived since the login claimed the user; recording stops. */
  changesDuringLogin(): SessionChange[] {
    const changes = this.#changes ?? [];
    this.#changes = undefined;
    return changes;
  }

  /** Sends the welcome, then whatever was held for it, in order. */
  sendWelcome(frame: Extract<ServerFrame, { t: 'welcome' }>): void {
    const early = this.#early ?? [];
    this.#early = undefined;
    this.welcomed = true;
    this.send(frame);
    for (const f of early) this.send(f);
  }

  /**
   * Sends a frame unless the socket is gone. A reader that lets more than `maxBufferedBytes`
   * pile up is cut off: one slow client must not fill the server's memory.
   */
  send(frame: ServerFrame): void {
    if (this.#early) {
      if (this.#early.length < EARLY_FRAMES_MAX) this.#early.push(frame);
      return;
    }
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.cut(CloseCode.slowConsumer, 'slow_consumer');
      return;
    }
    this.writes?.coalescer.hold(this.writes.socket);
    this.ws.send(encodeFrame(frame));
  }

  /** Hands a message to this connection and remembers it until acknowledged. */
  deliver(msg: InflightMessage): void {
    let fromSender = this.inflight.get(msg.from);
    if (!fromSender) this.inflight.set(msg.from, (fromSender = new Map()));
    if (!fromSender.has(msg.id)) {
      fromSender.set(msg.id, msg);
      this.inflightBytes += msg.env.length;
    }
    if (this.inflightBytes > this.limits.maxInflightBytes) {
      // A client that never acknowledges is as harmful as one that never reads.
      this.cut(CloseCode.slowConsumer, 'slow_consumer');
      return;
    }
    this.send({ t: 'deliver', from: msg.from, id: msg.id, env: msg.env, ts: msg.ts });
  }

  /** A queued item went to this connection: it counts against the window until acknowledged. */
  handedOver(item: QueueItem, bytes: number): void {
    this.#handed.set(handedKey(groupOf(item.kind), item.peer, item.id), { kind: item.kind, bytes });
    this.queuedBytes += bytes;
  }

  /** Removes an acknowledged item handed over from the queue; its kind if it was one. */
  settleQueued(group: AckGroup, peer: string, id: string): QueueItem['kind'] | undefined {
    const key = handedKey(group, peer, id);
    const handed = this.#handed.get(key);
    if (!handed) return undefined;
    this.#handed.delete(key);
    this.queuedBytes -= handed.bytes;
    return handed.kind;
  }

  /** Removes an acknowledged live message; true if it was in flight. */
  settle(from: string, id: string): boolean {
    const fromSender = this.inflight.get(from);
    const msg = fromSender?.get(id);
    if (!msg) return false;
    fromSender!.delete(id);
    this.inflightBytes -= msg.env.length;
    return true;
  }

  /** Receipts (or refusals) for `ids` went to this connection: remember them until it acknowledges them. */
  expectReceiptAcks(by: string, ids: readonly string[], kind: ReceiptKind): void {
    let pending = this.inflightReceipts.get(by);
    if (!pending) this.inflightReceipts.set(by, (pending = new Map()));
    for (const id of ids) {
      if (!pending.has(id)) this.#liveReceipts++;
      pending.set(id, kind);
    }
    // A sender that never acknowledges its receipts would hold them in memory for ever.
    if (this.#liveReceipts > this.limits.offlineQuotaReceipts) this.cut(CloseCode.slowConsumer, 'slow_consumer');
  }

  /** Removes an acknowledged live receipt; true if it was in flight. */
  settleReceipt(by: string, id: string): boolean {
    const settled = this.inflightReceipts.get(by)?.delete(id) ?? false;
    if (settled) this.#liveReceipts--;
    return settled;
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
