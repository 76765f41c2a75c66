/**
 * Receiving one file: opens each chunk and takes them strictly in order into a file of its own
 * (chunk-store.ts: on disk, not in the tab's memory). Chunks are opened in place and go to storage
 * several at a time through the transfer's ChunkWriter (chunk-writer.ts), which every 4 MiB saves
 * the transfer's progress and the SHA-256 state over what is written, so a reload resumes there
 * without reading the file back.
 * Acknowledgements tell the sender what was accepted, for its window; they hold back while more
 * than a few megabytes wait for storage, which bounds the tab's memory on the live paths (a file
 * fetched from the server is bounded by its 25 MiB limit). A gap, a path switch or a reload is answered with `want` from the first chunk not accepted. At the end the SHA-256 must
 * match the sealed offer before the file is offered to the user.
 */
import { CHUNK_BYTES, chunkLength, openChunkInPlace } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import type { Database, TransferRecord } from '../storage/db';
import { type ChunkStore, isLocked } from './chunk-store';
import { ChunkWriter } from './chunk-writer';
import { sha256Hasher, sha256OfBlobs } from './hash';
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
export { SAVE_EVERY } from './chunk-writer';

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
  /** Takes the accepted chunks to storage, in order. */
  readonly #writer: ChunkWriter;
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

  constructor(
    readonly record: TransferRecord,
    private readonly deps: IncomingDeps,
  ) {
    this.#expect = this.#acked = record.next;
    this.#writer = new ChunkWriter({
      record,
      expected: () => this.#expect,
      db: deps.db,
      store: deps.store,
      saveEvery: deps.saveEvery,
      stored: () => {
        this.progress.update(this.bytesDone);
        // The last chunks are acknowledged even short of ACK_EVERY, so the sender stops sending.
        this.#ack(this.#expect === record.count);
        this.deps.progressed(record);
      },
      storageFailed: (err) => this.#storageFailed(err),
      allStored: () => void this.#verify(),
    });
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
        r.next = this.#expect = this.#acked = Math.floor(size / CHUNK_BYTES);
        this.#writer.restart(r.next);
        if (r.state === 'verifying') r.state = 'active';
        saved = r.hashState = undefined;
      }
      this.#writer.hasher = r.next === 0 ? await sha256Hasher() : saved ? await sha256Hasher(saved).catch(() => undefined) : undefined;
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
    const stored = r.state === 'active' && r.next === r.count && !this.#writer.writing;
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
    this.#ack(false);
    this.#writer.push(opened.plain);
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
      const hasher = this.#writer.hasher;
      const file = hasher ? undefined : await this.deps.store.file(r.fileId);
      digest = hasher ? hasher.digest('hex') : await sha256OfBlobs(file ? [file] : []);
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
    await this.#writer.discard();
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
