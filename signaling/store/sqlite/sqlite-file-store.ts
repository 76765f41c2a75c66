/**
 * Stored files in the same SQLite database as the message queue (WAL, synchronous=FULL): a
 * committed file survives a crash. Chunks are written in batches (one transaction each), so
 * a 25 MiB file costs a few dozen commits, not four hundred.
 */
import type Database from 'better-sqlite3';
import type { DiskBudget } from './disk-budget';
import type { FileLimits, FileStore, PutChunksResult, StoredChunk, StoredFileRef } from '../file-store';

export const FILE_SCHEMA = `
CREATE TABLE IF NOT EXISTS stored_files (
  recipient TEXT NOT NULL,
  sender TEXT NOT NULL,
  file_id TEXT NOT NULL,
  bytes INTEGER NOT NULL DEFAULT 0,
  complete INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (recipient, sender, file_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS stored_files_expiry ON stored_files (expires_at);
CREATE TABLE IF NOT EXISTS stored_chunks (
  recipient TEXT NOT NULL,
  sender TEXT NOT NULL,
  file_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (recipient, sender, file_id, idx)
);
`;

export interface SqliteFileStoreOptions {
  /** Most sealed bytes of one file. */
  fileMaxBytes: number;
  /** Most sealed bytes of all files stored for one recipient. */
  quotaBytes: number;
  ttlMs: number;
  now: () => number;
  /** The server's disk budget, shared with the message queue. */
  budget: DiskBudget;
  /** Most files (committed or not) kept for one recipient. */
  filesPerRecipient: number;
}

/** What a stored file costs beyond its chunks (its row, index entries), in the quota and the budget. */
const FILE_BYTES = 512;

type Key = [recipient: string, sender: string, fileId: string];
const key = (r: StoredFileRef): Key => [r.recipient, r.sender, r.fileId];

export class SqliteFileStore implements FileStore {
  readonly #q;

  constructor(
    private readonly db: Database.Database,
    private readonly opts: SqliteFileStoreOptions,
  ) {
    db.exec(FILE_SCHEMA);
    this.#q = {
      usage: db.prepare<[string, number], { bytes: number | null; n: number }>(
        'SELECT SUM(bytes) AS bytes, COUNT(*) AS n FROM stored_files WHERE recipient = ? AND expires_at > ?',
      ),
      file: db.prepare<[...Key], { bytes: number; complete: number; expires_at: number }>(
        'SELECT bytes, complete, expires_at FROM stored_files WHERE recipient = ? AND sender = ? AND file_id = ?',
      ),
      createFile: db.prepare<[...Key, number]>(
        'INSERT OR IGNORE INTO stored_files (recipient, sender, file_id, expires_at) VALUES (?, ?, ?, ?)',
      ),
      oldChunk: db.prepare<[...Key, number], { n: number }>(
        'SELECT length(data) AS n FROM stored_chunks WHERE recipient = ? AND sender = ? AND file_id = ? AND idx = ?',
      ),
      putChunk: db.prepare<[...Key, number, Uint8Array]>(
        'INSERT OR REPLACE INTO stored_chunks (recipient, sender, file_id, idx, data) VALUES (?, ?, ?, ?, ?)',
      ),
      addBytes: db.prepare<[number, ...Key]>('UPDATE stored_files SET bytes = bytes + ? WHERE recipient = ? AND sender = ? AND file_id = ?'),
      countRange: db.prepare<[...Key], { n: number; top: number | null }>(
        'SELECT COUNT(*) AS n, MAX(idx) AS top FROM stored_chunks WHERE recipient = ? AND sender = ? AND file_id = ?',
      ),
      complete: db.prepare<[...Key]>('UPDATE stored_files SET complete = 1 WHERE recipient = ? AND sender = ? AND file_id = ?'),
      chunks: db.prepare<[...Key, number, number], { idx: number; data: Buffer }>(
        'SELECT idx, data FROM stored_chunks WHERE recipient = ? AND sender = ? AND file_id = ? AND idx >= ? ORDER BY idx LIMIT ?',
      ),
      removeFile: db.prepare<[...Key]>('DELETE FROM stored_files WHERE recipient = ? AND sender = ? AND file_id = ?'),
      // Set-based, bounded: the chunks of a batch of files, then the files, in one transaction.
      sweepChunks: db.prepare<[number, number]>(
        `DELETE FROM stored_chunks WHERE (recipient, sender, file_id) IN
           (SELECT recipient, sender, file_id FROM stored_files WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
      ),
      sweepFiles: db.prepare<[number, number]>(
        `DELETE FROM stored_files WHERE (recipient, sender, file_id) IN
           (SELECT recipient, sender, file_id FROM stored_files WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
      ),
      dropIncompleteChunks: db.prepare(
        'DELETE FROM stored_chunks WHERE (recipient, sender, file_id) IN (SELECT recipient, sender, file_id FROM stored_files WHERE complete = 0)',
      ),
      dropIncomplete: db.prepare('DELETE FROM stored_files WHERE complete = 0'),
      files: db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM stored_files WHERE recipient = ? AND expires_at > ?'),
      removeChunks: db.prepare<[...Key]>('DELETE FROM stored_chunks WHERE recipient = ? AND sender = ? AND file_id = ?'),
      removeRecipientChunks: db.prepare<[string]>('DELETE FROM stored_chunks WHERE recipient = ?'),
      removeRecipientFiles: db.prepare<[string]>('DELETE FROM stored_files WHERE recipient = ?'),
    };
  }

