/**
 * Every file transfer of this device, both ways: starts them (hash, key, sealed offer), routes
 * chunks and control from the links to the right transfer, resumes receiving after a reload or
 * when the sender comes back, and tells the UI how each one is doing (transfer-events.ts). A file
 * for a contact who is offline is also left with the server (stored-copies.ts) so it reaches them
 * without the sender online. The receiving side, with how a reception whose sender is offline asks
 * the server for such a copy, is receptions.ts.
 */
import type { FileOffer } from '../../../shared/envelope';
import type { FileControl } from '../../../shared/peer-protocol';
import type { ServerFrameOf } from '../../../shared/protocol';
import type { Sodium } from '../../../shared/sodium';
import type { Links } from '../peer/links';
import type { Connection } from '../net/connection';
import type { FrameRoutes } from '../net/frame-router';
import type { Contacts } from '../identity/contacts';
import type { Database, TransferRecord } from '../storage/db';
import type { FileGone, HeldOffer, Messenger } from '../conversations/messenger';
import { parseGroupFileName } from '../../../shared/group-file-names';
import type { ConversationId } from '../conversations/conversation-id';
import type { RelayChunkEvent } from '../net/connection';
import { AutoAcceptSetting } from './auto-accept';
import { GroupFileSends } from './group-sends';
import type { ChunkStore } from './chunk-store';
import { OwedReleases } from './owed-releases';
import { Receptions } from './receptions';
import { Sends } from './sends';
import { TransferNotifier, type TransferView } from './transfer-events';

export { OfflineFileTooLarge } from './sends';
export { TransferEvent, type TransferView } from './transfer-events';

/** The type every file's content is handed out as (see blob()). */
const INERT_TYPE = 'application/octet-stream';

export class Transfers extends EventTarget {
  readonly #sends: Sends;
  readonly #in: Receptions;
  readonly #notifier = new TransferNotifier(this);
  /** Finished or stopped transfers loaded for display only. */
  readonly #records = new Map<string, TransferRecord>();
  /** Files whose message was deleted (forget): nothing of them is saved again, nor shown. */
  readonly #gone = new Set<string>();
  readonly #releases: OwedReleases;
  /** Offers up to this size are fetched at once; larger ones wait for accept(). */
  readonly autoAccept: AutoAcceptSetting;
  /** Files posted in groups (group-sends.ts); `postInGroup` is set by the app (Groups.sendFile). */
  readonly #groupSends: GroupFileSends;
  postInGroup: ((group: string, offer: FileOffer) => Promise<void>) | undefined;
  /** Shows a group's file at once and posts it on release (GroupChat.holdFile); set by the app, else postInGroup after the upload. */
  holdInGroup: ((group: string, offer: FileOffer) => Promise<HeldOffer>) | undefined;

