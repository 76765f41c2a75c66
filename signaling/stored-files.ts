/**
 * Files for contacts who are offline, the server's side: uploads arrive as binary frames with the
 * store flag and are written in batches; `file_commit` makes a file fetchable once every chunk is
 * durable; `file_fetch` streams a stored file to its recipient from a chunk index, never letting
 * more than a quarter of the send-buffer limit pile up; `file_release` deletes it.
 */
import { chunkHeader } from '../shared/file-chunks';
import { ProtocolError } from './errors';
import { TokenBucket } from './rate-limiter';
import type { Session } from './session';
import type { FileLimits, StoredChunk, StoredFileRef } from './store/file-store';
import type { Store } from './store/store';
import { encodeRelayFrame } from '../shared/relay-frames';

/** Chunks written per transaction: one fsync per megabyte, not per chunk. */
const FLUSH_BYTES = 1024 * 1024;
/** Chunks read from the database at once while streaming. */
const READ_BATCH = 16;

interface Upload {
  ref: StoredFileRef;
  pending: StoredChunk[];
  pendingBytes: number;
  /** The first refusal; later chunks of this file are dropped silently and `file_commit` repeats it. */
  refused?: ProtocolError;
  /** A group's copy (signaling/groups/group-files.ts): held to the group's bounds, not the recipient's. */
  limits?: FileLimits;
}

export interface UploadLimits {
  /** Uncommitted uploads one connection may have open. */
  uploadsPerConnection: number;
  /** Chunk bytes all uploads may hold in memory before they are written. */
  uploadBufferBytes: number;
  /** Upload bytes per second one connection may send, and all of them together (each also the burst). */
  bytesPerSec: number;
  bytesPerSecTotal: number;
}

const MiB = 1024 * 1024;
const DEFAULT_UPLOAD_LIMITS: UploadLimits = { uploadsPerConnection: 4, uploadBufferBytes: 64 * MiB, bytesPerSec: 8 * MiB, bytesPerSecTotal: 32 * MiB };

const refKey = (r: StoredFileRef) => `${r.recipient}\u0000${r.sender}\u0000${r.fileId}`;

export class StoredFiles {
  readonly #uploads = new WeakMap<Session, Map<string, Upload>>();
  /** The stream each session is being sent per file; a newer fetch replaces an older one. */
  readonly #streams = new WeakMap<Session, Map<string, symbol>>();

  /** The connection whose upload each stored-but-uncommitted file is (the latest to begin it). */
  readonly #owners = new Map<string, Session>();
  /** Bytes of chunks held in memory by every upload together, not yet written. */
  #buffered = 0;
  /**
   * Upload byte rates, per connection and for all of them: writes are synchronous commits to a
   * disk everyone shares, so they are paced for the disk, not for the relay.
   */
  readonly #rates = new WeakMap<Session, TokenBucket>();
  readonly #total: TokenBucket;

  constructor(
    private readonly store: Store,
    private readonly maxBufferedBytes: number,
    private readonly limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
  ) {
    this.#total = new TokenBucket(limits.bytesPerSecTotal, limits.bytesPerSecTotal);
  }

