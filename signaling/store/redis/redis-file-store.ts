/**
 * Stored files in cluster mode: chunk bytes as files under the shared FILES_DIR (chunk-dir.ts),
 * metadata and the quota counters in Redis (file-scripts.ts), with SQLite's limits (the largest
 * file, bytes and files per recipient) and two budgets: Redis memory for the metadata and the
 * files volume's free space for the bytes.
 *
 * An upload belongs to the node that took its first chunk. `sweepIncomplete` (at a node's start)
 * forgets this node's uncommitted uploads and any left idle past `uploadIdleMs` by a node that
 * died, never a live upload on another node; the periodic sweep forgets idle ones too.
 */
import type { FileLimits, FileStore, PutChunksResult, StoredChunk, StoredFileRef } from '../file-store';
import type { ChunkDir } from './chunk-dir';
import { commitScript, forgetFileScript, putChunksScript } from './file-scripts';
import { fileField, fileMember, keys } from './redis-keys';
import type { RedisLink, ScriptRunner } from './redis-script';
import type { RoomGauge } from './room-gauge';

export interface RedisFileStoreOptions {
  /** Most sealed bytes of one file. */
  fileMaxBytes: number;
  /** Most sealed bytes of all files stored for one recipient. */
  quotaBytes: number;
  /** Most files (committed or not) kept for one recipient. */
  filesPerRecipient: number;
  ttlMs: number;
  /** An uncommitted upload with no chunk for this long is abandoned. */
  uploadIdleMs: number;
  /** This node's name in the uploads it takes. */
  nodeId: string;
  now: () => number;
  memory: RoomGauge;
  disk: RoomGauge;
}

/** What a stored file costs beyond its chunks (metadata, index entries), in the quota and the memory budget (as SQLite counts it). */
const FILE_BYTES = 512;
/** About what one chunk's entry costs in Redis memory. */
const CHUNK_ENTRY_BYTES = 48;

type ForgetMode = ['any'] | ['expired', number] | ['incomplete', string, number];

const parseMember = (m: string): StoredFileRef => {
  const [recipient, sender, fileId] = m.split(' ') as [string, string, string];
  return { recipient, sender, fileId };
};

export class RedisFileStore implements FileStore {
  constructor(
    private readonly redis: RedisLink,
    private readonly scripts: ScriptRunner,
    private readonly dir: ChunkDir,
    private readonly opts: RedisFileStoreOptions,
  ) {}

