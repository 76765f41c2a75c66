/**
 * Every file transfer of this device, both ways: starts them (hash, key, sealed offer), routes
 * chunks and control from the links to the right transfer, resumes receiving after a reload or
 * when the sender comes back, and tells the UI how each one is doing.
 */
import type { FileOffer } from '../../../shared/envelope';
import { FILE_ID_BYTES, chunkCount, chunkHeader } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import type { ErrorCode } from '../../../shared/protocol';
import { type Sodium, fromB64, toB64 } from '../../../shared/sodium';
import type { Links } from '../peer/links';
import type { Database, TransferRecord } from '../services/db';
import type { Messenger } from '../services/messenger';
import { sha256OfBlobs } from './hash';
import { IncomingTransfer } from './incoming';
import { OutgoingTransfer } from './outgoing';

export interface TransferView {
  record: TransferRecord;
  bytesDone: number;
  /** Bytes per second, 0 while unknown. */
  speed: number;
  secondsLeft: number | undefined;
}

/** Fired (at most a few times a second per transfer) when a transfer changes. */
export class TransferEvent extends Event {
  constructor(readonly fileId: string) {
    super('transfer');
  }
}

const UI_INTERVAL_MS = 200;

export class Transfers extends EventTarget {
  readonly #out = new Map<string, OutgoingTransfer>();
  readonly #in = new Map<string, IncomingTransfer>();
  /** Finished or stopped transfers loaded for display only. */
  readonly #records = new Map<string, TransferRecord>();
  /** Files this tab is sending, so the sender sees its own image previews too. */
  readonly #localFiles = new Map<string, Blob>();
  readonly #lastEvent = new Map<string, number>();
  readonly #trailing = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly db: Database,
    private readonly sodium: Sodium,
    private readonly links: Links,
    private readonly messenger: Messenger,
  ) {
    super();
    messenger.onFileOffer = (peer, offer) => this.#onOffer(peer, offer);
  }

  /** Loads what earlier visits left: receptions resume; sends whose file is gone are marked interrupted. */
  async load(): Promise<void> {
    for (const record of await this.db.getAll('transfers')) {
      if (record.dir === 'in' && (record.state === 'waiting' || record.state === 'active')) this.#in.set(record.fileId, this.#incoming(record));
      else {
        if (record.dir === 'out' && (record.state === 'waiting' || record.state === 'active')) {
          record.state = 'failed';
          record.reason = 'interrupted';
          await this.db.put('transfers', record);
        }
        if (record.dir === 'in' && record.state === 'done') this.#in.set(record.fileId, this.#incoming(record));
        this.#records.set(record.fileId, record);
      }
    }
  }

  view(fileId: string): TransferView | undefined {
    const t = this.#out.get(fileId) ?? this.#in.get(fileId);
    const record = t?.record ?? this.#records.get(fileId);
    if (!record) return undefined;
    const bytesDone = t ? t.bytesDone : record.state === 'done' ? record.size : 0;
    return { record, bytesDone, speed: t?.progress.speed ?? 0, secondsLeft: t?.progress.secondsLeft(record.size - bytesDone) };
  }

  /** The file's content, once verified (received) or while this tab holds it (sent). */
  async blob(fileId: string): Promise<Blob | undefined> {
    return this.#localFiles.get(fileId) ?? this.#in.get(fileId)?.blob();
  }

  /** Sends each file to `peer`: hashes it, then offers it in a sealed message; chunks flow when the peer asks. */
  async send(peer: string, files: Iterable<File>): Promise<void> {
    for (const file of files) {
      const fileIdBytes = this.sodium.randombytes_buf(FILE_ID_BYTES);
      const key = this.sodium.randombytes_buf(32);
      const offer: FileOffer = {
        kind: 'file',
        fileId: this.sodium.to_hex(fileIdBytes),
        name: file.name.slice(0, 255) || 'file',
        size: file.size,
        type: file.type.slice(0, 127),
        sha256: await sha256OfBlobs(this.sodium, [file]),
        key: toB64(this.sodium, key),
      };
      const record: TransferRecord = { ...this.#meta(peer, 'out', offer), state: 'waiting' };
      await this.db.put('transfers', record);
      this.#localFiles.set(offer.fileId, file);
      this.#out.set(
        offer.fileId,
        new OutgoingTransfer(record, file, { sodium: this.sodium, key, fileId: fileIdBytes, link: () => this.links.get(peer), changed: (r) => this.#changed(r) }),
      );
      await this.messenger.sendFileOffer(peer, offer);
    }
  }

  cancel(fileId: string): void {
    (this.#out.get(fileId) ?? this.#in.get(fileId))?.cancel();
  }

  onChunk(peer: string, bytes: Uint8Array): void {
    const header = chunkHeader(bytes);
    if (!header) return;
    const t = this.#in.get(this.sodium.to_hex(header.fileId));
    if (t?.record.peer === peer) t.onChunk(bytes);
  }

  onControl(peer: string, ctl: FileControl): void {
    const t = this.#out.get(ctl.fileId) ?? this.#in.get(ctl.fileId);
    if (t?.record.peer === peer) t.control(ctl);
    else if (ctl.op === 'want') this.links.get(peer).sendFileControl({ op: 'cancel', fileId: ctl.fileId }); // nothing to send
  }

  /** The server dropped a relayed chunk of `fileId`: slow down, or give up on a file the relay will not carry. */
  onRelayError(fileId: string, code: ErrorCode): void {
    const t = this.#out.get(fileId);
    if (!t) return;
    if (code === 'file_too_large') t.fail('too_large_for_relay');
    else if (code === 'relay_limit' || code === 'recipient_busy') t.backOff();
  }

  /** `peer` is reachable again, or the link changed path: receptions ask again, sends go again from the last ack. */
  resume(peer: string): void {
    for (const t of this.#in.values()) if (t.record.peer === peer) t.request();
    for (const t of this.#out.values()) if (t.record.peer === peer) t.rewind();
  }

  async #onOffer(peer: string, offer: FileOffer): Promise<void> {
    if (this.#in.has(offer.fileId) || this.#records.has(offer.fileId)) return;
    const record: TransferRecord = { ...this.#meta(peer, 'in', offer), state: 'waiting' };
    await this.db.put('transfers', record);
    const t = this.#incoming(record);
    this.#in.set(offer.fileId, t);
    t.request();
  }

  #meta(peer: string, dir: 'in' | 'out', o: FileOffer): Omit<TransferRecord, 'state'> {
    return { fileId: o.fileId, peer, dir, name: o.name, size: o.size, type: o.type, sha256: o.sha256, key: o.key, count: chunkCount(o.size), next: 0 };
  }

  #incoming(record: TransferRecord): IncomingTransfer {
    return new IncomingTransfer(record, {
      db: this.db,
      sodium: this.sodium,
      key: fromB64(this.sodium, record.key),
      fileId: this.sodium.from_hex(record.fileId),
      link: () => this.links.get(record.peer),
      changed: (r) => this.#changed(r),
    });
  }

  /** Persists the record, and tells the UI unless it heard about this transfer a moment ago. */
  #changed(record: TransferRecord): void {
    void this.db.put('transfers', record);
    const now = performance.now();
    const busy = record.state === 'active' || record.state === 'waiting';
    if (busy && now - (this.#lastEvent.get(record.fileId) ?? 0) < UI_INTERVAL_MS) {
      // Say it a little later instead, so the last progress of a burst is not lost.
      if (!this.#trailing.has(record.fileId)) {
        this.#trailing.set(record.fileId, setTimeout(() => this.#emit(record.fileId), UI_INTERVAL_MS));
      }
      return;
    }
    this.#emit(record.fileId);
  }

  #emit(fileId: string): void {
    clearTimeout(this.#trailing.get(fileId));
    this.#trailing.delete(fileId);
    this.#lastEvent.set(fileId, performance.now());
    this.dispatchEvent(new TransferEvent(fileId));
  }
}
