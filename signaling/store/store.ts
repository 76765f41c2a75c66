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

/** One queued item for a recipient: a sealed message from `peer`, or `peer`'s receipt for message `id`. */
export type QueueItem =
  | { kind: 'msg'; peer: string; id: string; env: string; ts: number }
  | { kind: 'receipt'; peer: string; id: string; ts: number };

export type EnqueueResult = 'stored' | 'duplicate' | 'full';

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

  addRequest(from: string, to: string): void;
  hasRequest(from: string, to: string): boolean;
  deleteRequest(from: string, to: string): void;
  incomingRequests(username: string): string[];
  outgoingRequests(username: string): string[];

  /** Durably queue items for `recipient` in order, all or nothing; messages count against the quota. */
  enqueue(recipient: string, items: QueueItem[]): EnqueueResult;
  /** Unexpired items for `recipient`, oldest first. */
  pending(recipient: string): QueueItem[];
  /** Forget items the recipient acknowledged. */
  remove(recipient: string, kind: QueueItem['kind'], peer: string, ids: string[]): void;
  /** Delete expired items (queued and stored files); returns how many. */
  sweepExpired(now: number): number;

  close(): void;
}
