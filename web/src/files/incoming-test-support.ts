/**
 * Shared by the IncomingTransfer tests (incoming.test.ts, incoming-resume.test.ts): a fresh fake
 * IndexedDB and an empty in-memory chunk store per test, files sealed as their sender would seal
 * them, a receiver wired to spies, checks of what it stored and saved, ways to hold back or
 * refuse a write, and a first visit, a reload and a resume as a new tab does them.
 */
// IndexedDB for Node: installs indexedDB, IDBKeyRange, … as globals (each test swaps in a fresh factory).
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import { someBytes } from './test-bytes';
import { CHUNK_BYTES, FILE_ID_BYTES, chunkCount, chunkLength, sealChunk } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import { type Sodium, loadSodium, toB64 } from '../../../shared/sodium';
import { type Database, type TransferRecord, openDatabase } from '../storage/db';
import type { Link } from '../peer/link';
import { sha256Hasher } from './hash';
import { IncomingTransfer } from './incoming';
import { MemoryChunkStore } from './memory-chunk-store';

export let s: Sodium;
export let db: Database;
export let store: MemoryChunkStore;

/** Registers the hooks: libsodium once, a new empty database and chunk store per test. Call at the top of a test file. */
export function useDatabase(): void {
  beforeAll(async () => {
    s = await loadSodium();
  });
  beforeEach(async () => {
    // openDatabase() always opens the same name: a new factory makes it a new, empty database.
    globalThis.indexedDB = new IDBFactory();
    db = await openDatabase();
    store = new MemoryChunkStore();
  });
  afterEach(() => {
    db.close();
  });
}

/** The tab goes away (its storage worker and open files with it); a new one opens the same database. */
export async function reopenDatabase(): Promise<Database> {
  store.restart();
  db.close();
  db = await openDatabase();
  return db;
}

/**
 * A first visit receives chunks [0, n) for each `n` of `stops` in turn, waiting until they are
 * stored (and, if that is all, checked); then the tab goes away. Chunks that arrive together are
 * written as the first alone, then the rest at once, so `firstVisit(file, 16, 20)` saves its
 * progress at 16 and writes 16–19 past it without saving.
 */
export async function firstVisit(file: TestFile, ...stops: number[]): Promise<void> {
  const { t, stored } = await receive(file);
  t.request();
  let n = 0;
  for (const stop of stops) {
    while (n < stop) t.onChunk(file.seal(n++));
    await stored(n);
  }
  if (n === file.count) await until(() => expect(t.record.state).toBe('done'));
}

/** The record a new tab reads, after `edit` (then saved back) if given. */
export async function reload(file: TestFile, edit?: (r: TransferRecord) => void): Promise<TransferRecord> {
  await reopenDatabase();
  const record = (await db.get('transfers', file.id))!;
  if (edit) {
    edit(record);
    await db.put('transfers', record);
  }
  return record;
}

/** What Transfers.load() does with a loaded reception: build it, open it, recheck it. */
export async function resume(file: TestFile, record: TransferRecord) {
  const r = receiver(file, record);
  await r.t.open();
  r.t.recheck();
  return r;
}

/** A link that records what the transfer sends. */
export function fakeLink(): Link & { controls: FileControl[] } {
  const controls: FileControl[] = [];
  return {
    peer: 'bob',
    path: 'relay',
    bufferedAmount: 0,
    controls,
    send: () => true,
    ack: () => {},
    refuse: () => {},
    sendChunk: () => true,
    sendFileControl(ctl) {
      controls.push(ctl);
      return true;
    },
    waitForDrain: async () => {},
    close: () => {},
  };
}

export { someBytes };

