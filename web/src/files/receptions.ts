/**
 * The files this device receives, the counterpart of sends.ts: a new offer becomes a reception
 * (fetched at once or held for accept()), chunks and controls from a sender reach theirs, and
 * receptions ask again when their sender or the login comes back. They are kept apart from
 * Transfers, which also holds sends and deletes, because none of this touches the sending side;
 * how a reception falls back to a copy on the server is reception-recovery.ts.
 */
import type { FileOffer } from '../../../shared/envelope';
import { chunkHeader } from '../../../shared/file-chunks';
import { groupSourceName, parseGroupFileName } from '../../../shared/group-file-names';
import type { FileControl } from '../../../shared/peer-protocol';
import { type Sodium, fromB64 } from '../../../shared/sodium';
import type { ConversationId } from '../conversations/conversation-id';
import type { Contacts } from '../identity/contacts';
import type { Connection } from '../net/connection';
import type { Links } from '../peer/links';
import type { Database, TransferRecord } from '../storage/db';
import type { AutoAcceptSetting } from './auto-accept';
import type { ChunkStore } from './chunk-store';
import { GroupFileLink } from './group-link';
import { IncomingTransfer } from './incoming';
import { ReceptionRecovery } from './reception-recovery';
import { recordOf } from './sends';
import { StrayChunks } from './stray-chunks';

export interface ReceptionsDeps {
  db: Database;
  sodium: Sodium;
  connection: Connection;
  contacts: Contacts;
  links: Links;
  store: ChunkStore;
  autoAccept: AutoAcceptSetting;
  /** A finished or stopped transfer loaded for display only (Transfers holds them). */
  loaded: (fileId: string) => TransferRecord | undefined;
  /** Persists the record and tells the UI (a change of state). */
  changed: (record: TransferRecord) => void;
  /** Tells the UI only (progress). */
  progressed: (record: TransferRecord) => void;
}

export class Receptions {
  readonly #in = new Map<string, IncomingTransfer>();
  readonly #recovery: ReceptionRecovery;
  readonly #stray = new StrayChunks();

  constructor(private readonly d: ReceptionsDeps) {
    const { links, connection, contacts, changed } = d;
    this.#recovery = new ReceptionRecovery({ receptions: this.#in, links, connection, contacts, changed });
  }

  get(fileId: string): IncomingTransfer | undefined {
    return this.#in.get(fileId);
  }

  has(fileId: string): boolean {
    return this.#in.has(fileId);
  }

  /** Drops the reception from those routed to (its bytes are the caller's to remove). */
  delete(fileId: string): void {
    this.#in.delete(fileId);
  }

  /** A reception an earlier visit left (see Transfers.load): opened again, and checked again if cut short while checking. */
  async reopen(record: TransferRecord): Promise<void> {
    const t = this.#incoming(record);
    this.#in.set(record.fileId, t);
    await t.open();
    t.recheck();
  }

  /** A new offer from `from` (in `conv`, sealed at `ts`): a reception, fetched at once when auto-accept allows. */
  async offer(from: string, offer: FileOffer, ts: number, conv?: ConversationId): Promise<void> {
    // In a group the file comes from the group's one copy, which streams under this name.
    const peer = conv?.startsWith('grp:') ? groupSourceName(conv.slice(4), from) : from;
    if (this.#in.has(offer.fileId)) return;
    this.#recovery.offered(offer.fileId, offer.stored, ts);
    const state = this.d.autoAccept.accepts(offer.size) ? 'waiting' : 'offered';
    const record: TransferRecord = { ...recordOf(peer, 'in', offer), state };
    await this.d.db.put('transfers', record);
    const t = this.#incoming(record);
    this.#in.set(offer.fileId, t);
    if (state === 'offered') return this.d.progressed(record);
    await t.open();
    t.request();
  }

  /** See Transfers.accept. */
  accept(fileId: string): void {
    const t = this.#in.get(fileId);
    if (t?.record.state !== 'offered') return;
    t.record.state = 'waiting';
    this.d.changed(t.record);
    t.request(); // opens the file for the chunks first
  }

  cancel(fileId: string): void {
    this.#in.get(fileId)?.cancel();
  }

  /** A chunk from `peer`: to its reception under way, else the sender is told how it ended. */
  chunk(peer: string, bytes: Uint8Array): void {
    const header = chunkHeader(bytes);
    if (!header) return;
    const fileId = this.d.sodium.to_hex(header.fileId);
    const t = this.#in.get(fileId);
    const record = t?.record ?? this.d.loaded(fileId);
    if (record && record.peer !== peer) return;
    const state = record?.state;
    if (state === 'offered') return; // not asked for: the user may still accept it
    if (t && (state === 'waiting' || state === 'active' || state === 'verifying')) t.onChunk(bytes);
    else {
      const answer = this.#stray.answer(fileId, record); // the sender missed how it ended
      if (answer) this.d.links.get(peer).sendFileControl(answer);
    }
  }

  /** A control from `peer` for one of their files received here; false when it is none. */
  control(peer: string, ctl: FileControl): boolean {
    const t = this.#in.get(ctl.fileId);
    if (t?.record.peer !== peer) return false;
    t.control(ctl);
    return true;
  }

  /** Logged in: stored copies are fetched, a group's whenever this device is logged in (after a reload, a reconnect). */
  loggedIn(): void {
    this.#recovery.loggedIn();
    for (const t of this.#in.values()) if (parseGroupFileName(t.record.peer)) t.request();
  }

  /** `peer` is reachable again, or the link changed path: their receptions ask again. */
  resume(peer: string): void {
    for (const t of this.#in.values()) if (t.record.peer === peer) t.request();
  }

  /** See Transfers.senderOffline. */
  senderOffline(peer: string): void {
    this.#recovery.senderOffline(peer);
  }

  /** The server has no copy of `fileId`. A group's copy is the only source of its file: gone (released, expired), the reception ends. */
  notFound(fileId: string): void {
    const t = this.#in.get(fileId);
    if (t && parseGroupFileName(t.record.peer)) return t.cancel();
    this.#recovery.notFound(fileId);
  }

  #incoming(record: TransferRecord): IncomingTransfer {
    const { db, store, sodium, connection, changed, progressed } = this.d;
    const groupLink = parseGroupFileName(record.peer) ? new GroupFileLink(record.peer, connection) : undefined;
    const link = groupLink ? () => groupLink : this.#recovery.linkFor(record);
    return new IncomingTransfer(record, {
      db,
      store,
      sodium,
      key: fromB64(sodium, record.key),
      fileId: sodium.from_hex(record.fileId),
      link,
      changed,
      progressed,
    });
  }
}
