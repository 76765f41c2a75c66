/**
 * What the server keeps, split by concern: accounts (public keys only), contacts and requests,
 * the offline queue of sealed messages and receipts, and sealed files for offline contacts. Every
 * method is async so a backend may be a network away (Redis in cluster mode); SQLite is the
 * embedded default. Each backend is held to the same contract tests (./contract/).
 */
import type { AccountStore } from './accounts';
import type { ContactStore } from './contacts';
import type { FileStore } from './file-store';
import type { QueueStore } from './queue';
import type { GroupStore } from './groups';
import type { AnnouncementStore } from './announcements';

export type { AccountStore, UserRecord } from './accounts';
export type { ContactStore, RequestResult } from './contacts';
export type { FileStore } from './file-store';
export type { EnqueueResult, QueueItem, QueueStore, QueuedItem, ReceiptKind } from './queue';
export type { GroupStore } from './groups';
export type { Announcement, AnnouncementStore } from './announcements';

export interface StoreRoom {
  /** True when `bytes` more may be stored (a reading at most a second old, plus what was stored since). */
  fits(bytes: number): boolean;
  /** `bytes` were just stored. */
  add(bytes: number): void;
}

export interface Store {
  readonly accounts: AccountStore;
  readonly contacts: ContactStore;
  readonly queue: QueueStore;
  /** Sealed files kept for contacts who are offline. */
  readonly files: FileStore;
  /** Groups: MLS's delivery service (issue 12). */
  readonly groups: GroupStore;
  /** Operator announcements and each user's cursor in them (issue 13 item 5). */
  readonly announcements: AnnouncementStore;
  /**
   * The backend's room for what clients make it keep, beyond the per-kind quotas the queue and
   * files check themselves: the disk budget on SQLite, the memory budget on Redis. Group writes
   * (log entries, commits, Welcomes, KeyPackages) are checked against it before they are made.
   */
  readonly room: StoreRoom;
  /**
   * Delete expired items (queued, requests and stored files), at most `limit` of each kind in one
   * go so a sweep never holds the server for long; returns how many (call again while it is `limit` or more).
   */
  sweepExpired(now: number, limit: number): Promise<number>;
  close(): Promise<void>;
}
