/**
 * The files this tab sends: each is hashed, given a fresh key and id, and offered in a sealed
 * message; its chunks flow when the contact asks (outgoing.ts). For a contact who is offline a
 * copy is left with the server first and the offer follows its commit (stored-copies.ts); an
 * offer that the server kept because the contact had just gone gets a copy too. Whatever moment a
 * file is picked at, it is sent, left with the server, or shown refused: never dropped unsaid.
 */
import type { FileOffer } from '../../../shared/envelope';
import { FILE_ID_BYTES, chunkCount } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import { type Sodium, toB64 } from '../../../shared/sodium';
import type { Links } from '../peer/links';
import type { Connection } from '../net/connection';
import { ParleyError } from '../net/parley-error';
import type { Contacts } from '../identity/contacts';
import type { Database, TransferRecord } from '../storage/db';
import type { Messenger } from '../conversations/messenger';
import { sha256OfBlobs } from './hash';
import { OutgoingTransfer } from './outgoing';
import { StoredCopies } from './stored-copies';
import type { StoredUpload } from './upload';

/** Files that could not be sent: the contact is offline and they are over the server's limit for keeping files. */
/** Files over the server's limit for a contact who is offline: not sent (the error names them). */
/** A new file's offer (a fresh random id and key, its SHA-256) and the raw id and key that seal its chunks. */
export async function newOffer(sodium: Sodium, file: File, stored: boolean): Promise<{ offer: FileOffer; fileId: Uint8Array; key: Uint8Array }> {
  const fileId = sodium.randombytes_buf(FILE_ID_BYTES);
  const key = sodium.randombytes_buf(32);
  const offer: FileOffer = {
    kind: 'file',
    fileId: sodium.to_hex(fileId),
    name: file.name.slice(0, 255) || 'file',
    size: file.size,
    type: file.type.slice(0, 127),
    sha256: await sha256OfBlobs([file]),
    key: toB64(sodium, key),
    ...(stored ? { stored: true } : {}),
  };
  return { offer, fileId, key };
}

export class OfflineFileTooLarge extends ParleyError {
  constructor(
    readonly names: string[],
    readonly limit: number,
    peer: string,
  ) {
    super('offline_file_too_large', { names, limit, peer });
  }
}

/** The transfer record of a file offer, either way (`stored` as the offer says). */
export function recordOf(peer: string, dir: 'in' | 'out', o: FileOffer): Omit<TransferRecord, 'state'> {
  const meta = { fileId: o.fileId, peer, dir, name: o.name, size: o.size, type: o.type, sha256: o.sha256, key: o.key, count: chunkCount(o.size), next: 0 };
  return o.stored ? { ...meta, stored: true } : meta;
}

export interface SendsDeps {
  db: Database;
  sodium: Sodium;
  connection: Connection;
  contacts: Contacts;
  links: Links;
  messenger: Messenger;
  /** Persists the record and tells the UI. */
  changed: (record: TransferRecord) => void;
  /** Tells the UI only (progress). */
  progressed: (record: TransferRecord) => void;
  /** Has the server delete the copy of `fileId` left for `peer`: now, or at the next login (owed-releases.ts). */
  release: (peer: string, fileId: string) => void;
}

export class Sends {
  readonly #out = new Map<string, OutgoingTransfer>();
  /** The files themselves, while this tab holds them (the sender sees its own image previews too). */
  readonly #files = new Map<string, Blob>();
  readonly #copies: StoredCopies;
  /** The largest file the server keeps for an offline contact (from the login). */
  offlineMaxBytes = 0;

  constructor(private readonly d: SendsDeps) {
    this.#copies = new StoredCopies(d);
    d.messenger.onFileOfferSettled = (peer, fileId, outcome) => {
      const t = this.#out.get(fileId);
      if (t?.record.peer !== peer) return;
      // Kept by the server's store, not handed over: the contact was gone by the time it arrived.
      if (outcome === 'sent') this.#copies.leaveAfterOffer(t.record, this.#files.get(fileId), this.offlineMaxBytes);
      if (outcome !== 'refused') return;
      // Their device could not open the offer: nobody will ask for the file, here or from the server.
      this.#copies.superseded(t.record);
      t.fail('interrupted');
    };
  }

