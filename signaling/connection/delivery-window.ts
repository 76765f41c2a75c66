/**
 * What a connection was handed and has not acknowledged yet: messages and receipts sent live, and
 * items handed over from the offline queue. It bounds what one connection may hold unacknowledged
 * and tells the router what to put back in the queue when the connection goes away.
 */
import type { QueueItem, ReceiptKind } from '../store/queue';

/** A delivered message the recipient has not acknowledged yet. */
export interface InflightMessage {
  from: string;
  id: string;
  env: string;
  ts: number;
  /** A disappearing message's end (ms): a queued copy is dropped then (the send's `ttl`). */
  expiresAt?: number;
}

/** Key of a (peer, message id) pair in the maps below. */
export const pairKey = (peer: string, id: string): string => `${peer}\u0000${id}`;

/** Which of a user's queued items are acknowledged together: messages by `ack`, receipts and refusals by `receipt_ack`. */
export type AckGroup = 'msg' | 'receipts';
const groupOf = (kind: QueueItem['kind']): AckGroup => (kind === 'msg' ? 'msg' : 'receipts');

/** A queue item handed over: its kind and what it counts against the window. */
interface Handed {
  kind: QueueItem['kind'];
  bytes: number;
}

export interface WindowLimits {
  /** Envelope characters of live messages a connection may hold unacknowledged. */
  maxInflightBytes: number;
  /** Live receipts a connection may hold unacknowledged. */
  offlineQuotaReceipts: number;
}

export class DeliveryWindow {
  /** Messages sent live and not yet acknowledged: sender → id → message. */
  readonly inflight = new Map<string, Map<string, InflightMessage>>();
  inflightBytes = 0;
  /** Receipts and refusals sent live and not yet acknowledged: by → id → kind. */
  readonly inflightReceipts = new Map<string, Map<string, ReceiptKind>>();
  /** Bytes of handed-over queue items not yet acknowledged: the hand-over window in use. */
  queuedBytes = 0;
  /**
   * Items handed over from the offline queue, by ack group, then peer, then id; their
   * acknowledgement deletes them from the store. Maps within maps, not one map on a joined key:
   * every ack looks each of its ids up, and a joined key is a new string to build and hash each time.
   */
  readonly #handed: Record<AckGroup, Map<string, Map<string, Handed>>> = { msg: new Map(), receipts: new Map() };
  #handedCount = 0;
  /** Receipts sent live and not yet acknowledged, in all. */
  #liveReceipts = 0;

  constructor(private readonly limits: WindowLimits) {}

  /** Remembers a live message until acknowledged; false once the connection holds too much. */
  track(msg: InflightMessage): boolean {
    let fromSender = this.inflight.get(msg.from);
    if (!fromSender) this.inflight.set(msg.from, (fromSender = new Map()));
    if (!fromSender.has(msg.id)) {
      fromSender.set(msg.id, msg);
      this.inflightBytes += msg.env.length;
    }
    return this.inflightBytes <= this.limits.maxInflightBytes;
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

  /** A queued item went to the connection: it counts against the window until acknowledged. */
  handedOver(item: QueueItem, bytes: number): void {
    const byPeer = this.#handed[groupOf(item.kind)];
    let ids = byPeer.get(item.peer);
    if (!ids) byPeer.set(item.peer, (ids = new Map()));
    if (!ids.has(item.id)) this.#handedCount++;
    else this.queuedBytes -= ids.get(item.id)!.bytes;
    ids.set(item.id, { kind: item.kind, bytes });
    this.queuedBytes += bytes;
  }

  /** Removes an acknowledged item handed over from the queue; its kind if it was one. */
  settleQueued(group: AckGroup, peer: string, id: string): QueueItem['kind'] | undefined {
    // Every ack asks here for each id; on a live connection nothing was handed over.
    if (this.#handedCount === 0) return undefined;
    const ids = this.#handed[group].get(peer);
    const handed = ids?.get(id);
    if (!handed) return undefined;
    ids!.delete(id);
    if (ids!.size === 0) this.#handed[group].delete(peer);
    this.#handedCount--;
    this.queuedBytes -= handed.bytes;
    return handed.kind;
  }

  /** Remembers live receipts for `ids` until acknowledged; false once the connection holds too many. */
  expectReceiptAcks(by: string, ids: readonly string[], kind: ReceiptKind): boolean {
    let pending = this.inflightReceipts.get(by);
    if (!pending) this.inflightReceipts.set(by, (pending = new Map()));
    for (const id of ids) {
      if (!pending.has(id)) this.#liveReceipts++;
      pending.set(id, kind);
    }
    return this.#liveReceipts <= this.limits.offlineQuotaReceipts;
  }

  /** Removes an acknowledged live receipt; true if it was in flight. */
  settleReceipt(by: string, id: string): boolean {
    const settled = this.inflightReceipts.get(by)?.delete(id) ?? false;
    if (settled) this.#liveReceipts--;
    return settled;
  }
}
