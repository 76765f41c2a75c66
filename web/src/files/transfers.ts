/**
 * Every file transfer of this device, both ways: starts them (hash, key, sealed offer), routes
 * chunks and control from the links to the right transfer, resumes receiving after a reload or
 * when the sender comes back, and tells the UI how each one is doing. A file for a contact who is
 * offline is also left with the server (upload.ts) so it reaches them without the sender online.
 */
import type { FileOffer } from '../../../shared/envelope';
import { FILE_ID_BYTES, chunkCount, chunkHeader } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import type { ServerFrame } from '../../../shared/protocol';
import { type Sodium, fromB64, toB64 } from '../../../shared/sodium';
import type { Links } from '../peer/links';
import type { Connection } from '../services/connection';
import type { Contacts } from '../services/contacts';
import type { Database, TransferRecord } from '../services/db';
import type { Messenger } from '../services/messenger';
import { AutoAcceptSetting } from './auto-accept';
import { sha256OfBlobs } from './hash';
import type { ChunkStore } from './chunk-store';
import { IncomingTransfer } from './incoming';
import { OutgoingTransfer } from './outgoing';
import { StoredFileLink } from './stored-link';
import { StoredUpload } from './upload';

export interface TransferView {
  record: TransferRecord;
  bytesDone: number;
  /** Bytes per second, 0 while unknown. */
  speed: number;
  secondsLeft: number | undefined;
  /** Going up to the server for a contact who is offline. */
  uploading: boolean;
}

/** Fired (at most a few times a second per transfer) when a transfer changes. */
export class TransferEvent extends Event {
  constructor(readonly fileId: string) {
    super('transfer');
  }
}

/** Files that could not be sent: the contact is offline and they are over the server's limit for keeping files. */
export class OfflineFileTooLarge extends Error {
  constructor(
    readonly names: string[],
    readonly limit: number,
  ) {
    super(`over ${limit} bytes while the contact is offline: ${names.join(', ')}`);
  }
}

const UI_INTERVAL_MS = 200;
/** The type every file's content is handed out as (see blob()). */
const INERT_TYPE = 'application/octet-stream';
const STRAY_ANSWER_MS = 2000;

export class Transfers extends EventTarget {
  readonly #out = new Map<string, OutgoingTransfer>();
  readonly #uploads = new Map<string, StoredUpload>();
  readonly #in = new Map<string, IncomingTransfer>();
  /** The server-facing links of receptions whose sender left the file with the server. */
  readonly #storedLinks = new Map<string, StoredFileLink>();
  /** Finished or stopped transfers loaded for display only. */
  readonly #records = new Map<string, TransferRecord>();
  /** Files this tab is sending, so the sender sees its own image previews too. */
  readonly #localFiles = new Map<string, Blob>();
  readonly #lastEvent = new Map<string, number>();
  /** When chunks of a reception that is over (or unknown) were last answered, per file. */
  readonly #strayAnswered = new Map<string, number>();
  readonly #trailing = new Map<string, ReturnType<typeof setTimeout>>();
  /** The largest file the server keeps for an offline contact (from the login). */
  #offlineMaxBytes = 0;
  /** Offers up to this size are fetched at once; larger ones wait for accept(). */
  readonly autoAccept: AutoAcceptSetting;

  constructor(
    private readonly db: Database,
    private readonly sodium: Sodium,
    private readonly connection: Connection,
    private readonly contacts: Contacts,
    private readonly links: Links,
    private readonly messenger: Messenger,
    private readonly store: ChunkStore,
  ) {
    super();
    this.autoAccept = new AutoAcceptSetting(db);
    messenger.onFileOffer = (peer, offer) => this.#onOffer(peer, offer);
  }