  #keys(ref: StoredFileRef): string[] {
    return [keys.file(ref.recipient, ref.sender, ref.fileId), keys.filesByExpiry(ref.recipient), keys.fileBytes(ref.recipient)];
  }

  async putChunks(ref: StoredFileRef, chunks: StoredChunk[], limits?: FileLimits): Promise<PutChunksResult> {
    const { opts } = this;
    const bound = limits ?? opts;
    // Bytes go to disk first: Redis names only chunks that are durably there.
    const tokens = await this.dir.write(ref, chunks);
    const now = opts.now();
    const args: (string | number)[] = [
      fileField(ref.sender, ref.fileId), now, now + bound.ttlMs, bound.fileMaxBytes, bound.quotaBytes,
      bound.filesPerRecipient, opts.memory.room(), opts.disk.room(), FILE_BYTES, opts.nodeId,
    ];
    chunks.forEach((c, i) => args.push(c.index, c.data.length, tokens[i]!));
    let reply: [PutChunksResult, number?, number?, ...string[]];
    try {
      reply = await this.scripts.run(putChunksScript, this.#keys(ref), args);
    } catch (err) {
      await this.dir.unlink(ref, chunks.map((c, i) => ({ index: c.index, token: tokens[i]! })));
      throw err;
    }
    const [result, added = 0, isNew = 0, ...stale] = reply;
    if (result !== 'stored') {
      await this.dir.unlink(ref, chunks.map((c, i) => ({ index: c.index, token: tokens[i]! })));
      await this.dir.prune(ref);
      return result;
    }
    opts.memory.add((isNew ? FILE_BYTES : 0) + chunks.length * CHUNK_ENTRY_BYTES);
    opts.disk.add(added);
    await this.dir.unlink(ref, stale.map((s) => ({ index: Number(s.split(' ')[0]), token: s.split(' ')[1]! })));
    const member = fileMember(ref.recipient, ref.sender, ref.fileId);
    if (isNew) await this.redis.sendCommand(['ZADD', keys.fileSweep, 'NX', String(now + bound.ttlMs), member]);
    await this.redis.sendCommand(['ZADD', keys.uploadSweep, String(now), member]);
    return 'stored';
  }

  async commit(ref: StoredFileRef, count: number): Promise<boolean> {
    const done = (await this.scripts.run<number>(commitScript, [keys.file(ref.recipient, ref.sender, ref.fileId)], [count])) === 1;
    if (done) await this.redis.sendCommand(['ZREM', keys.uploadSweep, fileMember(ref.recipient, ref.sender, ref.fileId)]);
    return done;
  }

  async isComplete(ref: StoredFileRef): Promise<boolean> {
    const [complete, expires] = await this.redis.sendCommand<(string | null)[]>(['HMGET', this.#keys(ref)[0]!, 'c', 'x']);
    return complete === '1' && Number(expires) > this.opts.now();
  }

  async chunks(ref: StoredFileRef, from: number, limit: number): Promise<StoredChunk[]> {
    const key = this.#keys(ref)[0]!;
    const top = Number((await this.redis.sendCommand<string | null>(['HGET', key, 't'])) ?? -1);
    const out: StoredChunk[] = [];
    // Indexes are read in windows of `limit`, skipping missing ones, until `limit` chunks or the top.
    for (let start = Math.max(0, from); start <= top && out.length < limit; start += limit) {
      const indexes = Array.from({ length: Math.min(limit, top - start + 1) }, (_, i) => start + i);
      const entries = await this.redis.sendCommand<(string | null)[]>(['HMGET', key, ...indexes.map((i) => `i${i}`)]);
      for (const [i, entry] of entries.entries()) {
        if (entry === null || out.length >= limit) continue;
        const data = await this.dir.read(ref, indexes[i]!, entry.slice(entry.indexOf(' ') + 1));
        if (data) out.push({ index: indexes[i]!, data });
      }
    }
    return out;
  }

  async remove(ref: StoredFileRef): Promise<void> {
    await this.#forget(ref, ['any']);
  }

  /** Every file in the recipient's expiry index (it names each file there, committed or not), forgotten one by one. */
  async removeRecipient(recipient: string): Promise<number> {
    const fields = await this.redis.sendCommand<string[]>(['ZRANGE', keys.filesByExpiry(recipient), '0', '-1']);
    let n = 0;
    for (const field of fields) {
      // `sender:fileId`: a sender is a username (no colon), so the last colon splits it.
      const at = field.lastIndexOf(':');
      if (await this.#forget({ recipient, sender: field.slice(0, at), fileId: field.slice(at + 1) }, ['any'])) n++;
    }
    return n;
  }

  async sweepIncomplete(): Promise<number> {
    const uploads = await this.redis.sendCommand<string[]>(['ZRANGE', keys.uploadSweep, '0', '-1']);
    let n = 0;
    const idleBefore = this.opts.now() - this.opts.uploadIdleMs;
    for (const m of uploads) if (await this.#forget(parseMember(m), ['incomplete', this.opts.nodeId, idleBefore])) n++;
    return n;
  }

  /** Deletes up to `limit` expired files, then up to what is left of `limit` abandoned uploads. */
  async sweepExpired(now: number, limit: number): Promise<number> {
    let n = 0;
    const due = await this.#due(keys.fileSweep, now, limit);
    for (const m of due) if (await this.#forget(parseMember(m), ['expired', now])) n++;
    if (n >= limit) return n;
    const idleBefore = now - this.opts.uploadIdleMs;
    // Another node's name: only the idle time can free these.
    for (const m of await this.#due(keys.uploadSweep, idleBefore, limit - n)) {
      if (await this.#forget(parseMember(m), ['incomplete', '', idleBefore])) n++;
    }
    return n;
  }

  #due(index: string, upTo: number, limit: number): Promise<string[]> {
    return this.redis.sendCommand<string[]>(['ZRANGE', index, '-inf', String(upTo), 'BYSCORE', 'LIMIT', '0', String(limit)]);
  }

  /** Forgets a file if `mode` allows it, then its chunk files; keeps the sweep indexes true. */
  async #forget(ref: StoredFileRef, mode: ForgetMode): Promise<boolean> {
    const field = fileField(ref.sender, ref.fileId);
    const [forgotten, expires] = await this.scripts.run<[number, number?]>(forgetFileScript, this.#keys(ref), [field, ...mode]);
    const member = fileMember(ref.recipient, ref.sender, ref.fileId);
    if (forgotten === 1 || expires === -1) {
      await this.redis.sendCommand(['ZREM', keys.fileSweep, member]);
      await this.redis.sendCommand(['ZREM', keys.uploadSweep, member]);
      // No metadata (forgotten now, or never written after its chunks were): the directory goes too.
      await this.dir.remove(ref);
    } else if (expires === -2) {
      // Committed since a chunk came again: not an upload any more.
      await this.redis.sendCommand(['ZREM', keys.uploadSweep, member]);
    } else if (mode[0] === 'expired') {
      // Forgotten and made again since it was indexed: index its own expiry.
      await this.redis.sendCommand(['ZADD', keys.fileSweep, String(expires), member]);
    }
    return forgotten === 1;
  }
}