  constructor(
    private readonly db: Database,
    sodium: Sodium,
    private readonly connection: Connection,
    contacts: Contacts,
    private readonly links: Links,
    private readonly messenger: Messenger,
    private readonly store: ChunkStore,
  ) {
    super();
    this.autoAccept = new AutoAcceptSetting(db);
    messenger.onFileOffer = (peer, offer, ts, conv) => this.#onOffer(peer, offer, ts, conv);
    messenger.onFileGone = (fileId, how) => this.forget(fileId, how);
    const releases = (this.#releases = new OwedReleases(db, connection));
    const [changed, progressed] = [(r: TransferRecord) => this.#changed(r), (r: TransferRecord) => this.#notify(r)];
    const release = (peer: string, fileId: string) => void releases.release(peer, fileId).catch((err) => console.warn('parley: could not keep a release for the next login', err));
    this.#sends = new Sends({ db, sodium, connection, contacts, links, messenger, changed, progressed, release });
    const [autoAccept, loaded] = [this.autoAccept, (fileId: string) => this.#records.get(fileId)];
    this.#in = new Receptions({ db, sodium, connection, contacts, links, store, autoAccept, loaded, changed, progressed });
    const post = async (group: string, offer: FileOffer) => this.postInGroup?.(group, offer);
    const hold = async (group: string, offer: FileOffer) => this.holdInGroup?.(group, offer);
    this.#groupSends = new GroupFileSends({ db, sodium, connection, changed, progressed, post, hold });
  }

  /** Loads what earlier visits left: receptions resume; sends whose file is gone are marked interrupted. */
  async load(): Promise<void> {
    await this.autoAccept.load();
    for (const record of await this.db.getAll('transfers')) {
      const busy = record.state === 'waiting' || record.state === 'active' || record.state === 'verifying';
      // An offer still waiting for the user is kept ready (its link, stored or live) for accept().
      if (record.dir === 'in' && (busy || record.state === 'done' || record.state === 'offered')) {
        await this.#in.reopen(record); // cut short while checking its integrity: checked again
        continue;
      }
      if (record.dir === 'out' && busy) {
        record.state = 'failed';
        record.reason = 'interrupted';
        await this.db.put('transfers', record);
        // Its offer may have been waiting for the upload this reload cut short: it never goes now.
        const group = parseGroupFileName(record.peer)?.group;
        if (record.stored) void this.messenger.offers.failFile(record.peer, record.fileId, group ? `grp:${group}` : undefined).catch((err) => console.warn('parley: could not mark an offer failed', err));
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
    const t = this.#sends.get(fileId) ?? this.#in.get(fileId);
    const record = t?.record ?? this.#groupSends.record(fileId) ?? this.#records.get(fileId);
    if (!record) return undefined;
    const upload = this.#sends.upload(fileId) ?? this.#groupSends.upload(fileId);
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
    const blob = this.#sends.file(fileId) ?? this.#groupSends.file(fileId) ?? (await this.#in.get(fileId)?.blob());
    return blob?.slice(0, blob.size, INERT_TYPE);
  }

  /** The user accepts an offer that was over the auto-accept size: fetch it now. */
  accept(fileId: string): void {
    this.#in.accept(fileId);
  }

  /** Sends each file to `peer` (see sends.ts); the file ids of those that went. */
  send(peer: string, files: Iterable<File>): Promise<string[]> {
    return this.#sends.send(peer, files);
  }

  /** Posts each file in `group`: uploaded once for every member, then offered (group-sends.ts). */
  sendToGroup(group: string, files: Iterable<File>): Promise<void> {
    return this.#groupSends.send(group, files);
  }

  cancel(fileId: string): void {
    if (!this.#sends.cancel(fileId) && !this.#groupSends.cancel(fileId)) this.#in.cancel(fileId);
  }

  /**
   * The message carrying `fileId` was deleted (for me or for everyone, either side): the transfer
   * stops and nothing of the file stays, here (bytes, record, the file a sending tab held) or on the
   * server (a copy left there). Bytes whose removal fails have no record now: the next sweep takes them.
   * Only a sender's delete for me leaves a copy the server keeps for its recipient: it is theirs.
   */
  async forget(fileId: string, how: FileGone = 'for_everyone'): Promise<void> {
    this.#gone.add(fileId);
    const [reception, loaded] = [this.#in.get(fileId), this.#records.get(fileId)];
    this.#in.delete(fileId);
    this.#records.delete(fileId);
    const sent = this.#sends.get(fileId)?.record ?? loaded;
    const theirs = how === 'for_me' && sent?.dir === 'out' && sent.state === 'stored';
    try {
      const held = this.#sends.forget(fileId, !theirs) ?? this.#groupSends.forget(fileId) ?? reception?.record ?? loaded;
      const record = held ?? (await this.db.get('transfers', fileId));
      await this.db.delete('transfers', fileId);
      // A copy collected ('done') was released by its receiver; any other may still be on the server.
      // A group's copy is every member's: only its uploader releases it (and only for everyone).
      const group = record && parseGroupFileName(record.peer);
      const mayRelease = group ? record.dir === 'out' && how === 'for_everyone' : record?.state !== 'done' && !theirs;
      const release = record?.stored && mayRelease ? this.#releases.release(record.peer, fileId) : undefined;
      const bytes = reception ? reception.remove() : record?.dir === 'out' ? undefined : this.store.remove(fileId); // a send's bytes are the user's own file
      await Promise.all([bytes, release]);
    } catch (err) {
      console.warn('parley: could not delete all of a deleted file', err);
    }
  }

  /**
   * Subscribes to the frames about stored files (the login's limit, a commit's answer, refusals
   * naming a file) and about reachability: transfers with a contact who is (again) reachable pick
   * up where they stopped; from one who is not, they look for a copy on the server.
   */
  attach(frames: FrameRoutes): void {
    frames.on('welcome', (f) => {
      this.onWelcome(f);
      for (const c of f.contacts) this.#reachable(c.username, c.online);
    });
    frames.on('file_stored', (f) => this.onFileStored(f));
    frames.on('group_file_stored', (f) => this.#groupSends.stored(f.fileId));
    // A group's copy streams under `g:<group>:<uploader>`, no contact's name: Links passes only contacts' chunks on.
    this.connection.addEventListener('relay-chunk', (e) => {
      const { from, payload } = e as RelayChunkEvent;
      if (parseGroupFileName(from)?.uploader) this.onChunk(from, payload);
    });
    frames.on('error', (f) => this.onServerError(f));
    frames.on('presence', (f) => this.#reachable(f.username, f.online));
    frames.on('contact_added', (f) => {
      if (f.contact.online) this.resume(f.contact.username);
    });
  }

  onWelcome(frame: ServerFrameOf<'welcome'>): void {
    this.#sends.offlineMaxBytes = frame.offlineFileMaxBytes;
    this.#in.loggedIn(); // a group's copy too, whenever this device is logged in: from what is stored
    this.#releases.loggedIn().catch((err) => console.warn('parley: could not release copies of deleted files', err));
  }

  onFileStored(frame: ServerFrameOf<'file_stored'>): void {
    this.#sends.stored(frame.fileId);
  }

  onServerError(frame: ServerFrameOf<'error'>): void {
    if (frame.ref) this.#onError(frame.ref, frame.code);
  }

  #reachable(peer: string, online: boolean): void {
    if (online) this.resume(peer);
    else this.senderOffline(peer);
  }

  onChunk(peer: string, bytes: Uint8Array): void {
    this.#in.chunk(peer, bytes);
  }

  onControl(peer: string, ctl: FileControl): void {
    if (this.#sends.control(peer, ctl) || this.#in.control(peer, ctl)) return;
    if (ctl.op === 'done' && this.#records.get(ctl.fileId)?.state === 'stored') {
      // A file left with the server was collected while this device was away (or reloaded).
      const record = this.#records.get(ctl.fileId)!;
      record.state = ctl.ok ? 'done' : 'failed';
      if (!ctl.ok) record.reason = 'integrity';
      this.#changed(record);
    } else if (ctl.op === 'want') this.links.get(peer).sendFileControl({ op: 'cancel', fileId: ctl.fileId }); // nothing to send
  }

  /** `peer` is reachable again, or the link changed path: receptions ask again, sends go again from the last ack. */
  resume(peer: string): void {
    this.#in.resume(peer);
    this.#sends.resume(peer);
  }

  /**
   * `peer` is offline (at login, or gone): receptions from them not yet under way look for a copy
   * they may have left with the server, as when a `want` meets `peer_offline`.
   */
  senderOffline(peer: string): void {
    this.#in.senderOffline(peer);
  }

  #onError(ref: string, code: string): void {
    // A `want` that met an offline sender (ref names them): it may have left a copy with the server.
    if (code === 'peer_offline') return this.#in.senderOffline(ref);
    const fileId = ref;
    if (this.#sends.onError(fileId, code) || this.#groupSends.onError(fileId, code)) return;
    if (code === 'file_not_found') this.#in.notFound(fileId);
  }

  async #onOffer(from: string, offer: FileOffer, ts = Date.now(), conv?: ConversationId): Promise<void> {
    if (this.#records.has(offer.fileId) || this.#gone.has(offer.fileId)) return;
    await this.#in.offer(from, offer, ts, conv);
  }

  /** Persists the record, and tells the UI. */
  #changed(record: TransferRecord): void {
    if (this.#gone.has(record.fileId)) return; // its message was deleted: its record is too
    void this.db.put('transfers', record);
    this.#notify(record);
  }

  #notify(record: TransferRecord): void {
    if (!this.#gone.has(record.fileId)) this.#notifier.notify(record);
  }
}
