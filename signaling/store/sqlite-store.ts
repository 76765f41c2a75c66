/**
 * The embedded store: SQLite through better-sqlite3, in WAL mode with synchronous=FULL so a
 * message the server has acknowledged as stored survives a crash or power loss.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MAX_SEALED_CHUNK_BYTES, CHUNK_BYTES, chunkCount } from '../../shared/file-chunks';
import type { FileStore } from './file-store';
import { SqliteFileStore } from './sqlite-file-store';
import type { EnqueueResult, QueueItem, Store, UserRecord } from './store';

export interface SqliteStoreOptions {
  dataDir: string;
  quotaMessages: number;
  quotaBytes: number;
  ttlMs: number;
  /** Files kept for offline contacts: the largest file (plaintext bytes), and all files' total per recipient. */
  fileMaxBytes?: number;
  filesQuotaBytes?: number;
  now?: () => number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  identity_key TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS contacts (
  owner TEXT NOT NULL, peer TEXT NOT NULL,
  PRIMARY KEY (owner, peer)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS requests (
  from_user TEXT NOT NULL, to_user TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (from_user, to_user)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS requests_to ON requests (to_user);
CREATE TABLE IF NOT EXISTS queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('msg', 'receipt')),
  peer TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  env TEXT,
  bytes INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (recipient, kind, peer, msg_id)
);
CREATE INDEX IF NOT EXISTS queue_recipient ON queue (recipient, seq);
CREATE INDEX IF NOT EXISTS queue_expiry ON queue (expires_at);
`;

interface QueueRow {
  kind: 'msg' | 'receipt';
  peer: string;
  msg_id: string;
  env: string | null;
  ts: number;
}

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #opts: Required<SqliteStoreOptions>;
  readonly #q;
  readonly files: FileStore;

  constructor(options: SqliteStoreOptions) {
    this.#opts = { now: Date.now, fileMaxBytes: 25 * 1024 * 1024, filesQuotaBytes: 100 * 1024 * 1024, ...options };
    fs.mkdirSync(options.dataDir, { recursive: true });
    this.#db = new Database(path.join(options.dataDir, 'parley.sqlite'));
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.exec(SCHEMA);
    const db = this.#db;
    const { fileMaxBytes, filesQuotaBytes, ttlMs, now } = this.#opts;
    this.files = new SqliteFileStore(db, {
      // The limits are on plaintext; chunks are stored sealed (header, nonce and tag on each).
      fileMaxBytes: fileMaxBytes + chunkCount(fileMaxBytes) * (MAX_SEALED_CHUNK_BYTES - CHUNK_BYTES),
      quotaBytes: filesQuotaBytes + chunkCount(filesQuotaBytes) * (MAX_SEALED_CHUNK_BYTES - CHUNK_BYTES),
      ttlMs,
      now,
    });
    this.#q = {
      getUser: db.prepare<[string], { username: string; identity_key: string }>('SELECT username, identity_key FROM users WHERE username = ?'),
      createUser: db.prepare('INSERT OR IGNORE INTO users (username, identity_key, created_at) VALUES (?, ?, ?)'),
      contactsOf: db.prepare<[string], { peer: string }>('SELECT peer FROM contacts WHERE owner = ? ORDER BY peer'),
      areContacts: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM contacts WHERE owner = ? AND peer = ?'),
      addContact: db.prepare('INSERT OR IGNORE INTO contacts (owner, peer) VALUES (?, ?)'),
      addRequest: db.prepare('INSERT OR IGNORE INTO requests (from_user, to_user, created_at) VALUES (?, ?, ?)'),
      hasRequest: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM requests WHERE from_user = ? AND to_user = ?'),
      deleteRequest: db.prepare('DELETE FROM requests WHERE from_user = ? AND to_user = ?'),
      incoming: db.prepare<[string], { from_user: string }>('SELECT from_user FROM requests WHERE to_user = ? ORDER BY created_at'),
      outgoing: db.prepare<[string], { to_user: string }>('SELECT to_user FROM requests WHERE from_user = ? ORDER BY created_at'),
      usage: db.prepare<[string, number], { n: number; bytes: number | null }>(
        "SELECT COUNT(*) AS n, SUM(bytes) AS bytes FROM queue WHERE recipient = ? AND kind = 'msg' AND expires_at > ?",
      ),
      insert: db.prepare(
        'INSERT OR IGNORE INTO queue (recipient, kind, peer, msg_id, env, bytes, ts, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      pending: db.prepare<[string, number], QueueRow>(
        'SELECT kind, peer, msg_id, env, ts FROM queue WHERE recipient = ? AND expires_at > ? ORDER BY seq',
      ),
      remove: db.prepare('DELETE FROM queue WHERE recipient = ? AND kind = ? AND peer = ? AND msg_id = ?'),
      sweep: db.prepare('DELETE FROM queue WHERE expires_at <= ?'),
    };
  }

  getUser(username: string): UserRecord | undefined {
    const row = this.#q.getUser.get(username);
    return row && { username: row.username, identityKey: row.identity_key };
  }

  createUser(user: UserRecord): boolean {
    return this.#q.createUser.run(user.username, user.identityKey, this.#opts.now()).changes === 1;
  }

  contactsOf(username: string): string[] {
    return this.#q.contactsOf.all(username).map((r) => r.peer);
  }

  areContacts(a: string, b: string): boolean {
    return this.#q.areContacts.get(a, b) !== undefined;
  }

  addContact(a: string, b: string): void {
    this.#db.transaction(() => {
      this.#q.addContact.run(a, b);
      this.#q.addContact.run(b, a);
      this.#q.deleteRequest.run(a, b);
      this.#q.deleteRequest.run(b, a);
    })();
  }

  addRequest(from: string, to: string): void {
    this.#q.addRequest.run(from, to, this.#opts.now());
  }

  hasRequest(from: string, to: string): boolean {
    return this.#q.hasRequest.get(from, to) !== undefined;
  }

  deleteRequest(from: string, to: string): void {
    this.#q.deleteRequest.run(from, to);
  }

  incomingRequests(username: string): string[] {
    return this.#q.incoming.all(username).map((r) => r.from_user);
  }

  outgoingRequests(username: string): string[] {
    return this.#q.outgoing.all(username).map((r) => r.to_user);
  }

  enqueue(recipient: string, items: QueueItem[]): EnqueueResult {
    const now = this.#opts.now();
    const expires = now + this.#opts.ttlMs;
    return this.#db.transaction((): EnqueueResult => {
      const messages = items.filter((i) => i.kind === 'msg');
      if (messages.length > 0) {
        const usage = this.#q.usage.get(recipient, now)!;
        const bytes = messages.reduce((sum, m) => sum + m.env.length, 0);
        if (usage.n + messages.length > this.#opts.quotaMessages || (usage.bytes ?? 0) + bytes > this.#opts.quotaBytes) {
          return 'full';
        }
      }
      let inserted = 0;
      for (const item of items) {
        const env = item.kind === 'msg' ? item.env : null;
        inserted += this.#q.insert.run(recipient, item.kind, item.peer, item.id, env, env?.length ?? 0, item.ts, expires).changes;
      }
      return inserted === 0 ? 'duplicate' : 'stored';
    })();
  }

  pending(recipient: string): QueueItem[] {
    return this.#q.pending.all(recipient, this.#opts.now()).map((r): QueueItem =>
      r.kind === 'msg'
        ? { kind: 'msg', peer: r.peer, id: r.msg_id, env: r.env ?? '', ts: r.ts }
        : { kind: 'receipt', peer: r.peer, id: r.msg_id, ts: r.ts },
    );
  }

  remove(recipient: string, kind: QueueItem['kind'], peer: string, ids: string[]): void {
    this.#db.transaction(() => {
      for (const id of ids) this.#q.remove.run(recipient, kind, peer, id);
    })();
  }

  sweepExpired(now: number): number {
    return this.#q.sweep.run(now).changes + this.files.sweepExpired(now);
  }

  close(): void {
    this.#db.close();
  }
}
