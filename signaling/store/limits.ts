/**
 * The bounds every store backend holds users to, spelled once so SQLite and Redis cannot drift
 * apart: a backend's options extend {@link StoreLimits} and fill the gaps from {@link LIMIT_DEFAULTS}.
 */
import { CHUNK_BYTES, MAX_SEALED_CHUNK_BYTES, chunkCount } from '../../shared/file-chunks';

export interface StoreLimits {
  quotaMessages: number;
  quotaBytes: number;
  ttlMs: number;
  /** Percent of a recipient's queue quota one sender may hold (default 50). */
  senderSharePercent?: number;
  /** Most receipts queued for one recipient (default 10,000). */
  receiptsMax?: number;
  /** Files kept for offline contacts: the largest file (plaintext bytes), and all files' total per recipient. */
  fileMaxBytes?: number;
  filesQuotaBytes?: number;
  /** Most files kept for one recipient (default 1,000). */
  filesPerRecipient?: number;
  /** Pending contact requests: most to one user, most from one user, lifetime, and the wait after a decline. */
  requestsMaxIncoming?: number;
  requestsMaxOutgoing?: number;
  /** Of a user's incoming requests, most from accounts younger than `newAccountMs` (defaults 20, 7 days). */
  requestsMaxFromNew?: number;
  newAccountMs?: number;
  requestTtlMs?: number;
  requestCooldownMs?: number;
  /** Most users one user may block (default 1,000): past it `block` is `full` (review M5). */
  blocksMax?: number;
  now?: () => number;
}

export const LIMIT_DEFAULTS = {
  senderSharePercent: 50,
  receiptsMax: 10_000,
  fileMaxBytes: 25 * 1024 * 1024,
  filesQuotaBytes: 100 * 1024 * 1024,
  filesPerRecipient: 1000,
  requestsMaxIncoming: 100,
  requestsMaxOutgoing: 100,
  requestsMaxFromNew: 20,
  newAccountMs: 7 * 24 * 3600 * 1000,
  requestTtlMs: 30 * 24 * 3600 * 1000,
  requestCooldownMs: 7 * 24 * 3600 * 1000,
  blocksMax: 1000,
  now: Date.now,
} satisfies Required<Omit<StoreLimits, 'quotaMessages' | 'quotaBytes' | 'ttlMs'>>;

/** A plaintext size limit in sealed bytes (each chunk carries a header, a nonce and a tag): what the stores count. */
export const sealedBytes = (plain: number): number => plain + chunkCount(plain) * (MAX_SEALED_CHUNK_BYTES - CHUNK_BYTES);

/** The queue's bounds, resolved (no defaults left open), as each backend's queue takes them. */
export type QueueLimits = Required<Pick<StoreLimits, 'quotaMessages' | 'quotaBytes' | 'senderSharePercent' | 'receiptsMax' | 'ttlMs' | 'now'>>;
