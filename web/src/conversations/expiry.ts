/**
 * When disappearing messages go: each such message's time is kept in `expiring` (by when, an
 * index), and one timer waits for the soonest. At start, and each time it fires, what is due is
 * read from the index a page at a time and removed (the caller's `remove`: deleted for me, its
 * file too), so a message whose time passed while the tab was closed is gone at the next start,
 * and no more than a page of them is ever held in memory.
 */
import type { ConversationId } from './conversation-id';
import type { Database, Direction, ExpiringMessage } from '../storage/db';

/** Due messages read (and removed) at once. */
export const EXPIRY_PAGE = 50;

/** A message that could not be removed is tried again this much later. */
const RETRY_MS = 60_000;

/** setTimeout's longest wait (about 24.8 days); a later time is waited for in steps. */
const MAX_WAIT_MS = 2 ** 31 - 1;

export interface ExpiryDeps {
  db: Database;
  /** Removes a due message from this device (it may be gone already). */
  remove: (conv: ConversationId, dir: Direction, id: string) => Promise<void>;
  now?: () => number;
}

export class Expiry {
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires (ms), while it is set. */
  #next: number | undefined;
  /** The sweep running now: another waits for it rather than removing the same messages twice. */
  #sweeping: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(private readonly d: ExpiryDeps) {}

  #now(): number {
    return this.d.now?.() ?? Date.now();
  }

  /** Remembers that message `id` (written `dir`) of `conv` goes at `at` (ms). */
  async track(conv: ConversationId, dir: Direction, id: string, at: number): Promise<void> {
    await this.d.db.put('expiring', { conv, dir, id, at });
    this.#wake(at);
  }

  /** Something goes at `at` (ms), its entry written by the caller (in the transaction that read it: receipts.ts). */
  expect(at: number): void {
    this.#wake(at);
  }

  /** Removes what is due now, then as each message falls due (after a stop, too). */
  start(): Promise<void> {
    this.#stopped = false;
    return this.sweep();
  }

  /** Removes every message whose time has passed, then waits for the next one's. */
  sweep(): Promise<void> {
    if (this.#sweeping) {
      this.#again = true;
      return this.#sweeping;
    }
    this.#sweeping = this.#sweepAll().finally(() => {
      this.#sweeping = undefined;
      if (this.#again) {
        this.#again = false;
        void this.sweep();
      }
    });
    return this.#sweeping;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = this.#next = undefined;
  }

  async #sweepAll(): Promise<void> {
    const { db } = this.d;
    for (;;) {
      const due = await db.getAllFromIndex('expiring', 'byAt', IDBKeyRange.upperBound(this.#now()), EXPIRY_PAGE);
      let removed = 0;
      for (const m of due) if (await this.#removeOne(m)) removed++;
      if (removed < due.length) {
        // What stays (its removal failed) would come first in every page: try again later.
        this.#wake(this.#now() + RETRY_MS);
        return;
      }
      if (due.length < EXPIRY_PAGE || this.#stopped) break;
    }
    const soonest = await db.transaction('expiring').store.index('byAt').openCursor();
    if (soonest) this.#wake(soonest.value.at);
  }

  /** True once `m` is gone (and its entry with it). */
  async #removeOne(m: ExpiringMessage): Promise<boolean> {
    try {
      await this.d.remove(m.conv, m.dir, m.id);
      await this.d.db.delete('expiring', [m.conv, m.dir, m.id]);
      return true;
    } catch (err) {
      // Not removed now (storage busy, say): its entry stays, and a later sweep tries again.
      console.warn('parley: could not delete a disappearing message', err);
      return false;
    }
  }

  /** Sets the timer for `at` unless it is set for sooner already. */
  #wake(at: number): void {
    if (this.#stopped || (this.#next !== undefined && this.#next <= at)) return;
    clearTimeout(this.#timer);
    this.#next = at;
    const wait = Math.min(MAX_WAIT_MS, Math.max(0, at - this.#now()));
    this.#timer = setTimeout(() => {
      this.#timer = this.#next = undefined;
      void this.sweep().catch((err) => console.warn('parley: could not read the disappearing messages', err));
    }, wait);
  }
}
