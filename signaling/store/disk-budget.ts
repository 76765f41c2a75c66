/**
 * The server's one disk budget for everything a client can make it keep (queued envelopes and
 * receipts, stored file chunks). Per-recipient quotas bound what one user is sent; this bounds
 * the sum, so throwaway recipients cannot fill the disk: past it, storing answers `server_full`
 * and everything else keeps working. It also keeps a floor of free space on the data volume,
 * whatever the budget says, because other things (the WAL, logs) share that volume.
 */
import fs from 'node:fs';

/** What one queued row costs beyond its envelope (keys, ids, index entries): an estimate. */
export const ROW_OVERHEAD_BYTES = 128;

/** How long a free-space reading is trusted: statfs per stored item would be a syscall per message. */
const STATFS_MS = 1000;

export interface DiskBudgetOptions {
  /** Most bytes stored in all (0: no budget). */
  limitBytes: number;
  /** Refuse to store when the data volume has less than this free (0: no floor). */
  minFreeBytes: number;
  /** The data directory: its volume is the one measured. */
  dir: string;
  now?: () => number;
}

export class DiskBudget {
  #used = 0;
  #free = Number.POSITIVE_INFINITY;
  #freeAt = Number.NEGATIVE_INFINITY;
  readonly #now: () => number;

  constructor(private readonly opts: DiskBudgetOptions) {
    this.#now = opts.now ?? Date.now;
  }

  /** Bytes accounted as stored now. */
  get used(): number {
    return this.#used;
  }

  /** True when `bytes` more may be stored. */
  fits(bytes: number): boolean {
    if (this.opts.limitBytes > 0 && this.#used + bytes > this.opts.limitBytes) return false;
    return this.opts.minFreeBytes <= 0 || this.#freeBytes() - bytes >= this.opts.minFreeBytes;
  }

  add(bytes: number): void {
    this.#used += bytes;
    this.#free -= bytes;
  }

  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }

  #freeBytes(): number {
    const now = this.#now();
    if (now - this.#freeAt >= STATFS_MS) {
      try {
        const s = fs.statfsSync(this.opts.dir);
        this.#free = s.bavail * s.bsize;
      } catch {
        this.#free = Number.POSITIVE_INFINITY; // a volume we cannot measure is not a reason to refuse
      }
      this.#freeAt = now;
    }
    return this.#free;
  }
}