  #rate(session: Session): TokenBucket {
    let rate = this.#rates.get(session);
    if (!rate) this.#rates.set(session, (rate = new TokenBucket(this.limits.bytesPerSec, this.limits.bytesPerSec)));
    return rate;
  }

  /** A chunk of a file for `to`, to keep until they fetch it. */
  async upload(session: Session, to: string, payload: Uint8Array, limits?: FileLimits): Promise<void> {
    const header = chunkHeader(payload);
    if (!header) throw new ProtocolError('bad_frame', 'a stored chunk is a sealed file chunk');
    const ref: StoredFileRef = { recipient: to, sender: session.username!, fileId: Buffer.from(header.fileId).toString('hex') };
    const upload = this.#upload(session, ref);
    upload.limits = limits;
    if (upload.refused) return;
    // Every byte written counts, a chunk sent again too: each megabyte is a synchronous commit.
    if (!this.#rate(session).take(payload.length) || !this.#total.take(payload.length)) {
      throw new ProtocolError('relay_limit', 'over the byte rate for files kept for offline contacts', ref.fileId);
    }
    // A copy: ws may reuse the frame's memory once this returns.
    upload.pending.push({ index: header.index, data: Buffer.from(payload) });
    upload.pendingBytes += payload.length;
    this.#buffered += payload.length;
    // Past the memory bound every upload writes through: slower (a commit per chunk), never unbounded.
    if (upload.pendingBytes >= FLUSH_BYTES || this.#buffered > this.limits.uploadBufferBytes) await this.#flush(session, upload);
    if (upload.refused) throw upload.refused;
  }

  /** Every chunk of the file was sent: answers `file_stored` once they are all durable. */
  async commit(session: Session, to: string, fileId: string, count: number, stored = () => session.send({ t: 'file_stored', to, fileId })): Promise<void> {
    const ref: StoredFileRef = { recipient: to, sender: session.username!, fileId };
    const uploads = this.#uploads.get(session);
    const upload = uploads?.get(refKey(ref));
    if (upload) await this.#flush(session, upload);
    if (upload?.refused) {
      uploads?.delete(refKey(ref));
      if (this.#owners.get(refKey(ref)) === session) this.#owners.delete(refKey(ref));
      throw upload.refused;
    }
    // An incomplete file stays this connection's upload: the missing chunks may follow, and if
    // they never do, closing the connection deletes what was stored.
    if (!(await this.store.files.commit(ref, count))) {
      throw new ProtocolError('file_incomplete', `not all ${count} chunks of this file are stored; upload them again`, fileId);
    }
    uploads?.delete(refKey(ref));
    if (this.#owners.get(refKey(ref)) === session) this.#owners.delete(refKey(ref));
    stored();
  }

  /** Streams the stored chunks of `fileId` from `from` to this session, from chunk `next`. */
  async fetch(session: Session, from: string, fileId: string, next: number): Promise<void> {
    await this.stream(session, { recipient: session.username!, sender: from, fileId }, next, from);
  }

  /**
   * Streams `ref`'s chunks from `next` as binary frames naming `name`; `allowed` is asked again
   * before each batch is read, so a stream stops when its reader loses the right (a group member
   * removed mid-file) within a batch.
   */
  async stream(session: Session, ref: StoredFileRef, next: number, name: string, allowed?: () => Promise<boolean>): Promise<void> {
    const { fileId } = ref;
    if (!(await this.store.files.isComplete(ref))) throw new ProtocolError('file_not_found', 'no stored file with that id', fileId);
    let streams = this.#streams.get(session);
    if (!streams) this.#streams.set(session, (streams = new Map()));
    const token = Symbol(fileId);
    streams.set(refKey(ref), token);
    // Not awaited (it paces itself), so its failure is answered here: a rejection left alone would end the process.
    this.#stream(session, ref, next, name, () => streams.get(refKey(ref)) === token, allowed).catch(() => {
      if (!session.closed) session.send({ t: 'error', code: 'internal', message: 'the stored file could not be read', ref: fileId });
    });
  }

  /** Stops this session's stream of `ref`, if one runs (its copy was released). */
  stopStream(session: Session, ref: StoredFileRef): void {
    this.#streams.get(session)?.delete(refKey(ref));
  }

  /** `peer` and this session's user are done with the file, whichever of them sent it. */
  async release(session: Session, peer: string, fileId: string): Promise<void> {
    const me = session.username!;
    await this.store.files.remove({ recipient: me, sender: peer, fileId });
    await this.store.files.remove({ recipient: peer, sender: me, fileId });
    this.#streams.get(session)?.delete(refKey({ recipient: me, sender: peer, fileId }));
  }

  async #stream(session: Session, ref: StoredFileRef, from: number, name: string, current: () => boolean, allowed?: () => Promise<boolean>): Promise<void> {
    let next = from;
    for (;;) {
      if (allowed && !(await allowed())) {
        if (current()) this.#streams.get(session)?.delete(refKey(ref));
        return;
      }
      const batch = await this.store.files.chunks(ref, next, READ_BATCH);
      if (batch.length === 0) break;
      for (const chunk of batch) {
        // The recipient reads at its own pace; the send-buffer limit would cut it off otherwise.
        // Woken by the socket's drain, not a timer: thousands of waiting streams cost nothing while they wait.
        while (!session.closed && current() && session.buffered > this.maxBufferedBytes / 4) await session.drained();
        if (session.closed || !current()) return;
        session.sendBinary(encodeRelayFrame(name, chunk.data));
        next = chunk.index + 1;
      }
    }
    if (current()) this.#streams.get(session)?.delete(refKey(ref));
  }

  /** The session is gone: uploads it never committed would only hold the recipient's quota. */
  async forget(session: Session): Promise<void> {
    const removals: Promise<void>[] = [];
    for (const upload of this.#uploads.get(session)?.values() ?? []) {
      this.#buffered -= upload.pendingBytes;
      // A replaced connection closes up to a second after its successor took over: if that one
      // has begun the same file again, what is stored is now its upload, not this one's.
      if (this.#owners.get(refKey(upload.ref)) !== session) continue;
      this.#owners.delete(refKey(upload.ref));
      removals.push(this.store.files.remove(upload.ref));
    }
    this.#uploads.delete(session);
    this.#streams.delete(session);
    await Promise.all(removals);
  }

  #upload(session: Session, ref: StoredFileRef): Upload {
    let uploads = this.#uploads.get(session);
    if (!uploads) this.#uploads.set(session, (uploads = new Map()));
    let upload = uploads.get(refKey(ref));
    if (!upload) {
      // Refused uploads stay (to answer their commit) but hold nothing.
      let open = 0;
      for (const u of uploads.values()) if (!u.refused) open++;
      if (open >= this.limits.uploadsPerConnection) {
        throw new ProtocolError('relay_limit', 'too many uploads at once: commit one first', ref.fileId);
      }
      uploads.set(refKey(ref), (upload = { ref, pending: [], pendingBytes: 0 }));
      this.#owners.set(refKey(ref), session);
    }
    return upload;
  }

  async #flush(session: Session, upload: Upload): Promise<void> {
    if (upload.refused || upload.pending.length === 0) return;
    const chunks = upload.pending;
    this.#buffered -= upload.pendingBytes;
    upload.pending = [];
    upload.pendingBytes = 0;
    const result = await this.store.files.putChunks(upload.ref, chunks, upload.limits);
    // The connection closed while the chunks were written: what it stored belongs to nobody now.
    if (session.closed && !this.#owners.has(refKey(upload.ref))) {
      await this.store.files.remove(upload.ref);
      return;
    }
    if (result === 'too_large') upload.refused = new ProtocolError('file_too_large', 'over the size limit for files kept for offline contacts', upload.ref.fileId);
    if (result === 'full') {
      upload.refused = upload.limits
        ? new ProtocolError('group_files_full', "the group's file storage is full", upload.ref.fileId)
        : new ProtocolError('queue_full', "the recipient's file storage is full", upload.ref.fileId);
    }
    if (result === 'server_full') upload.refused = new ProtocolError('server_full', 'the server has no room to keep files now', upload.ref.fileId);
    // What was stored of a refused file is of no use to anyone.
    if (upload.refused) await this.store.files.remove(upload.ref);
  }
}
