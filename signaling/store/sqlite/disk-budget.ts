/**
 * The server's one disk budget for everything a client can make it keep (queued envelopes and
 * receipts, stored file chunks). Per-recipient quotas bound what one user is sent; this bounds
 * the sum, so throwaway recipients cannot fill the disk: past it, storing answers `server_full`
 * and everything else keeps working. It also keeps a floor of free space on the data volume,
 * whatever the budget says, because other things (the WAL, logs) share that volume.
 *
 * What is stored is measured, not estimated: the database's pages in use (plus its WAL), read at
 * most once a second, plus what was written since the last reading. An estimate kept by hand
 * drifts (row overheads, failed transactions, indexes); the pages are what the disk holds.
 */
import fs from 'node:fs';

/** How long a reading is trusted: measuring per stored item would be a query and a syscall per message. */
const MEASURE_MS = 1000;

export interface DiskBudgetOptions {
  /** Most bytes stored in all (0: no budget). */
  limitBytes: number;
  /** Refuse to store when the data volume has less than this free (0: no floor). */
  minFreeBytes: number;
  /** The data directory: its volume is the one measured. */
  dir: string;
  /** Bytes the database holds now. */
  measure: () => number;
  now?: () => number;
}

export class DiskBudget {
  #measured = 0;
  #free = Number.POSITIVE_INFINITY;
  /** Written since the last reading. */
  #since = 0;
  #at = Number.NEGATIVE_INFINITY;
  readonly #now: () => number;

  constructor(private readonly opts: DiskBudgetOptions) {
    this.#now = opts.now ?? Date.now;
  }

  /** True when `bytes` more may be stored. */
  fits(bytes: number): boolean {
    this.#refresh();
    if (this.opts.limitBytes > 0 && this.#measured + this.#since + bytes > this.opts.limitBytes) return false;
    return this.opts.minFreeBytes <= 0 || this.#free - this.#since - bytes >= this.opts.minFreeBytes;
  }

  /** `bytes` were just written (counted until the next reading sees them). */
  add(bytes: number): void {
    if (bytes > 0) this.#since += bytes;
  }

  #refresh(): void {
    const now = this.#now();
    if (now - this.#at < MEASURE_MS) return;
    this.#at = now;
    this.#since = 0;
    this.#measured = this.opts.measure();
    try {
      const s = fs.statfsSync(this.opts.dir);
      this.#free = s.bavail * s.bsize;
    } catch {
      this.#free = Number.POSITIVE_INFINITY; // a volume we cannot measure is not a reason to refuse
    }
  }
}
