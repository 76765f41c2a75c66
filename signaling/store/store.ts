/**
 * What the server keeps: accounts (public keys only), contacts, pending requests, the offline
 * queue of sealed messages and delivery receipts, and sealed files for offline contacts. SQLite
 * is the embedded default; another engine implements the same interface.
 */

export interface UserRecord {
  username: string;
  /** Ed25519 public key, base64url. */
  identityKey: string;
}

/** A receipt says `peer`'s device stored message `id`; a refusal that it threw it away unopened. */
export type ReceiptKind = 'receipt' | 'refusal';

/** One queued item for a recipient: a sealed message from `peer`, or `peer`'s receipt or refusal for message `id`. */
export type QueueItem =
  | { kind: 'msg'; peer: string; id: string; env: string; ts: number }
  | { kind: ReceiptKind; peer: string; id: string; ts: number };

/** A queued item with its place in the recipient's queue: pages are read after a `seq`. */
export type QueuedItem = QueueItem & { seq: number };

/**
 * `full`: over the recipient's quota, or over the sender's share of it; `server_full`: over the
 * server's disk budget. Either way nothing was stored.
 */
export type EnqueueResult = 'stored' | 'duplicate' | 'full' | 'server_full';

/**
 * `added`: new; `exists`: already pending (nothing to tell anyone again); `full`: the recipient
 * has too many pending requests, or the sender has too many outstanding; `cooldown`: the
 * recipient declined the sender recently.
 */
export type RequestResult = 'added' | 'exists' | 'full' | 'cooldown';

import type { FileStore } from './file-store';

export interface Store {
  /** Sealed files kept for contacts who are offline. */
  readonly files: FileStore;
  getUser(username: string): UserRecord | undefined;
  /** False when the name is taken. */
  createUser(user: UserRecord): boolean;
  contactsOf(username: string): string[];
  areContacts(a: string, b: string): boolean;
  /** Makes a and b contacts and removes any request between them. */
  addContact(a: string, b: string): void;
  addRequest(from: string, to: string): RequestResult;
  /** True when an unexpired request from `from` to `to` is pending. */
  hasRequest(from: string, to: string): boolean;
  /** `to` declined `from`: the request goes, and `from` may not ask again for the cooldown. */
  declineRequest(from: string, to: string): void;
  /** Unexpired requests to `username`, oldest first (at most the per-user cap). */
  incomingRequests(username: string): string[];
  /** Unexpired requests from `username`, oldest first (at most the per-user cap). */
  outgoingRequests(username: string): string[];
  /** Durably queue items for `recipient` in order, all or nothing; messages count against the quotas. */
  enqueue(recipient: string, items: QueueItem[]): EnqueueResult;
  /** Up to `limit` unexpired items for `recipient` queued after `afterSeq`, oldest first. */
  page(recipient: string, afterSeq: number, limit: number): QueuedItem[];
  /** Forget items the recipient acknowledged. */
  remove(recipient: string, kind: QueueItem['kind'], peer: string, ids: string[]): void;
  /**
   * Delete expired items (queued, requests and stored files), at most `limit` of each kind in one
   * go so a sweep never holds the server for long; returns how many (call again while it is `limit` or more).
   */
  sweepExpired(now: number, limit: number): number;
  close(): void;
}