/** A file of `size` bytes as its sender would offer it, with a sealer for its chunks. */
export function makeFile(size: number) {
  const data = someBytes(size);
  const key = s.randombytes_buf(32);
  const fileIdBytes = s.randombytes_buf(FILE_ID_BYTES);
  const count = chunkCount(size);
  const plain = (i: number) => data.slice(i * CHUNK_BYTES, i * CHUNK_BYTES + chunkLength(size, i));
  const record: TransferRecord = {
    fileId: s.to_hex(fileIdBytes),
    peer: 'bob',
    dir: 'in',
    name: 'photo.jpg',
    size,
    type: 'image/jpeg',
    sha256: s.to_hex(s.crypto_hash_sha256(data)),
    key: toB64(s, key),
    count,
    next: 0,
    state: 'waiting',
  };
  return {
    data,
    key,
    fileIdBytes,
    count,
    record,
    id: record.fileId,
    plain,
    /** The first `n` chunks' bytes. */
    prefix: (n: number) => data.subarray(0, Math.min(size, n * CHUNK_BYTES)),
    /** Chunk `i` sealed by the sender (or `content` instead of the file's bytes). */
    seal: (i: number, content = plain(i)) => sealChunk(s, key, fileIdBytes, i, count, content),
  };
}

export type TestFile = ReturnType<typeof makeFile>;

/** A receiver built on `record` as Transfers builds one (not saved, not opened here), with spies on what it tells. */
export function receiver(file: TestFile, record: TransferRecord, onChanged?: (r: TransferRecord) => void) {
  const link = fakeLink();
  /** The record as each `changed` call saw it (the transfer passes one object it keeps changing). */
  const changes: Array<Pick<TransferRecord, 'state' | 'next'>> = [];
  const states = () => changes.map((c) => c.state);
  /** `next` at each `progressed` call. */
  const progressed: number[] = [];
  const t = new IncomingTransfer(record, {
    db,
    store,
    saveEvery: TEST_SAVE_EVERY,
    sodium: s,
    key: file.key,
    fileId: file.fileIdBytes,
    link: () => link,
    changed: (r) => {
      changes.push({ state: r.state, next: r.next });
      onChanged?.(r);
    },
    progressed: (r) => progressed.push(r.next),
  });
  /** Waits until the first `n` chunks are stored (a write's progress, and its ack if it makes one, are told by then). */
  const stored = (n: number) => until(() => expect(t.record.next).toBeGreaterThanOrEqual(n));
  return { t, link, changes, states, progressed, stored };
}

/**
 * Each ack `t` sends on `link`, as [its `next`, the chunks given by `take` so far, the chunks
 * stored], when it is sent; `take(from, to)` gives `t` the file's chunks [from, to) in turn.
 */
export function watchAcks(file: TestFile, t: IncomingTransfer, link: ReturnType<typeof fakeLink>) {
  let given = 0;
  const acks: Array<[number, number, number]> = [];
  const send = link.sendFileControl.bind(link);
  link.sendFileControl = (ctl) => {
    if (ctl.op === 'ack') acks.push([ctl.next, given, t.record.next]);
    return send(ctl);
  };
  const take = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      given = i + 1;
      t.onChunk(file.seal(i));
    }
  };
  return { acks, take };
}

/** What Transfers does for an offer: save the record, build the transfer on it, open it (not request() yet). */
export async function receive(file: TestFile, record: TransferRecord = { ...file.record }, onChanged?: (r: TransferRecord) => void) {
  await db.put('transfers', record);
  const r = receiver(file, record, onChanged);
  await r.t.open();
  return r;
}

/**
 * The tests run the save rule at every 16 chunks (the app saves every SAVE_EVERY, 64): the same
 * rule, on files a quarter the size.
 */
export const TEST_SAVE_EVERY = 16;

export const want = (fileId: string, from: number): FileControl => ({ op: 'want', fileId, from });
export const ack = (fileId: string, next: number): FileControl => ({ op: 'ack', fileId, next });
export const doneOk = (fileId: string): FileControl => ({ op: 'done', fileId, ok: true });

export const until = (check: () => void) => vi.waitFor(check, { timeout: 1500, interval: 2 });
export const pause = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