  async putChunks(ref: StoredFileRef, chunks: StoredChunk[], limits?: FileLimits): Promise<PutChunksResult> {
    const now = this.opts.now();
    const bound = limits ?? this.opts;
    return this.db.transaction((): PutChunksResult => {
      // Each file costs a row and its index entries whatever its size: counted, so a million
      // one-chunk files cannot hide inside a byte quota.
      if (!this.#q.file.get(...key(ref))) {
        if (this.#q.files.get(ref.recipient, now)!.n >= bound.filesPerRecipient) return 'full';
        if (!this.opts.budget.fits(FILE_BYTES)) return 'server_full';
      }
      this.#q.createFile.run(...key(ref), now + bound.ttlMs);
      const file = this.#q.file.get(...key(ref))!;
      let added = 0;
      for (const c of chunks) added += c.data.length - (this.#q.oldChunk.get(...key(ref), c.index)?.n ?? 0);
      if (file.bytes + added > bound.fileMaxBytes) return 'too_large';
      const usage = this.#q.usage.get(ref.recipient, now)!;
      if ((usage.bytes ?? 0) + usage.n * FILE_BYTES + added > bound.quotaBytes) return 'full';
      if (added > 0 && !this.opts.budget.fits(added)) return 'server_full';
      this.opts.budget.add(added + FILE_BYTES);
      for (const c of chunks) this.#q.putChunk.run(...key(ref), c.index, c.data);
      this.#q.addBytes.run(added, ...key(ref));
      return 'stored';
    })();
  }

  async commit(ref: StoredFileRef, count: number): Promise<boolean> {
    const { n, top } = this.#q.countRange.get(...key(ref))!;
    if (n !== count || top !== count - 1) return false;
    return this.#q.complete.run(...key(ref)).changes === 1;
  }

  async isComplete(ref: StoredFileRef): Promise<boolean> {
    const file = this.#q.file.get(...key(ref));
    return file !== undefined && file.complete === 1 && file.expires_at > this.opts.now();
  }

  async chunks(ref: StoredFileRef, from: number, limit: number): Promise<StoredChunk[]> {
    return this.#q.chunks.all(...key(ref), from, limit).map((r) => ({ index: r.idx, data: r.data }));
  }

  async remove(ref: StoredFileRef): Promise<void> {
    this.db.transaction(() => {
      this.#q.removeChunks.run(...key(ref));
      this.#q.removeFile.run(...key(ref));
    })();
  }

  async sweepIncomplete(): Promise<number> {
    return this.dropIncomplete();
  }

  /** {@link sweepIncomplete}, synchronous: the store runs it as it opens, before anyone can upload. */
  dropIncomplete(): number {
    return this.db.transaction(() => {
      this.#q.dropIncompleteChunks.run();
      return this.#q.dropIncomplete.run().changes;
    })();
  }

  async sweepExpired(now: number, limit: number): Promise<number> {
    return this.db.transaction(() => {
      this.#q.sweepChunks.run(now, limit);
      return this.#q.sweepFiles.run(now, limit).changes;
    })();
  }

  async removeRecipient(recipient: string): Promise<number> {
    return this.db.transaction(() => {
      this.#q.removeRecipientChunks.run(recipient);
      return this.#q.removeRecipientFiles.run(recipient).changes;
    })();
  }
}
