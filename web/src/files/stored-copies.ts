/**
 * Copies of sent files left with the server for a contact who is offline (upload.ts moves the
 * bytes), and what their offers wait for:
 * - picked while the contact is offline: the file goes up first and its offer (marked `stored`)
 *   leaves only once the server has committed every chunk, so nobody is offered a file the server
 *   cannot give yet; if the server will not keep it, the offer never leaves and the conversation
 *   says so;
 * - offered live, but the server kept the offer instead of handing it over (the contact was gone
 *   by the time it arrived): a copy goes up too, and the contact, finding its sender offline,
 *   asks the server for it (Transfers routes that); if no copy can be kept, the conversation says
 *   the file goes once both are online.
 * A copy of no more use (the contact took the file live, or it was cancelled) is released.
 */
import type { ErrorCode } from '../../../shared/protocol';
import { type Sodium, fromB64 } from '../../../shared/sodium';
import type { Connection } from '../net/connection';
import type { TransferRecord } from '../storage/db';
import type { HeldOffer, Messenger } from '../conversations/messenger';
import { StoredUpload, type UploadResult } from './upload';

/** The message errors the conversation explains (see strings.ts). */
export const FILE_NOT_STORED = 'file_not_stored';
export const FILE_WAITS = 'file_waits';

/** Refusals from the server that end an upload (its chunks or its commit). */
const UPLOAD_REFUSALS: ReadonlySet<string> = new Set<ErrorCode>(['file_too_large', 'queue_full', 'server_full', 'file_incomplete', 'not_contact', 'blocked']);

export interface StoredCopiesDeps {
  sodium: Sodium;
  connection: Connection;
  messenger: Messenger;
  /** Persists the record and tells the UI. */
  changed: (record: TransferRecord) => void;
  /** Tells the UI only (progress). */
  progressed: (record: TransferRecord) => void;
}

export class StoredCopies {
  readonly #uploads = new Map<string, StoredUpload>();
  /** Uploads stopped because their message was deleted: their offer is neither sent nor shown failed. */
  readonly #forgotten = new Set<string>();

  constructor(private readonly d: StoredCopiesDeps) {}

  /** The upload of `fileId` under way, if any (for its progress). */
  upload(fileId: string): StoredUpload | undefined {
    return this.#uploads.get(fileId);
  }

  /** The server answered about `fileId`: committed, or one of the upload refusals; true if it was one of ours. */
  answered(fileId: string, code: 'stored' | string): boolean {
    const upload = this.#uploads.get(fileId);
    if (!upload || (code !== 'stored' && !UPLOAD_REFUSALS.has(code))) return false;
    upload.answered(code as UploadResult);
    return true;
  }

  /** Picked for a contact who is offline: upload, then send the held offer; or fail it, saying why. */
  leaveThenOffer(record: TransferRecord, file: Blob, offer: HeldOffer): void {
    this.#run(record, file, async (result) => {
      if (result === 'stored') {
        // Offered before it shows as kept: a tab closed on seeing "kept" has sent the offer.
        await offer.release();
        if (record.state === 'waiting') record.state = 'stored';
        return;
      }
      if (record.state === 'waiting') {
        record.state = result === 'cancelled' ? 'cancelled' : 'failed';
        if (result !== 'cancelled') record.reason = 'interrupted';
      }
      await offer.fail(result === 'cancelled' ? undefined : FILE_NOT_STORED);
    });
  }

  /**
   * A live offer of `record` was kept by the server for its contact, who had gone: unless they
   * asked for the file already, leave a copy too (within the server's limit), or say that the file
   * goes once both are online.
   */
  leaveAfterOffer(record: TransferRecord, file: Blob | undefined, offlineMaxBytes: number): void {
    if (record.state !== 'waiting' || record.stored || this.#uploads.has(record.fileId)) return;
    const note = () => this.d.messenger.offers.noteFile(record.peer, record.fileId, FILE_WAITS);
    if (!file || file.size > offlineMaxBytes) {
      void note();
      return;
    }
    record.stored = true;
    this.d.changed(record);
    this.#run(record, file, async (result) => {
      if (result === 'stored' && record.state === 'waiting') record.state = 'stored';
      else if (result !== 'stored' && result !== 'cancelled') await note();
    });
  }

  /** The contact asked for the file live, took it or cancelled it: a copy (whole or partial) is of no use now. */
  superseded(record: TransferRecord): void {
    if (!record.stored) return;
    this.#uploads.get(record.fileId)?.cancel();
    this.d.connection.send({ t: 'file_release', peer: record.peer, fileId: record.fileId });
  }

  /** The user cancelled: stop the upload (its outcome cancels the held offer). */
  cancel(fileId: string): void {
    this.#uploads.get(fileId)?.cancel();
  }

  /**
   * Its message was deleted: stop the upload, and leave the held offer alone (failing it would
   * write back a message deleted for me; releasing it would send a deleted file).
   */
  forget(fileId: string): void {
    const upload = this.#uploads.get(fileId);
    if (!upload) return;
    this.#forgotten.add(fileId);
    upload.cancel();
  }

  #run(record: TransferRecord, file: Blob, then: (result: UploadResult) => Promise<void>): void {
    const { sodium, connection } = this.d;
    const key = fromB64(sodium, record.key);
    const fileId = sodium.from_hex(record.fileId);
    const upload = new StoredUpload(record, file, { sodium, key, fileId, connection, changed: () => this.d.progressed(record) });
    this.#uploads.set(record.fileId, upload);
    void upload
      .run()
      .catch((err) => {
        console.warn(`parley: could not upload ${record.name}`, err);
        return 'internal' as const; // the file could not be read
      })
      .then(async (result) => {
        this.#uploads.delete(record.fileId);
        if (this.#forgotten.delete(record.fileId)) return;
        if (result !== 'stored' && result !== 'cancelled') console.warn(`parley: the server did not keep ${record.name}: ${result}`);
        await then(result);
      })
      .catch((err) => console.warn(`parley: could not record how the upload of ${record.name} ended`, err))
      .finally(() => this.d.changed(record));
  }
}
