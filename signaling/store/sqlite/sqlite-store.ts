/**
 * The embedded store: SQLite through better-sqlite3, in WAL mode with synchronous=FULL so a
 * message the server has acknowledged as stored survives a crash or power loss. Deleted rows are
 * overwritten (secure_delete), and the data directory and its files are readable by the server's
 * user only: envelopes are sealed, but who wrote to whom, and when, is still worth keeping private.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DiskBudget } from './disk-budget';
import { SqliteAccounts } from './sqlite-accounts';
import { SqliteContacts } from './sqlite-contacts';
import { SqliteFileStore } from './sqlite-file-store';
import { SqliteQueue } from './sqlite-queue';
import { SqliteGroups } from './sqlite-groups';
import { SqliteAnnouncements } from './sqlite-announcements';
import { RelaxedCommits } from './relaxed';
import { ANNOUNCEMENT_STORE_DEFAULTS, type AnnouncementLimits } from '../announcements';
import { GROUP_STORE_DEFAULTS, type GroupStoreLimits } from '../groups';
import { migrate } from './sqlite-schema';
import { LIMIT_DEFAULTS, type StoreLimits, sealedBytes as sealed } from '../limits';
import type { Store } from '../store';

export interface SqliteStoreOptions extends StoreLimits {
  dataDir: string;
  /** Most bytes stored in all (0: none), and the free space always left on the data volume. */
  diskBudgetBytes?: number;
  diskMinFreeBytes?: number;
  /** Groups' bounds (groups.ts); defaults for what is not given. */
  groups?: Partial<Omit<GroupStoreLimits, 'now'>>;
  /** Announcements' bounds (../announcements.ts); defaults for what is not given. */
  announcements?: Partial<AnnouncementLimits>;
  /** Overwrite deleted rows (default true; off only to measure what it costs, bench/store-bench.ts). */
  secureDelete?: boolean;
}

const DEFAULTS = { ...LIMIT_DEFAULTS, diskBudgetBytes: 0, diskMinFreeBytes: 0, secureDelete: true };

/**
 * The parts share one database (and one disk budget). Each method does its work before it
 * returns its promise (better-sqlite3 is synchronous), so calls apply in the order they are made.
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly accounts: SqliteAccounts;
  readonly contacts: SqliteContacts;
  readonly queue: SqliteQueue;
  readonly files: SqliteFileStore;
  readonly groups: SqliteGroups;
  readonly announcements: SqliteAnnouncements;
  readonly budget: DiskBudget;
  get room(): DiskBudget {
    return this.budget;
  }

  constructor(options: SqliteStoreOptions) {
    const opts = { ...DEFAULTS, ...options };
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(opts.dataDir, 0o700);
    const file = path.join(opts.dataDir, 'parley.sqlite');
    this.#db = new Database(file);
    const db = this.#db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // The WAL is reused after each checkpoint; this keeps a burst from leaving it large for good.
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    db.pragma(`secure_delete = ${opts.secureDelete ? 'ON' : 'OFF'}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
    const pages = db.prepare<[], { used: number }>(
      'SELECT (p.page_count - f.freelist_count) * s.page_size AS used FROM pragma_page_count p, pragma_freelist_count f, pragma_page_size s',
    );
    this.budget = new DiskBudget({
      limitBytes: opts.diskBudgetBytes,
      minFreeBytes: opts.diskMinFreeBytes,
      dir: opts.dataDir,
      // Pages in use: the database as this connection sees it, WAL included.
      measure: () => pages.get()!.used,
      now: opts.now,
    });
    this.files = new SqliteFileStore(db, {
      fileMaxBytes: sealed(opts.fileMaxBytes),
      quotaBytes: sealed(opts.filesQuotaBytes),
      ttlMs: opts.ttlMs,
      now: opts.now,
      budget: this.budget,
      filesPerRecipient: opts.filesPerRecipient,
    });
    this.queue = new SqliteQueue(db, { ...opts, budget: this.budget });
    this.accounts = new SqliteAccounts(db, opts.now);
    this.contacts = new SqliteContacts(db, {
      maxIncoming: opts.requestsMaxIncoming,
      maxOutgoing: opts.requestsMaxOutgoing,
      maxFromNew: opts.requestsMaxFromNew,
      newAccountMs: opts.newAccountMs,
      ttlMs: opts.requestTtlMs,
      cooldownMs: opts.requestCooldownMs,
      now: opts.now,
    }, opts.now, opts.blocksMax);
    this.groups = new SqliteGroups(db, { ...GROUP_STORE_DEFAULTS, ...opts.groups, now: opts.now });
    this.announcements = new SqliteAnnouncements(db, new RelaxedCommits(db), { ...ANNOUNCEMENT_STORE_DEFAULTS, ...opts.announcements, now: opts.now });
    // Uploads that were never committed belong to connections that died with the last process.
    this.files.dropIncomplete();
  }

  async sweepExpired(now: number, limit: number): Promise<number> {
    const queued = await this.queue.sweepExpired(now, limit);
    return queued + this.contacts.requests.sweepExpired(now) + (await this.files.sweepExpired(now, limit)) + (await this.groups.sweepExpired(now, limit));
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