  /** Loads what earlier visits left: receptions resume; sends whose file is gone are marked interrupted. */
  async load(): Promise<void> {
    await this.autoAccept.load();
    for (const record of await this.db.getAll('transfers')) {
      const busy = record.state === 'waiting' || record.state === 'active' || record.state === 'verifying';
      // An offer still waiting for the user is kept ready (its link, stored or live) for accept().
      if (record.dir === 'in' && (busy || record.state === 'done' || record.state === 'offered')) {
        const t = this.#incoming(record);
        this.#in.set(record.fileId, t);
        await t.open();
        t.recheck(); // cut short while checking its integrity: check again
        continue;
      }
      if (record.dir === 'out' && busy) {
        record.state = 'failed';
        record.reason = 'interrupted';
        await this.db.put('transfers', record);
      }
      this.#records.set(record.fileId, record);
    }
  }

  /**
   * Deletes stored files no reception owns: left by a removal that failed, or by a record lost
   * with the site's database. Call after load(); nothing waits for it.
   */
  async sweep(): Promise<void> {
    for (const name of await this.store.names()) {
      if (this.#in.has(name)) continue;
      try {
        await this.store.remove(name);
      } catch (err) {
        console.warn('parley: could not delete a stored file no transfer owns', err);
      }
    }
  }

  view(fileId: string): TransferView | undefined {
    const t = this.#out.get(fileId) ?? this.#in.get(fileId);
    const record = t?.record ?? this.#records.get(fileId);
    if (!record) return undefined;
    const upload = this.#uploads.get(fileId);
    const moving = upload ?? t;
    const bytesDone = moving ? moving.bytesDone : record.state === 'done' ? record.size : 0;
    const progress = moving?.progress;
    return { record, bytesDone, speed: progress?.speed ?? 0, secondsLeft: progress?.secondsLeft(record.size - bytesDone), uploading: !!upload };
  }

  /**
   * The file's content, once verified (received) or while this tab holds it (sent), always as
   * `application/octet-stream` whatever type it was given: its `blob:` URL (a document in this
   * app's origin, with access to its keys) then downloads when opened, however it is opened,
   * instead of rendering what could be HTML or SVG with script.
   */
  async blob(fileId: string): Promise<Blob | undefined> {
    const blob = this.#localFiles.get(fileId) ?? (await this.#in.get(fileId)?.blob());
    return blob?.slice(0, blob.size, INERT_TYPE);
  }

  /** The user accepts an offer that was over the auto-accept size: fetch it now. */
  accept(fileId: string): void {
    const t = this.#in.get(fileId);
    if (t?.record.state !== 'offered') return;
    t.record.state = 'waiting';
    this.#changed(t.record);
    t.request(); // opens the file for the chunks first
  }

  /**
   * Sends each file to `peer`: hashes it, then offers it in a sealed message; chunks flow when the
   * peer asks. For a contact who is offline the file also goes up to the server, unless it is over
   * the server's limit: such files are not sent (OfflineFileTooLarge names them).
   */
  async send(peer: string, files: Iterable<File>): Promise<void> {
    const tooLarge: string[] = [];
    for (const file of files) {
      const offline = !this.contacts.get(peer)?.online;
      if (offline && file.size > this.#offlineMaxBytes) tooLarge.push(file.name);
      else await this.#sendOne(peer, file, offline);
    }
    if (tooLarge.length > 0) throw new OfflineFileTooLarge(tooLarge, this.#offlineMaxBytes);
  }

  cancel(fileId: string): void {
    this.#uploads.get(fileId)?.cancel();
    const t = this.#out.get(fileId) ?? this.#in.get(fileId);
    t?.cancel();
    // A copy left with the server is of no use now (a reception releases its own through its link).
    if (t?.record.dir === 'out' && t.record.stored) this.connection.send({ t: 'file_release', peer: t.record.peer, fileId });
  }

  /** Frames about stored files: the login's limit, a commit's answer, refusals naming a file. */
  handle(frame: ServerFrame): void {
    if (frame.t === 'welcome') {
      this.#offlineMaxBytes = frame.offlineFileMaxBytes;
      // Stored files are fetched from the server whether or not their sender is online.
      for (const [fileId, link] of this.#storedLinks) if (!link.live) this.#in.get(fileId)?.request();
    } else if (frame.t === 'file_stored') this.#uploads.get(frame.fileId)?.answered('stored');
    else if (frame.t === 'error' && frame.ref) this.#onError(frame.ref, frame.code);
  }

  onChunk(peer: string, bytes: Uint8Array): void {
    const header = chunkHeader(bytes);
    if (!header) return;
    const fileId = this.sodium.to_hex(header.fileId);
    const t = this.#in.get(fileId);
    const record = t?.record ?? this.#records.get(fileId);
    if (record && record.peer !== peer) return;
    const state = record?.state;
    if (state === 'offered') return; // not asked for: the user may still accept it
    if (t && (state === 'waiting' || state === 'active' || state === 'verifying')) t.onChunk(bytes);
    else this.#answerStray(peer, fileId, record);
  }

  /**
   * Chunks of a reception that is over, or unknown here: the sender missed how it ended (a control
   * lost with a connection, say) and would resend its window for ever. Tell it again, at most every
   * few seconds per file.
   */
  #answerStray(peer: string, fileId: string, record: TransferRecord | undefined): void {
    const now = performance.now();
    if (now - (this.#strayAnswered.get(fileId) ?? -Infinity) < STRAY_ANSWER_MS) return;
    if (this.#strayAnswered.size >= 256) this.#strayAnswered.clear();
    this.#strayAnswered.set(fileId, now);
    const received = record?.dir === 'in';
    const ctl: FileControl =
      received && record.state === 'done'
        ? { op: 'done', fileId, ok: true }
        : received && record.state === 'failed' && record.reason === 'integrity'
          ? { op: 'done', fileId, ok: false }
          : { op: 'cancel', fileId };
    this.links.get(peer).sendFileControl(ctl);
  }

  onControl(peer: string, ctl: FileControl): void {
    const t = this.#out.get(ctl.fileId) ?? this.#in.get(ctl.fileId);
    if (t?.record.peer === peer) t.control(ctl);
    else if (ctl.op === 'done' && this.#records.get(ctl.fileId)?.state === 'stored') {
      // A file left with the server was collected while this device was away (or reloaded).
      const record = this.#records.get(ctl.fileId)!;
      record.state = ctl.ok ? 'done' : 'failed';
      if (!ctl.ok) record.reason = 'integrity';
      this.#changed(record);
    } else if (ctl.op === 'want') this.links.get(peer).sendFileControl({ op: 'cancel', fileId: ctl.fileId }); // nothing to send
  }

  /** `peer` is reachable again, or the link changed path: receptions ask again, sends go again from the last ack. */
  resume(peer: string): void {
    for (const t of this.#in.values()) if (t.record.peer === peer) t.request();
    for (const t of this.#out.values()) if (t.record.peer === peer) t.resume();
  }

  async #sendOne(peer: string, file: File, offline: boolean): Promise<void> {
    const fileIdBytes = this.sodium.randombytes_buf(FILE_ID_BYTES);
    const key = this.sodium.randombytes_buf(32);
    const offer: FileOffer = {
      kind: 'file',
      fileId: this.sodium.to_hex(fileIdBytes),
      name: file.name.slice(0, 255) || 'file',
      size: file.size,
      type: file.type.slice(0, 127),
      sha256: await sha256OfBlobs([file]),
      key: toB64(this.sodium, key),
      ...(offline ? { stored: true } : {}),
    };
    const record: TransferRecord = { ...this.#meta(peer, 'out', offer), state: 'waiting' };
    await this.db.put('transfers', record);
    this.#localFiles.set(offer.fileId, file);
    const changed = (r: TransferRecord) => this.#changed(r);
    const progressed = (r: TransferRecord) => this.#notify(r);
    const link = () => this.links.get(peer);
    this.#out.set(offer.fileId, new OutgoingTransfer(record, file, { sodium: this.sodium, key, fileId: fileIdBytes, link, changed, progressed }));
    if (offline) this.#upload(record, file, key, fileIdBytes);
    // The offer goes at once: should the contact come back before the upload is done, they
    // find no stored copy and ask this device directly.
    await this.messenger.sendFileOffer(peer, offer);
  }

  #upload(record: TransferRecord, file: File, key: Uint8Array, fileId: Uint8Array): void {
    const upload = new StoredUpload(record, file, { sodium: this.sodium, key, fileId, connection: this.connection, changed: () => this.#notify(record) });
    this.#uploads.set(record.fileId, upload);
    void upload.run().catch((err) => {
      console.warn(`parley: could not upload ${record.name}`, err);
      return 'cancelled' as const; // the file could not be read: the live path may still take it
    }).then((result) => {
      this.#uploads.delete(record.fileId);
      // Collected live meanwhile, or cancelled: nothing to say.
      if (result === 'stored' && record.state === 'waiting') record.state = 'stored';
      else if (result !== 'stored' && result !== 'cancelled') console.warn(`parley: the server did not keep ${record.name}: ${result}`);
      this.#changed(record);
    });
  }

  #onError(fileId: string, code: string): void {
    const upload = this.#uploads.get(fileId);
    if (upload && (code === 'file_too_large' || code === 'queue_full' || code === 'file_incomplete' || code === 'not_contact')) {
      upload.answered(code);
      return;
    }
    const stored = this.#storedLinks.get(fileId);
    if (stored && code === 'file_not_found' && !stored.live) {
      stored.goLive();
      this.#in.get(fileId)?.request();
      return;
    }
    const out = this.#out.get(fileId);
    if (!out) return;
    if (code === 'file_too_large') out.fail('too_large_for_relay');
    else if (code === 'relay_limit' || code === 'recipient_busy') out.backOff();
  }

  async #onOffer(peer: string, offer: FileOffer): Promise<void> {
    if (this.#in.has(offer.fileId) || this.#records.has(offer.fileId)) return;
    const state = this.autoAccept.accepts(offer.size) ? 'waiting' : 'offered';
    const record: TransferRecord = { ...this.#meta(peer, 'in', offer), state };
    await this.db.put('transfers', record);
    const t = this.#incoming(record);
    this.#in.set(offer.fileId, t);
    if (state === 'offered') return this.#notify(record);
    await t.open();
    t.request();
  }

  #meta(peer: string, dir: 'in' | 'out', o: FileOffer): Omit<TransferRecord, 'state'> {
    const meta = { fileId: o.fileId, peer, dir, name: o.name, size: o.size, type: o.type, sha256: o.sha256, key: o.key, count: chunkCount(o.size), next: 0 };
    return o.stored ? { ...meta, stored: true } : meta;
  }

  #incoming(record: TransferRecord): IncomingTransfer {
    const live = () => this.links.get(record.peer);
    let link = live as () => ReturnType<typeof live> | StoredFileLink;
    if (record.stored && record.state !== 'done') {
      const stored = new StoredFileLink(live, this.connection);
      this.#storedLinks.set(record.fileId, stored);
      link = () => stored;
    }
    return new IncomingTransfer(record, {
      db: this.db,
      store: this.store,
      sodium: this.sodium,
      key: fromB64(this.sodium, record.key),
      fileId: this.sodium.from_hex(record.fileId),
      link,
      changed: (r) => this.#changed(r),
      progressed: (r) => this.#notify(r),
    });
  }

  /** Persists the record, and tells the UI. */
  #changed(record: TransferRecord): void {
    void this.db.put('transfers', record);
    this.#notify(record);
  }

  /** Tells the UI, unless it heard about this transfer a moment ago. */
  #notify(record: TransferRecord): void {
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
