/**
 * The write pipeline of one received file (incoming.ts): chunks accepted in order wait here and go
 * to storage several at a time (see MIN_BATCH), hashed on the way (SHA-256 over what is written);
 * every `saveEvery` chunks, and at the end, the transfer's progress and the hash state are saved
 * with them, so a reload resumes there without reading the file back.
 */
import { CHUNK_BYTES } from '../../../shared/file-chunks';
import type { Database, TransferRecord } from '../storage/db';
import type { ChunkStore } from './chunk-store';
import type { Sha256 } from './hash';

/** The most chunks written at once (2 MiB). */
const MAX_BATCH = 32;
/**
 * A write waits for this many chunks (512 KiB), or the last one, or BATCH_WAIT_MS: each write is
 * a round trip to the storage worker, and on a busy machine a round trip cost more (~1 ms) than
 * writing one chunk.
 */
const MIN_BATCH = 8;
const BATCH_WAIT_MS = 20;
/**
 * The progress is saved once this many more chunks are written (4 MiB), and at the end. Each save
 * is a flush to disk and a database write, and at every 16 chunks they cost a tenth of a direct
 * transfer's speed here; a reload fetches again what was written past the last save (open() cuts
 * the file back to it), at most these 4 MiB.
 */
export const SAVE_EVERY = 64;

/** What the writer needs of its transfer. */
export interface ChunkWriterHost {
  readonly record: TransferRecord;
  /** The next chunk index accepted: every chunk before it is stored or waits here. */
  expected(): number;
  readonly db: Database;
  readonly store: ChunkStore;
  /** Chunks between progress saves: SAVE_EVERY unless given (the tests use fewer). */
  readonly saveEvery?: number;
  /** A batch was stored (`record.next` moved). */
  stored(): void;
  /** Storage failed: the transfer fails. */
  storageFailed(err: unknown): void;
  /** Every chunk is stored: the integrity check. */
  allStored(): void;
}

export class ChunkWriter {
  /** SHA-256 over the chunks stored; undefined when it could not be restored (then the end reads the file back). */
  hasher: Sha256 | undefined;
  /** Accepted chunks not yet handed to a write; the first is chunk `#pendingFrom`. */
  #pending: Uint8Array[] = [];
  #pendingFrom: number;
  /** The write loop, while it runs. */
  #writes: Promise<void> = Promise.resolve();
  #writing = false;
  /** Starts a write of fewer than MIN_BATCH chunks that waited long enough. */
  #batchTimer: ReturnType<typeof setTimeout> | undefined;
  /** The `next` saved in the database last. */
  #savedNext: number;

  constructor(private readonly host: ChunkWriterHost) {
    this.#pendingFrom = this.#savedNext = host.record.next;
  }

  /** A write is under way. */
  get writing(): boolean {
    return this.#writing;
  }

  /** The file was cut back to chunk `next` (what storage holds): writing goes on from there. */
  restart(next: number): void {
    this.#pendingFrom = this.#savedNext = next;
  }

  /** Takes the next chunk in order (chunk `expected() - 1`) and writes it when its batch is due. */
  push(plain: Uint8Array): void {
    this.#pending.push(plain);
    this.#scheduleWrite();
  }

  /** Drops what waits and resolves once a write under way is over. */
  async discard(): Promise<void> {
    this.#pending = [];
    clearTimeout(this.#batchTimer);
    await this.#writes;
  }

  /** Starts the write loop once enough waits (or the last chunk is in); else makes sure a few chunks do not wait long. */
  #scheduleWrite(): void {
    if (this.#writing || this.#pending.length === 0) return;
    if (this.#pending.length >= MIN_BATCH || this.host.expected() === this.host.record.count) this.#startWrites();
    else this.#batchTimer ??= setTimeout(() => this.#pending.length > 0 && !this.#writing && this.#startWrites(), BATCH_WAIT_MS);
  }

  #startWrites(): void {
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    this.#writing = true;
    this.#writes = this.#writeLoop();
  }

  /** Writes what was accepted, in batches, until too little waits (see #scheduleWrite); then the integrity check if that was all. */
  async #writeLoop(): Promise<void> {
    const r = this.host.record;
    let first = true;
    while (this.#pending.length > 0 && r.state === 'active' && (first || this.#pending.length >= MIN_BATCH || this.host.expected() === r.count)) {
      first = false;
      const from = this.#pendingFrom;
      const batch = this.#pending.splice(0, MAX_BATCH);
      this.#pendingFrom += batch.length;
      if (!(await this.#store(from, batch))) break;
      this.host.stored();
    }
    this.#writing = false;
    if (r.state === 'active') this.#scheduleWrite(); // a few chunks left: they wait for more, briefly
    // Not awaited: a failure's discard waits for this loop, so awaiting it here would wait for itself.
    if (r.state === 'active' && r.next === r.count) this.host.allStored();
  }

  /** Stores chunks `from`… and, now and then, the progress; false when it could not (the transfer then failed) or it stopped meanwhile. */
  async #store(from: number, plains: Uint8Array[]): Promise<boolean> {
    const { record: r, store, db } = this.host;
    const end = from + plains.length;
    let hashState: Uint8Array | undefined;
    try {
      // Hashed before the write: the write hands the buffers over to the storage worker.
      for (const plain of plains) this.hasher?.update(plain);
      hashState = this.hasher?.save();
      const save = end - this.#savedNext >= (this.host.saveEvery ?? SAVE_EVERY) || end === r.count;
      // Flushed to disk before the progress says it is there: the saved hash state vouches for these bytes.
      await store.write(r.fileId, from * CHUNK_BYTES, plains, save);
      if (r.state !== 'active') return false;
      if (save) {
        // Relaxed: should the machine lose this, open() finds the file's length and goes by that.
        const tx = db.transaction('transfers', 'readwrite', { durability: 'relaxed' });
        await Promise.all([tx.store.put({ ...r, next: end, hashState }), tx.done]);
        this.#savedNext = end;
      }
    } catch (err) {
      this.host.storageFailed(err);
      return false;
    }
    // Cancelled while the write was under way: nothing more to say.
    if (r.state !== 'active') return false;
    // Together, so that whenever the record is saved its hash state matches its progress.
    r.next = end;
    r.hashState = hashState;
    return true;
  }
}
