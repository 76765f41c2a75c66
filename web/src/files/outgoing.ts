/**
 * Sending one file: reads it through its stream (chunk-reader.ts), seals each chunk and pushes it
 * through the contact's link, never more than a window ahead of the receiver's acknowledgements
 * and never piling more than a megabyte into the path's send buffer. The receiver drives it: `want` (start, resume, or
 * resend from a gap), `ack` (progress), `done`, `cancel`. A path switch rewinds to the last ack.
 */
import { CHUNK_BYTES, MAX_SEALED_CHUNK_BYTES, sealChunkInto } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import type { TransferRecord } from '../storage/db';
import { ChunkReader } from './chunk-reader';
import { Progress } from './progress';
import type { TransferDeps } from './transfer-deps';

/** Chunks in flight before an acknowledgement (2 MiB), on either path: the receiver acknowledges what it takes, so this only covers the round trip. */
export const SEND_WINDOW = 32;
/**
 * The window after the relay dropped chunks (its byte rate, or a recipient reading slower than the
 * sender sends) halves, down to this, and grows back by one chunk per acknowledgement: a slow
 * receiver behind the relay is not sent 2 MiB again only to have most of it dropped again. Not
 * below 16: the receiver acknowledges every 8 chunks, and a window of fewer than twice that would
 * stall between acknowledgements (at fewer than 8, until the 4 s stall timer).
 */
export const MIN_SEND_WINDOW = 16;
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
/** With chunks out and no acknowledgement for this long, assume they were lost and resend. */
const STALL_MS = 4000;

export class OutgoingTransfer {
  readonly progress = new Progress();
  #sent = 0;
  #wake: (() => void) | undefined;
  #pumping = false;
  #lastAckAt = performance.now();
  #pausedUntil = 0;
  /** Chunks that may be unacknowledged now (see MIN_SEND_WINDOW). */
  #window = SEND_WINDOW;
  readonly #reader: ChunkReader;
  /** Every chunk is sealed into this one buffer: a send copies it out, and a fresh 64 KiB array per chunk costs more than sealing it. */
  readonly #wire = new Uint8Array(MAX_SEALED_CHUNK_BYTES);

  constructor(
    readonly record: TransferRecord,
    file: Blob,
    private readonly deps: TransferDeps,
  ) {
    this.#reader = new ChunkReader(file);
  }

  get bytesDone(): number {
    return Math.min(this.record.size, this.record.next * CHUNK_BYTES);
  }

  control(ctl: FileControl): void {
    const r = this.record;
    if (r.state === 'done' || r.state === 'cancelled' || r.state === 'failed') {
      if (ctl.op === 'want') this.deps.link().sendFileControl({ op: 'cancel', fileId: r.fileId });
      return;
    }
    switch (ctl.op) {
      case 'want':
        r.state = 'active';
        // The receiver has exactly what is before `from`: after a reload that can be less than it
        // acknowledged (acks count what it took, not what it saved), so rewinds go back to here too.
        this.#sent = Math.min(ctl.from, r.count);
        r.next = this.#sent;
        this.#acked();
        void this.#pump().catch((err) => {
          // The file could not be read any more (changed or removed on disk): this send cannot go on.
          console.warn('parley: could not read a file being sent', err);
          this.fail('interrupted');
        });
        break;
      case 'ack':
        if (ctl.next > r.next) {
          this.#window = Math.min(SEND_WINDOW, this.#window + 1);
          r.next = Math.min(ctl.next, r.count);
          // An ack can overtake a rewind: never send again what is acknowledged.
          this.#sent = Math.max(this.#sent, r.next);
          this.#acked();
          this.#wakeUp();
          this.deps.progressed(r);
        }
        return; // progress only: nothing to save
      case 'done':
        r.next = r.count;
        r.state = ctl.ok ? 'done' : 'failed';
        if (!ctl.ok) r.reason = 'integrity';
        break;
      case 'cancel':
        r.state = 'cancelled';
        r.reason = 'cancelled_by_peer';
        break;
    }
    this.#wakeUp();
    this.deps.changed(r);
  }

  cancel(): void {
    if (this.record.state === 'done') return;
    this.record.state = 'cancelled';
    this.deps.link().sendFileControl({ op: 'cancel', fileId: this.record.fileId });
    this.#wakeUp();
    this.deps.changed(this.record);
  }

  /** The relay dropped a chunk (over its byte rate, or the receiver is slow): pause, then go again from the last ack, with half the window. */
  backOff(ms = 300): void {
    // Every chunk sent after the dropped one is dropped too, and each says so: halve once per pause.
    if (performance.now() >= this.#pausedUntil) this.#window = Math.max(MIN_SEND_WINDOW, Math.floor(this.#window / 2));
    this.#pausedUntil = performance.now() + ms;
    this.rewind();
  }

  /** The transfer cannot go on (the relay refuses a file this large, its offer was refused): stop, and tell the receiver. */
  fail(reason: TransferRecord['reason']): void {
    const r = this.record;
    if (r.state !== 'waiting' && r.state !== 'active' && r.state !== 'stored') return;
    r.state = 'failed';
    r.reason = reason;
    this.deps.link().sendFileControl({ op: 'cancel', fileId: r.fileId });
    this.#wakeUp();
    this.deps.changed(r);
  }

  /**
   * The link changed path (or the contact came back): chunks in flight on the old one may be lost,
   * so go again from the last ack, with the whole window (a back-off's was for the relay as it was).
   */
  resume(): void {
    this.#window = SEND_WINDOW;
    this.rewind();
  }

  /** Goes again from the last ack. */
  rewind(): void {
    this.#sent = this.record.next;
    this.#wakeUp();
  }

  #acked(): void {
    this.#lastAckAt = performance.now();
    this.progress.update(this.bytesDone);
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      const r = this.record;
      // Until every chunk is acknowledged: the last ones may need sending again too.
      while (r.state === 'active' && r.next < r.count) {
        const link = this.deps.link();
        const paused = this.#pausedUntil - performance.now();
        if (paused > 0) {
          await this.#sleep(paused);
          continue;
        }
        if (this.#sent >= r.count || this.#sent - r.next >= this.#window) {
          await this.#sleep(STALL_MS);
          if (performance.now() - this.#lastAckAt >= STALL_MS) this.rewind();
          continue;
        }
        if (link.bufferedAmount > HIGH_WATER) {
          await link.waitForDrain(LOW_WATER);
          continue;
        }
        const index = this.#sent;
        const plain = await this.#reader.chunk(index);
        const sealed = sealChunkInto(this.deps.sodium, this.deps.key, this.deps.fileId, index, r.count, plain, this.#wire);
        if (!link.sendChunk(sealed)) {
          await this.#sleep(500); // offline for now: the receiver's next `want` restarts us anyway
          continue;
        }
        if (this.#sent === index) this.#sent = index + 1; // unless a want/rewind moved it meanwhile
      }
    } finally {
      this.#pumping = false;
      // Done, or stopped: a later `want` (a resend) opens the file again.
      this.#reader.close();
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  #wakeUp(): void {
    this.#wake?.();
  }
}
