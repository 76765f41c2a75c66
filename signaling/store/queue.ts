/**
 * The offline queue: what is owed to each user (sealed messages, and receipts or refusals for
 * messages they sent), in the order the server took it, deleted only when they acknowledge it or
 * it expires. Read in pages after a cursor, so a login never loads a whole queue into memory.
 */

/** A receipt says `peer`'s device stored message `id`; a refusal that it threw it away unopened. */
export type ReceiptKind = 'receipt' | 'refusal';

/** One queued item for a recipient: a sealed message from `peer`, or `peer`'s receipt or refusal for message `id`. */
export type QueueItem =
  | { kind: 'msg'; peer: string; id: string; env: string; ts: number; expiresAt?: number }
  | { kind: ReceiptKind; peer: string; id: string; ts: number };

/**
 * The queue item of a message from `from`. `expiresAt` (ms; a disappearing message's, from the
 * send's `ttl`) ends its queued copy earlier than the queue's own TTL would; never later. It is
 * the store's business only: a page does not return it.
 */
export function messageItem(msg: { from: string; id: string; env: string; ts: number; expiresAt?: number }): Extract<QueueItem, { kind: 'msg' }> {
  const item: Extract<QueueItem, { kind: 'msg' }> = { kind: 'msg', peer: msg.from, id: msg.id, env: msg.env, ts: msg.ts };
  if (msg.expiresAt !== undefined) item.expiresAt = msg.expiresAt;
  return item;
}

/**
 * A queued item with its place in the recipient's queue: pages are read after a cursor. The
 * cursor is opaque, each backend spells it its own way (a row number, a stream entry id), and
 * later items have cursors the backend orders after it.
 */
export type QueuedItem = QueueItem & { cursor: string };

/**
 * `full`: over the recipient's quota, or over the sender's share of it; `server_full`: over the
 * server's disk budget. Either way nothing was stored.
 */
export type EnqueueResult = 'stored' | 'duplicate' | 'full' | 'server_full';

export interface QueueStore {
  /**
   * Durably queue items for `recipient` in order, all or nothing; messages count against the
   * quotas. Items of one recipient are queued in the order of the calls, even while an earlier
   * call has not resolved yet.
   */
  enqueue(recipient: string, items: QueueItem[]): Promise<EnqueueResult>;
  /** Up to `limit` unexpired items for `recipient` queued after the item at `after` (from the start when undefined), oldest first. */
  page(recipient: string, after: string | undefined, limit: number): Promise<QueuedItem[]>;
  /** Forget items the recipient acknowledged. */
  remove(recipient: string, kind: QueueItem['kind'], peer: string, ids: string[]): Promise<void>;
  /**
   * `sender` takes back its message `id` to `recipient` (deleted for everyone): dropped if it is
   * still queued. True when it was.
   */
  withdraw(recipient: string, sender: string, id: string): Promise<boolean>;
}
