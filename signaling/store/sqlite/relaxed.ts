/**
 * Commits that need no fsync of their own: the connection runs synchronous=FULL, and a write
 * whose loss after a power cut is only a redelivery (an acknowledgement: what it deleted or the
 * cursor it moved is handed over again and de-duplicated by the client) commits with NORMAL. In
 * WAL mode such a commit survives the process being killed (it is in the OS's cache; the next
 * fsynced commit or checkpoint makes it durable). sqlite-queue.ts says why this matters.
 */
import type Database from 'better-sqlite3';

export class RelaxedCommits {
  readonly #relax: Database.Statement;
  readonly #strict: Database.Statement;

  constructor(db: Database.Database) {
    this.#relax = db.prepare('PRAGMA synchronous = NORMAL');
    this.#strict = db.prepare('PRAGMA synchronous = FULL');
  }

  /** Runs `commit` with synchronous=NORMAL, and puts the connection back to FULL whatever happens. */
  run<T>(commit: () => T): T {
    this.#relax.run();
    try {
      return commit();
    } finally {
      this.#strict.run();
    }
  }
}
