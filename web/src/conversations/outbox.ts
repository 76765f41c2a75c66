/**
 * The outbox: one durable job per sealed envelope not yet answered (a message, a reaction, a
 * delete; later a group send), each tagged with its kind. Every kind is kept, resent and settled
 * the same way: sent again at each login and when it has waited RESEND_AFTER_MS, and dropped once
 * the server's store or its recipient answers it. What an answer means for the conversation is
 * the kind's business (messenger.ts), not the outbox's.
 */
import type { Database, OutboxEntry } from '../storage/db';

/** Outbox entries older than this that are still unacknowledged are sent again. */
export const RESEND_AFTER_MS = 10_000;

export class Outbox {
  /**
   * Mirrored in memory (loaded at start, in send order): at login what waits goes out at once,
   * with no read of IndexedDB first (on a tab busy logging in that read took tens of ms).
   */
  readonly #mirror = new Map<string, OutboxEntry>();

  constructor(
    private readonly db: Database,
    /** Sends a job's envelope on its recipient's link. */
    private readonly send: (entry: OutboxEntry) => void,
  ) {}

  /** Reads the outbox; call once, before anything is sent. */
  async load(): Promise<void> {
    for (const entry of await this.db.getAllFromIndex('outbox', 'bySeq')) this.#mirror.set(entry.id, entry);
  }

  /** Every job held, in send order. */
  all(): OutboxEntry[] {
    return [...this.#mirror.values()];
  }

  get(id: string): OutboxEntry | undefined {
    return this.#mirror.get(id);
  }

  /** A job its caller is writing to the 'outbox' store (in its own transaction): kept and sent. */
  add(entry: OutboxEntry): void {
    this.#mirror.set(entry.id, entry);
    this.send(entry);
  }

  /** A job its caller is writing back changed (its route noted something on it): kept, not sent again. */
  keep(entry: OutboxEntry): void {
    this.#mirror.set(entry.id, entry);
  }

  /** Forgets a job in memory (answered, or never recorded); the caller deletes the stored one. */
  forget(id: string): void {
    this.#mirror.delete(id);
  }

  /** At login: everything that waits goes again, in send order. */
  resendAll(): void {
    for (const entry of [...this.#mirror.values()]) this.send(entry);
  }

  /**
   * Sends again what waits longer than RESEND_AFTER_MS. Read from IndexedDB, not the mirror: this is
   * off the login path, and another tab of this profile may have queued jobs since this one loaded.
   */
  async resendStale(): Promise<void> {
    const cutoff = (Date.now() - RESEND_AFTER_MS) * 1000;
    for (const entry of await this.db.getAllFromIndex('outbox', 'bySeq', IDBKeyRange.upperBound(cutoff))) {
      this.#mirror.set(entry.id, entry);
      this.send(entry);
    }
  }
}
