/**
 * Files this tab posts in a group (issue 12 item 6): each is hashed, given a fresh key and id, and
 * its sealed chunks go up to the server **once**, for the group (upload.ts, naming `g:<group>`);
 * after `group_file_stored` the offer, with the key, goes to the members inside MLS as a group
 * message (an outbox job, so a reload from then on does not lose it). Every member fetches the
 * one copy (group-link.ts). The server learns the size and the uploader, never the name, type or
 * key. The sender's bubble shows at once ("Uploading N%", with Cancel: a held offer, `hold`), but
 * until the copy is stored nothing is posted: a refusal (over the group's limits, muted, no longer
 * a member) fails the send and the bubble with that code and nothing reaches the group; Cancel
 * ends both. A reload cuts the upload short: the file itself is gone with the page (its chunks
 * are sealed from it as they go up, never kept), so the next load marks the record and the bubble
 * failed as interrupted ("Send the file again"), never a silent loss (Transfers.load).
 */
import type { FileOffer } from '../../../shared/envelope';
import { groupUploadName } from '../../../shared/group-file-names';
import type { ErrorCode } from '../../../shared/protocol';
import type { Sodium } from '../../../shared/sodium';
import type { Connection } from '../net/connection';
import { ParleyError } from '../net/parley-error';
import type { Database, TransferRecord } from '../storage/db';
import type { HeldOffer } from '../conversations/messenger';
import { newOffer, recordOf } from './sends';
import { StoredUpload } from './upload';

export interface GroupSendsDeps {
  db: Database;
  sodium: Sodium;
  connection: Connection;
  /** Persists the record and tells the UI. */
  changed: (record: TransferRecord) => void;
  /** Tells the UI only (progress). */
  progressed: (record: TransferRecord) => void;
  /** Posts the offer in the group (Groups.sendFile): without `hold`, once the copy is stored. */
  post: (group: string, offer: FileOffer) => Promise<void>;
  /** Shows the offer in the group at once and posts it on release (GroupChat.holdFile), when the app set it. */
  hold?: (group: string, offer: FileOffer) => Promise<HeldOffer | undefined>;
}

export class GroupFileSends {
  readonly #uploads = new Map<string, StoredUpload>();
  /** The files themselves and their records, while this tab holds them (the sender sees its own previews). */
  readonly #files = new Map<string, Blob>();
  readonly #records = new Map<string, TransferRecord>();

  constructor(private readonly d: GroupSendsDeps) {}

  record(fileId: string): TransferRecord | undefined {
    return this.#records.get(fileId);
  }

  file(fileId: string): Blob | undefined {
    return this.#files.get(fileId);
  }

  upload(fileId: string): StoredUpload | undefined {
    return this.#uploads.get(fileId);
  }

  /** Posts each file in `group`, one after another; the first refusal stops there and is thrown (a ParleyError). */
  async send(group: string, files: Iterable<File>): Promise<void> {
    for (const file of files) {
      const result = await this.#sendOne(group, file);
      if (result !== 'stored' && result !== 'cancelled') throw new ParleyError(result);
    }
  }

  /** The server kept the copy. */
  stored(fileId: string): void {
    this.#uploads.get(fileId)?.answered('stored');
  }

  /** An error naming a file: true if it was about an upload of ours. */
  onError(fileId: string, code: string): boolean {
    const upload = this.#uploads.get(fileId);
    if (!upload) return false;
    // A rate refusal of a chunk (relay_limit) is answered at the commit like any other: the upload tries again.
    upload.answered(code as ErrorCode);
    return true;
  }

  cancel(fileId: string): boolean {
    const upload = this.#uploads.get(fileId);
    upload?.cancel();
    return upload !== undefined;
  }

  /** Its message was deleted: the upload stops, the file is let go; the record, if it was ours. */
  forget(fileId: string): TransferRecord | undefined {
    this.#uploads.get(fileId)?.cancel();
    this.#uploads.delete(fileId);
    this.#files.delete(fileId);
    const record = this.#records.get(fileId);
    this.#records.delete(fileId);
    return record;
  }

  async #sendOne(group: string, file: File): Promise<ErrorCode | 'stored' | 'cancelled'> {
    const { sodium, db, connection } = this.d;
    // A group's offer is always `stored`: every member fetches the one copy.
    const { offer, fileId: fileIdBytes, key } = await newOffer(sodium, file, true);
    const record: TransferRecord = { ...recordOf(groupUploadName(group), 'out', offer), state: 'waiting' };
    await db.put('transfers', record);
    this.#files.set(offer.fileId, file);
    this.#records.set(offer.fileId, record);
    const commit = { t: 'group_file_commit', group, fileId: offer.fileId, count: record.count } as const;
    const upload = new StoredUpload(record, file, { sodium, key, fileId: fileIdBytes, connection, changed: () => this.d.progressed(record), commit });
    this.#uploads.set(offer.fileId, upload);
    let held: HeldOffer | undefined;
    try {
      held = await this.d.hold?.(group, offer);
    } catch (err) {
      this.forget(offer.fileId);
      await db.delete('transfers', offer.fileId);
      throw err; // not a member any more, say: nothing was shown or sent
    }
    const result = await upload.run();
    this.#uploads.delete(offer.fileId);
    if (result === 'cancelled' || !this.#records.has(offer.fileId)) {
      if (this.#records.has(offer.fileId)) {
        record.state = 'cancelled';
        this.d.changed(record);
      }
      await held?.fail();
      return 'cancelled';
    }
    record.state = result === 'stored' ? 'stored' : 'failed';
    if (result !== 'stored') record.reason = 'interrupted';
    // Posted before it shows as stored: a tab closed on seeing "sent" has posted it.
    if (result === 'stored') await (held ? held.release() : this.d.post(group, offer));
    else await held?.fail(result);
    this.d.changed(record);
    return result;
  }
}
