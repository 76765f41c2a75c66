/**
 * Files kept for contacts who are offline: sealed chunks, opaque to the server, stored until the
 * recipient has them (`remove`) or they expire. A file counts against its recipient's quota from
 * its first chunk, so a sender cannot fill the disk with uploads it never commits.
 */
export interface StoredFileRef {
  recipient: string;
  sender: string;
  /** 16 bytes, hex. */
  fileId: string;
}

export interface StoredChunk {
  index: number;
  data: Uint8Array;
}

/** `full`: over the recipient's quota; `too_large`: over the per-file limit; `server_full`: over the server's disk budget. */
export type PutChunksResult = 'stored' | 'full' | 'too_large' | 'server_full';

/**
 * Bounds for one call in place of the store's own (sealed bytes): group files (issue 12) are held
 * to their group's settings and expire with its log, while 1:1 copies keep the store's limits.
 */
export interface FileLimits {
  fileMaxBytes: number;
  quotaBytes: number;
  filesPerRecipient: number;
  ttlMs: number;
}

export interface FileStore {
  /** Durably stores chunks of a file, all or nothing (a chunk sent again replaces itself); `limits` replace the store's bounds. */
  putChunks(ref: StoredFileRef, chunks: StoredChunk[], limits?: FileLimits): Promise<PutChunksResult>;
  /** Marks the file complete if exactly chunks 0…count-1 are stored; false otherwise. */
  commit(ref: StoredFileRef, count: number): Promise<boolean>;
  /** True when the file is committed (and not expired). */
  isComplete(ref: StoredFileRef): Promise<boolean>;
  /** Up to `limit` stored chunks from index `from`, in order. */
  chunks(ref: StoredFileRef, from: number, limit: number): Promise<StoredChunk[]>;
  /** Forgets the file and its chunks. */
  remove(ref: StoredFileRef): Promise<void>;
  /** Deletes every file not committed (at start: their uploads died with the previous process); returns how many. */
  sweepIncomplete(): Promise<number>;
  /** Deletes up to `limit` expired files; returns how many. */
  sweepExpired(now: number, limit: number): Promise<number>;
  /** Forgets every file kept for `recipient`, from anyone (a deleted group's copies); returns how many. */
  removeRecipient(recipient: string): Promise<number>;
}
