/**
 * Leaving a file with the server for a contact who is offline: every chunk, sealed exactly as for
 * a live transfer, goes up as a binary frame with the store flag; then `file_commit`, which the
 * server answers `file_stored` once all of them are durable. The file is read through its stream and
 * the socket's send buffer is kept small. If the connection drops, the upload starts over (the
 * server forgets an upload it never saw committed).
 */
import { CHUNK_BYTES, MAX_SEALED_CHUNK_BYTES, sealChunkInto } from '../../../shared/file-chunks';
import type { ClientFrame, ErrorCode } from '../../../shared/protocol';
import type { Sodium } from '../../../shared/sodium';
import type { Connection } from '../net/connection';
import type { TransferRecord } from '../storage/db';
import { ChunkReader } from './chunk-reader';
import { Progress } from './progress';

const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
/** How long the server may take to answer a commit before the upload counts as interrupted. */
const COMMIT_TIMEOUT_MS = 30_000;
/** A commit refused as incomplete is retried this often (chunks lost to a reconnect). */
const ATTEMPTS = 3;

export type UploadResult = 'stored' | ErrorCode | 'cancelled';

export class StoredUpload {
  readonly progress = new Progress();
  bytesDone = 0;
  #answer: ((result: UploadResult) => void) | undefined;
  #cancelled = false;

  constructor(
    private readonly record: TransferRecord,
    private readonly file: Blob,
    private readonly deps: {
      sodium: Sodium;
      key: Uint8Array;
      fileId: Uint8Array;
      connection: Connection;
      changed: () => void;
      /** The commit to send instead of `file_commit` (a group's copy: `group_file_commit`, group-sends.ts). */
      commit?: ClientFrame;
    },
  ) {}

  /** Uploads and commits; resolves with `stored` or the reason it could not be. */
  async run(): Promise<UploadResult> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      await this.#online();
      if (this.#cancelled) return 'cancelled';
      if (!(await this.#sendChunks())) {
        if (this.#cancelled) return 'cancelled';
        attempt--; // the connection dropped: that is not the file's fault
        continue;
      }
      const result = await this.#commit();
      if (result !== 'file_incomplete' && result !== 'internal') return result;
    }
    return 'file_incomplete';
  }

  /** The server answered this file's commit (or refused one of its chunks). */
  answered(result: UploadResult): void {
    this.#answer?.(result);
  }

  cancel(): void {
    this.#cancelled = true;
    this.#answer?.('cancelled');
  }

  /** False when the connection dropped (or the upload was cancelled) on the way. */
  async #sendChunks(): Promise<boolean> {
    const reader = new ChunkReader(this.file);
    try {
      return await this.#sendEach(reader);
    } finally {
      reader.close();
    }
  }

  async #sendEach(reader: ChunkReader): Promise<boolean> {
    const { connection, sodium, key, fileId } = this.deps;
    const r = this.record;
    const wire = new Uint8Array(MAX_SEALED_CHUNK_BYTES); // one buffer for every chunk: sendBinary copies it out
    for (let index = 0; index < r.count; index++) {
      if (this.#cancelled) return false;
      const plain = await reader.chunk(index);
      if (!connection.sendBinary(r.peer, sealChunkInto(sodium, key, fileId, index, r.count, plain, wire), true)) return false;
      this.bytesDone = index * CHUNK_BYTES + plain.length;
      this.progress.update(this.bytesDone);
      this.deps.changed();
      if (connection.bufferedAmount > HIGH_WATER) await connection.waitForDrain(LOW_WATER);
    }
    return true;
  }

  #commit(): Promise<UploadResult> {
    const r = this.record;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answered('internal'), COMMIT_TIMEOUT_MS);
      this.#answer = (result) => {
        clearTimeout(timer);
        this.#answer = undefined;
        resolve(result);
      };
      const frame = this.deps.commit ?? { t: 'file_commit', to: r.peer, fileId: r.fileId, count: r.count };
      if (!this.deps.connection.send(frame)) this.answered('internal');
    });
  }

  #online(): Promise<void> {
    const connection = this.deps.connection;
    if (connection.online || this.#cancelled) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!connection.online && !this.#cancelled) return;
        connection.removeEventListener('status', check);
        resolve();
      };
      connection.addEventListener('status', check);
      // cancel() wakes this too, through the answer hook.
      this.#answer = () => check();
    });
  }
}
