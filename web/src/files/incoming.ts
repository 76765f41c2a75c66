/**
 * Receiving one file: opens each chunk and takes them strictly in order into a file of its own
 * (chunk-store.ts: on disk, not in the tab's memory). Chunks are opened in place and go to storage
 * several at a time (see MIN_BATCH); every 4 MiB the transfer's progress and the SHA-256 state over
 * what is written are saved, so a reload resumes there without reading the file back.
 * Acknowledgements tell the sender what was accepted, for its window; they hold back while more
 * than a few megabytes wait for storage, which bounds the tab's memory on the live paths (a file
 * fetched from the server is bounded by its 25 MiB limit). A gap, a path switch or a reload is answered with `want` from the first chunk not accepted. At the end the SHA-256 must
 * match the sealed offer before the file is offered to the user.
 */
import { CHUNK_BYTES, chunkLength, openChunkInPlace } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import type { Database, TransferRecord } from '../storage/db';
import { type ChunkStore, isLocked } from './chunk-store';
import { type Sha256, sha256Hasher, sha256OfBlobs } from './hash';
import { Progress } from './progress';
import type { TransferDeps } from './transfer-deps';

/**
 * Acknowledge every few chunks: often enough for the sender's window (32), rarely enough to be
 * cheap; each ack is a message back against the flow, and on a busy machine they add up.
 */
const ACK_EVERY = 8;
/** Chunks accepted but not yet stored before acknowledgements hold back (4 MiB). */
const MAX_UNSTORED = 64;
/** A gap still open this long after its `want` is asked for again (the `want` may have been lost). */
const WANT_AGAIN_MS = 2000;
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

/** The progress record itself is saved every `saveEvery` chunks, and at the end, not on each `progressed`. */
export interface IncomingDeps extends TransferDeps {
  db: Database;
  store: ChunkStore;
  /** Chunks between progress saves: SAVE_EVERY unless given (the tests use fewer). */
  saveEvery?: number;
}

export class IncomingTransfer {
  readonly progress = new Progress();
  /** The next chunk index accepted (ahead of `record.next` while chunks wait for storage). */
  #expect: number;
  /** Accepted chunks not yet handed to a write; the first is chunk `#pendingFrom`. */
  #pending: Uint8Array[] = [];
  #pendingFrom: number;
  /** The write loop, while it runs. */
  #writes: Promise<void> = Promise.resolve();
  #writing = false;
  /** Starts a write of fewer than MIN_BATCH chunks that waited long enough. */
  #batchTimer: ReturnType<typeof setTimeout> | undefined;
  /** The `next` last acknowledged (or asked for). */
  #acked: number;
  /** The gap last asked for, and when, so one gap costs one `want`, not one per chunk behind it. */
  #wanted = -1;
  #wantedAt = 0;
  /** Until open() has found what is stored, chunks are not taken. */
  #open = false;
  #opening: Promise<void> | undefined;
  /** When a duplicate was last answered with an ack (see onChunk). */
  #dupAckAt = performance.now();
  /** SHA-256 over the chunks stored; undefined when it could not be restored (then the end reads the file back). */
  #hasher: Sha256 | undefined;
  /** The `next` saved in the database last. */
  #savedNext: number;

  constructor(
    readonly record: TransferRecord,
    private readonly deps: IncomingDeps,
  ) {
    this.#expect = this.#pendingFrom = this.#acked = this.#savedNext = record.next;
  }

  get bytesDone(): number {
    return storedBytes(this.record, this.record.next);
  }