/** The stored file is exactly the file's first `n` chunks (nothing missing, nothing past). */
export function expectStoredChunks(file: TestFile, n: number): void {
  const bytes = store.bytes(file.id);
  expect(bytes, 'no stored file').toBeDefined();
  expectSameBytes(bytes!, file.prefix(n));
}

/**
 * The record saved in the database says `n` chunks are stored, with a SHA-256 state over exactly
 * them (finishing it gives their digest), the same pair the transfer holds in memory.
 */
export async function expectSavedProgress(file: TestFile, t: IncomingTransfer, n: number): Promise<void> {
  const saved = await db.get('transfers', file.id);
  expect(saved).toMatchObject({ next: n, state: 'active' });
  expect(saved?.hashState).toBeInstanceOf(Uint8Array);
  expect((await sha256Hasher(saved!.hashState)).digest('hex')).toBe(sha256Hex(file.prefix(n)));
  expect(t.record.next).toBe(n);
  expect(t.record.hashState).toEqual(saved!.hashState);
}

/** The writes to the file, in order, each from where the one before ended, together chunks [0, n); their sizes in chunks. */
export function expectWritesInOrder(file: TestFile, n: number): number[] {
  const writes = store.writes(file.id);
  let at = 0;
  const chunks: number[] = [];
  for (const w of writes) {
    expect(w.at).toBe(at);
    at += w.lengths.reduce((a, b) => a + b, 0);
    chunks.push(w.lengths.length);
  }
  expect(at).toBe(file.prefix(n).length);
  expect(chunks.reduce((a, b) => a + b, 0)).toBe(n);
  return chunks;
}

export async function bytesOf(blob: Blob | undefined): Promise<Uint8Array> {
  return new Uint8Array(await blob!.arrayBuffer());
}

export const sha256Hex = (bytes: Uint8Array) => s.to_hex(s.crypto_hash_sha256(bytes));

/** Same length and content (a deep toEqual over 64 KiB arrays is slow). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(sha256Hex(actual)).toBe(sha256Hex(expected));
}

/** Holds every write back (before it reaches the store) until `release()`: the disk is slow. */
export function holdWrites(): { release: () => void; started: () => number } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started = 0;
  const write = store.write.bind(store);
  store.write = async (...args) => {
    started++;
    await gate;
    return write(...args);
  };
  return { release, started: () => started };
}

/** The next call of store operation `op` is refused (nothing done), as the browser refuses a write out of quota. */
export function refuseNext(op: 'open' | 'write' | 'close', error = new DOMException('quota', 'QuotaExceededError')): void {
  const real = store[op];
  const refuse = async () => {
    store[op] = real as never;
    throw error;
  };
  store[op] = refuse as never;
}

/**
 * Every transaction opened on the database, as [stores, mode, options]; `refuse` makes the
 * progress transactions (readwrite over 'transfers' alone) fail their put. The override is an own
 * property of the database, which idb's proxy passes through; it calls the raw method.
 */
export function watchTransactions(options: { refuse?: boolean } = {}): Array<[string | string[], string?, IDBTransactionOptions?]> {
  const seen: Array<[string | string[], string?, IDBTransactionOptions?]> = [];
  const target = db;
  target.transaction = function (this: IDBDatabase, names: string | string[], mode?: IDBTransactionMode, opts?: IDBTransactionOptions) {
    seen.push(opts ? [names, mode, opts] : [names, mode]);
    if (options.refuse && names === 'transfers' && mode === 'readwrite') {
      const refused = Promise.reject(new DOMException('refused', 'QuotaExceededError'));
      refused.catch(() => {}); // whoever awaits it still sees the rejection
      // A plain object passes through idb's wrapping unchanged.
      return { store: { put: () => refused }, done: refused };
    }
    return IDBDatabase.prototype.transaction.call(this, names, mode, opts);
  } as unknown as Database['transaction'];
  return seen;
}