  get(fileId: string): OutgoingTransfer | undefined {
    return this.#out.get(fileId);
  }

  /** The file being sent, while this tab holds it. */
  file(fileId: string): Blob | undefined {
    return this.#files.get(fileId);
  }

  /** Its copy going up to the server, if one is. */
  upload(fileId: string): StoredUpload | undefined {
    return this.#copies.upload(fileId);
  }

  /** `peer` is reachable again, or the link changed path: go again from the last ack. */
  resume(peer: string): void {
    for (const t of this.#out.values()) if (t.record.peer === peer) t.resume();
  }

  /**
   * Sends each file to `peer`. For a contact who is offline the file goes up to the server first,
   * unless it is over the server's limit: such files are not sent (OfflineFileTooLarge names them).
   * Returns the file ids of those sent.
   */
  async send(peer: string, files: Iterable<File>): Promise<string[]> {
    const tooLarge: string[] = [];
    const sent: string[] = [];
    for (const file of files) {
      const offline = !this.d.contacts.get(peer)?.online;
      if (offline && file.size > this.offlineMaxBytes) tooLarge.push(file.name);
      else sent.push(await this.#sendOne(peer, file, offline));
    }
    if (tooLarge.length > 0) throw new OfflineFileTooLarge(tooLarge, this.offlineMaxBytes, peer);
    return sent;
  }

  /** Cancels a send of ours; false if `fileId` is not one. */
  cancel(fileId: string): boolean {
    const t = this.#out.get(fileId);
    if (!t) return false;
    this.#copies.cancel(fileId);
    t.cancel();
    // A copy left with the server is of no use now (a reception releases its own through its link).
    if (t.record.stored) this.d.release(t.record.peer, fileId);
    return true;
  }

  /**
   * Its message was deleted: stops the send and its upload (telling the contact, unless `stop` is
   * false) and lets go of the file this tab held; the record it had, if it was one of ours. A copy
   * already left with the server is the caller's to release (Transfers.forget).
   */
  forget(fileId: string, stop = true): TransferRecord | undefined {
    const t = this.#out.get(fileId);
    this.#copies.forget(fileId);
    if (stop) t?.cancel();
    this.#out.delete(fileId);
    this.#files.delete(fileId);
    return t?.record;
  }

  /** Control from `peer` about a send of ours; false if it is none. */
  control(peer: string, ctl: FileControl): boolean {
    const t = this.#out.get(ctl.fileId);
    if (t?.record.peer !== peer) return false;
    // The contact asks for (or took, or stopped) the file live: a copy left with the server is of no use.
    if (ctl.op !== 'ack') this.#copies.superseded(t.record);
    t.control(ctl);
    return true;
  }

  /** The server committed a copy. */
  stored(fileId: string): void {
    this.#copies.answered(fileId, 'stored');
  }

  /** An error naming a file: true if it was about a send of ours (its copy, or its chunks on the relay). */
  onError(fileId: string, code: string): boolean {
    if (this.#copies.answered(fileId, code)) return true;
    const out = this.#out.get(fileId);
    if (!out) return false;
    if (code === 'file_too_large') out.fail('too_large_for_relay');
    else if (code === 'relay_limit' || code === 'recipient_busy') out.backOff();
    return true;
  }

  /** Offers `file` to `peer`; its file id. */
  async #sendOne(peer: string, file: File, offline: boolean): Promise<string> {
    const { sodium, db, messenger } = this.d;
    const { offer, fileId: fileIdBytes, key } = await newOffer(sodium, file, offline);
    const record: TransferRecord = { ...recordOf(peer, 'out', offer), state: 'waiting' };
    await db.put('transfers', record);
    this.#files.set(offer.fileId, file);
    const link = () => this.d.links.get(peer);
    const { changed, progressed } = this.d;
    this.#out.set(offer.fileId, new OutgoingTransfer(record, file, { sodium, key, fileId: fileIdBytes, link, changed, progressed }));
    // For a contact who is offline the offer waits for the server to commit the upload.
    if (offline) this.#copies.leaveThenOffer(record, file, await messenger.offers.holdFile(peer, offer));
    else await messenger.sendFileOffer(peer, offer);
    return offer.fileId;
  }
}