  /**
   * Opens the file the chunks go to, cut to what the saved progress says is stored (a write can
   * outrun the progress saved after it). Call before request(); a file that lost its end (the
   * machine went down before the disk had it) goes back to what it holds.
   */
  open(): Promise<void> {
    if (this.#open) return Promise.resolve();
    this.#opening ??= this.#tryOpen().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  async #tryOpen(): Promise<void> {
    const r = this.record;
    if (r.state !== 'waiting' && r.state !== 'active' && r.state !== 'verifying') return;
    const expected = storedBytes(r, r.next);
    let saved = r.hashState;
    try {
      const size = await this.deps.store.open(r.fileId, expected);
      if (size < expected) {
        r.next = this.#expect = this.#pendingFrom = this.#acked = this.#savedNext = Math.floor(size / CHUNK_BYTES);
        if (r.state === 'verifying') r.state = 'active';
        saved = r.hashState = undefined;
      }
      this.#hasher = r.next === 0 ? await sha256Hasher() : saved ? await sha256Hasher(saved).catch(() => undefined) : undefined;
    } catch (err) {
      // Another tab of this profile holds the file (it was receiving it): leave the transfer as it
      // is; request() tries again, once this tab has the connection.
      if (isLocked(err)) return;
      this.#storageFailed(err);
      return;
    }
    this.#open = true;
  }

  /** Asks the sender for everything from the first chunk not accepted yet. */
  request(): void {
    const r = this.record;
    if (!this.#open) {
      // Not opened yet (the file was locked by another tab at load): try again now, then go on
      // from where it is (asking, or checking a file that was all there).
      if (r.state !== 'waiting' && r.state !== 'active' && r.state !== 'verifying') return;
      void this.open().then(() => {
        if (!this.#open) return;
        this.recheck();
        this.request();
      });
      return;
    }
    if (r.state !== 'waiting' && r.state !== 'active') return;
    this.#wanted = this.#acked = this.#expect;
    this.#wantedAt = performance.now();
    this.deps.link().sendFileControl({ op: 'want', fileId: r.fileId, from: this.#expect });
  }

  /** Loaded with every chunk stored but not yet checked (the tab went away at the end): checks now. */
  recheck(): void {
    const r = this.record;
    const stored = r.state === 'active' && r.next === r.count && !this.#writing;
    if (this.#open && (r.state === 'verifying' || stored)) void this.#verify();
  }

  /** A sealed chunk as it arrived; its buffer is this transfer's from now on (opened in place, then handed to storage). */
  onChunk(bytes: Uint8Array): void {
    const r = this.record;
    if (!this.#open || (r.state !== 'waiting' && r.state !== 'active')) return;
    const opened = openChunkInPlace(this.deps.sodium, this.deps.key, this.deps.fileId, r.count, bytes);
    if (!opened) return; // not a chunk of this file as sealed by its sender: ignore it
    if (opened.index !== this.#expect) {
      const now = performance.now();
      if (opened.index > this.#expect && (this.#wanted !== this.#expect || now - this.#wantedAt >= WANT_AGAIN_MS)) {
        this.#wanted = this.#acked = this.#expect;
        this.#wantedAt = now;
        this.deps.link().sendFileControl({ op: 'want', fileId: r.fileId, from: this.#expect });
      }
      // A duplicate: a resend crossed a `want`, or a `want` that arrived late (by the slower path)
      // sent the sender back. Tell it, now and then, where this side is, or it would resend the
      // same window for ever (duplicates are otherwise not answered).
      if (opened.index < this.#expect && now - this.#dupAckAt >= WANT_AGAIN_MS && this.#expect - r.next <= MAX_UNSTORED) {
        this.#dupAckAt = now;
        this.#acked = this.#expect;
        this.deps.link().sendFileControl({ op: 'ack', fileId: r.fileId, next: this.#expect });
      }
      return; // or past a gap already asked for
    }
    if (opened.plain.length !== chunkLength(r.size, opened.index)) {
      void this.#fail();
      return;
    }
    this.#expect++;
    r.state = 'active';
    this.#pending.push(opened.plain);
    this.#ack(false);
    this.#scheduleWrite();
  }

  /** Starts the write loop once enough waits (or the last chunk is in); else makes sure a few chunks do not wait long. */
  #scheduleWrite(): void {
    if (this.#writing || this.#pending.length === 0) return;
    if (this.#pending.length >= MIN_BATCH || this.#expect === this.record.count) this.#startWrites();
    else this.#batchTimer ??= setTimeout(() => this.#pending.length > 0 && !this.#writing && this.#startWrites(), BATCH_WAIT_MS);
  }

  #startWrites(): void {
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    this.#writing = true;
    this.#writes = this.#writeLoop();
  }

  control(ctl: FileControl): void {
    const state = this.record.state;
    // A cancel after the end (done, failed, cancelled here) changes nothing: the first outcome stands.
    if (ctl.op !== 'cancel' || state === 'done' || state === 'failed' || state === 'cancelled') return;
    this.record.state = 'cancelled';
    this.record.reason = 'cancelled_by_peer';
    void this.#discard();
  }

  cancel(): void {
    const r = this.record;
    if (r.state === 'done' || r.state === 'cancelled' || r.state === 'failed') return;
    r.state = 'cancelled';
    this.deps.link().sendFileControl({ op: 'cancel', fileId: r.fileId });
    void this.#discard();
  }

  /**
   * Its message was deleted: stops as a cancel does (the sender is told, unless it was over) and
   * deletes what is stored of the file, whatever state it was in (a verified file too).
   */
  async remove(): Promise<void> {
    this.cancel();
    await this.#discard();
  }

  /** The verified file, read from storage (a reference to the file on disk, not a copy); never of the type its sender declared (see Transfers.blob). */
  async blob(): Promise<Blob | undefined> {
    if (this.record.state !== 'done') return undefined;
    const file = await this.deps.store.file(this.record.fileId);
    return file?.slice(0, file.size, 'application/octet-stream');
  }

  /** Acknowledges what was accepted: every few chunks, or (`flush`) whatever is new; never while too much waits for storage (then a later write's ack catches up). */
  #ack(flush: boolean): void {
    const r = this.record;
    if (this.#expect - r.next > MAX_UNSTORED) return;
    const fresh = this.#expect - this.#acked;
    if (fresh >= ACK_EVERY || (flush && fresh > 0)) {
      this.#acked = this.#expect;
      this.deps.link().sendFileControl({ op: 'ack', fileId: r.fileId, next: this.#expect });
    }
  }

  /** Writes what was accepted, in batches, until too little waits (see #scheduleWrite); then the integrity check if that was all. */
  async #writeLoop(): Promise<void> {
    const r = this.record;
    let first = true;
    while (this.#pending.length > 0 && r.state === 'active' && (first || this.#pending.length >= MIN_BATCH || this.#expect === r.count)) {
      first = false;
      const from = this.#pendingFrom;
      const batch = this.#pending.splice(0, MAX_BATCH);
      this.#pendingFrom += batch.length;
      if (!(await this.#store(from, batch))) break;
      this.progress.update(this.bytesDone);
      // The last chunks are acknowledged even short of ACK_EVERY, so the sender stops sending.
      this.#ack(this.#expect === r.count);
      this.deps.progressed(r);
    }
    this.#writing = false;
    if (r.state === 'active') this.#scheduleWrite(); // a few chunks left: they wait for more, briefly
    // Not awaited: #fail's discard waits for this loop, so awaiting it here would wait for itself.
    if (r.state === 'active' && r.next === r.count) void this.#verify();
  }

  /** Stores chunks `from`… and, now and then, the progress; false when it could not (the transfer then failed) or it stopped meanwhile. */
  async #store(from: number, plains: Uint8Array[]): Promise<boolean> {
    const r = this.record;
    const end = from + plains.length;
    let hashState: Uint8Array | undefined;
    try {
      // Hashed before the write: the write hands the buffers over to the storage worker.
      for (const plain of plains) this.#hasher?.update(plain);
      hashState = this.#hasher?.save();
      const save = end - this.#savedNext >= (this.deps.saveEvery ?? SAVE_EVERY) || end === r.count;
      // Flushed to disk before the progress says it is there: the saved hash state vouches for these bytes.
      await this.deps.store.write(r.fileId, from * CHUNK_BYTES, plains, save);
      if (r.state !== 'active') return false;
      if (save) {
        // Relaxed: should the machine lose this, open() finds the file's length and goes by that.
        const tx = this.deps.db.transaction('transfers', 'readwrite', { durability: 'relaxed' });
        await Promise.all([tx.store.put({ ...r, next: end, hashState }), tx.done]);
        this.#savedNext = end;
      }
    } catch (err) {
      this.#storageFailed(err);
      return false;
    }
    // Cancelled while the write was under way: nothing more to say.
    if (r.state !== 'active') return false;
    // Together, so that whenever the record is saved its hash state matches its progress.
    r.next = end;
    r.hashState = hashState;
    return true;
  }

  /** Out of space, the file is locked elsewhere, or the database went away: the file cannot be kept, so say so and stop. */
  #storageFailed(err: unknown): void {
    console.warn('parley: could not store a received file', err);
    const r = this.record;
    if (r.state !== 'waiting' && r.state !== 'active' && r.state !== 'verifying') return;
    r.state = 'failed';
    r.reason = 'storage';
    this.deps.link().sendFileControl({ op: 'cancel', fileId: r.fileId });
    void this.#discard();
  }

  async #verify(): Promise<void> {
    const r = this.record;
    r.state = 'verifying';
    this.deps.changed(r);
    let digest: string;
    try {
      await this.deps.store.close(r.fileId);
      const file = this.#hasher ? undefined : await this.deps.store.file(r.fileId);
      digest = this.#hasher ? this.#hasher.digest('hex') : await sha256OfBlobs(file ? [file] : []);
    } catch (err) {
      this.#storageFailed(err);
      return;
    }
    // Cancelled while hashing: stay so (the cancel's discard removes the file).
    if (r.state !== 'verifying') return;
    if (digest !== r.sha256) {
      void this.#fail();
      return;
    }
    r.state = 'done';
    delete r.hashState;
    this.deps.link().sendFileControl({ op: 'done', fileId: r.fileId, ok: true });
    this.deps.changed(r);
  }

  async #fail(): Promise<void> {
    const r = this.record;
    r.state = 'failed';
    r.reason = 'integrity';
    this.deps.link().sendFileControl({ op: 'done', fileId: r.fileId, ok: false });
    await this.#discard();
  }

  /** Forgets the stored part of a file that will not be offered. */
  async #discard(): Promise<void> {
    this.#pending = [];
    clearTimeout(this.#batchTimer);
    await this.#writes;
    try {
      await this.deps.store.remove(this.record.fileId);
    } catch (err) {
      console.warn('parley: could not delete the stored part of a stopped transfer', err);
    }
    this.deps.changed(this.record);
  }
}

/** Bytes in chunks 0…n-1 of the file. */
function storedBytes(r: TransferRecord, n: number): number {
  return Math.min(r.size, n * CHUNK_BYTES);
}
