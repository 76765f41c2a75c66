/**
 * Receiving one file: opens each chunk, takes them strictly in order, writes each to IndexedDB
 * (as a Blob, so the browser keeps it on disk, not in the tab's memory) together with the
 * transfer's progress in one transaction, and acknowledges only what is stored. A gap or a
 * reload is answered with `want` from the first missing chunk. At the end the SHA-256 of the
 * stored chunks must match the sealed offer before the file is offered to the user.
 */
import { chunkLength, openChunk } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import type { Sodium } from '../../../shared/sodium';
import type { Database, TransferRecord } from '../services/db';
import type { Link } from '../services/link';
import { sha256OfBlobs } from './hash';
import { Progress } from './progress';
import { CHUNK_BYTES } from '../../../shared/file-chunks';

/** Acknowledge every few chunks: often enough for the sender's window, rarely enough to be cheap. */
const ACK_EVERY = 4;

export class IncomingTransfer {
  readonly progress = new Progress();
  /** The next chunk index accepted (ahead of `record.next` while writes are pending). */
  #expect: number;
  #writes: Promise<void> = Promise.resolve();
  /** The gap last asked for, so one gap costs one `want`, not one per chunk behind it. */
  #wanted = -1;

  constructor(
    readonly record: TransferRecord,
    private readonly deps: {
      db: Database;
      sodium: Sodium;
      key: Uint8Array;
      fileId: Uint8Array;
      link: () => Link;
      changed: (record: TransferRecord) => void;
    },
  ) {
    this.#expect = record.next;
  }

  get bytesDone(): number {
    return Math.min(this.record.size, this.record.next * CHUNK_BYTES);
  }

  /** Asks the sender for everything from the first chunk not stored yet. */
  request(): void {
    const r = this.record;
    if (r.state !== 'waiting' && r.state !== 'active') return;
    this.#expect = r.next;
    this.#wanted = r.next;
    this.deps.link().sendFileControl({ op: 'want', fileId: r.fileId, from: r.next });
  }

  onChunk(bytes: Uint8Array): void {
    const r = this.record;
    if (r.state !== 'waiting' && r.state !== 'active') return;
    const opened = openChunk(this.deps.sodium, this.deps.key, this.deps.fileId, r.count, bytes);
    if (!opened) return; // not a chunk of this file as sealed by its sender: ignore it
    if (opened.index !== this.#expect) {
      if (opened.index > this.#expect && this.#wanted !== this.#expect) {
        this.#wanted = this.#expect;
        this.deps.link().sendFileControl({ op: 'want', fileId: r.fileId, from: this.#expect });
      }
      return;
    }
    if (opened.plain.length !== chunkLength(r.size, opened.index)) {
      void this.#fail();
      return;
    }
    this.#expect++;
    r.state = 'active';
    const blob = new Blob([opened.plain as Uint8Array<ArrayBuffer>]);
    this.#writes = this.#writes.then(() => this.#store(opened.index, blob));
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

  /** The verified file, assembled from the stored chunks (Blob references, not copies). */
  async blob(): Promise<Blob | undefined> {
    if (this.record.state !== 'done') return undefined;
    return new Blob(await this.#chunks(), { type: this.record.type || 'application/octet-stream' });
  }

  async #store(index: number, blob: Blob): Promise<void> {
    const r = this.record;
    // Gone, or a duplicate of a chunk already stored (a resend crossed a `want`).
    if (r.state !== 'active' || index < r.next) return;
    try {
      const tx = this.deps.db.transaction(['chunks', 'transfers'], 'readwrite');
      await Promise.all([tx.objectStore('chunks').put(blob, [r.fileId, index]), tx.objectStore('transfers').put({ ...r, next: index + 1 }), tx.done]);
    } catch (err) {
      // Out of space, or the database went away: the file cannot be kept, so say so and stop.
      console.warn('parley: could not store a file chunk', err);
      if (r.state !== 'active') return;
      r.state = 'failed';
      r.reason = 'storage';
      this.deps.link().sendFileControl({ op: 'cancel', fileId: r.fileId });
      void this.#discard();
      return;
    }
    // Cancelled while the write was under way: nothing more to say.
    if (r.state !== 'active') return;
    r.next = index + 1;
    this.progress.update(this.bytesDone);
    if (r.next === r.count) {
      await this.#verify();
      return;
    }
    if (r.next % ACK_EVERY === 0) this.deps.link().sendFileControl({ op: 'ack', fileId: r.fileId, next: r.next });
    this.deps.changed(r);
  }

  async #verify(): Promise<void> {
    const r = this.record;
    r.state = 'verifying';
    this.deps.changed(r);
    const digest = await sha256OfBlobs(this.deps.sodium, await this.#chunks());
    // Cancelled while hashing: stay so (the cancel's discard, queued behind this write, removes the chunks).
    if (r.state !== 'verifying') return;
    if (digest !== r.sha256) {
      // Not awaited: this runs inside the write queue, and #fail's discard waits for that queue,
      // so awaiting it here would wait for itself (the chunks were never deleted).
      void this.#fail();
      return;
    }
    r.state = 'done';
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

  async #chunks(): Promise<Blob[]> {
    const range = IDBKeyRange.bound([this.record.fileId, 0], [this.record.fileId, Infinity]);
    return this.deps.db.getAll('chunks', range);
  }

  /** Forgets the stored chunks of a file that will not be offered. */
  async #discard(): Promise<void> {
    const range = IDBKeyRange.bound([this.record.fileId, 0], [this.record.fileId, Infinity]);
    await this.#writes;
    try {
      await this.deps.db.delete('chunks', range);
    } catch (err) {
      console.warn('parley: could not delete the chunks of a stopped transfer', err);
    }
    this.deps.changed(this.record);
  }
}
