/**
 * One WebSocket connection and what the server knows about it: who it is (once
 * authenticated), its challenge, its rate limit, and what it was handed but has not yet
 * acknowledged, so nothing is lost when it goes away.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { CloseCode, type ServerFrame, encodeFrame } from '../shared/protocol';
import type { ServerLimits } from './config';
import { TokenBucket } from './rate-limiter';

/** A delivered message the recipient has not acknowledged yet. */
export interface InflightMessage {
  from: string;
  id: string;
  env: string;
  ts: number;
}

/** Key of a (peer, message id) pair in the maps below. */
export const pairKey = (peer: string, id: string): string => `${peer}\u0000${id}`;

export class Session {
  username: string | undefined;
  /** The nonce the next register/login must sign; single use. */
  challenge: string | undefined;
  /** Accepted contacts of `username`, kept in memory so routing needs no database read. */
  readonly contacts = new Set<string>();
  /** Messages sent live to this connection and not yet acknowledged. */
  readonly inflight = new Map<string, InflightMessage>();
  inflightBytes = 0;
  /** Receipts sent live to this connection and not yet acknowledged: key → (by, id). */
  readonly inflightReceipts = new Map<string, { by: string; id: string }>();
  /** Items handed over from the offline queue; their acknowledgement deletes them from the store. */
  readonly fromQueue = new Set<string>();
  readonly fromQueueReceipts = new Set<string>();
  /** Heartbeat: false after a ping until the pong arrives. */
  alive = true;
  closed = false;
  readonly #limiter: TokenBucket;

  constructor(
    /** A number for logs; never a user's identity. */
    readonly id: number,
    readonly ws: WebSocket,
    private readonly limits: ServerLimits,
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

  allowFrame(): boolean {
    return this.#limiter.take();
  }

  /**
   * Sends a frame unless the socket is gone. A reader that lets more than `maxBufferedBytes`
   * pile up is cut off: one slow client must not fill the server's memory.
   */
  send(frame: ServerFrame): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.cut(CloseCode.slowConsumer, 'slow_consumer');
      return;
    }
    this.ws.send(encodeFrame(frame));
  }

  /** Hands a message to this connection and remembers it until acknowledged. */
  deliver(msg: InflightMessage): void {
    const key = pairKey(msg.from, msg.id);
    if (!this.inflight.has(key)) {
      this.inflight.set(key, msg);
      this.inflightBytes += msg.env.length;
    }
    if (this.inflightBytes > this.limits.maxInflightBytes) {
      // A client that never acknowledges is as harmful as one that never reads.
      this.cut(CloseCode.slowConsumer, 'slow_consumer');
      return;
    }
    this.send({ t: 'deliver', from: msg.from, id: msg.id, env: msg.env, ts: msg.ts });
  }

  /** Removes an acknowledged live message; true if it was in flight. */
  settle(from: string, id: string): boolean {
    const key = pairKey(from, id);
    const msg = this.inflight.get(key);
    if (!msg) return false;
    this.inflight.delete(key);
    this.inflightBytes -= msg.env.length;
    return true;
  }

  /** Closes the socket now, without waiting for the peer (it may not be reading). */
  cut(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason);
    } finally {
      // A reader that does not read will not complete the closing handshake either.
      setTimeout(() => this.ws.terminate(), 1000).unref();
    }
  }
}
