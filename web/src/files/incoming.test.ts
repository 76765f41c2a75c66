// IndexedDB for Node: installs indexedDB, IDBKeyRange, … as globals (each test swaps in a fresh factory).
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHUNK_BYTES, FILE_ID_BYTES, chunkCount, chunkLength, sealChunk } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import { type Sodium, loadSodium, toB64 } from '../../../shared/sodium';
import { type Database, type TransferRecord, openDatabase } from '../services/db';
import type { Link } from '../services/link';
import { IncomingTransfer } from './incoming';
import { OutgoingTransfer } from './outgoing';

let s: Sodium;
let db: Database;

beforeAll(async () => {
  s = await loadSodium();
});

beforeEach(async () => {
  // A new, empty IndexedDB per test: openDatabase() always opens the same name.
  globalThis.indexedDB = new IDBFactory();
  db = await openDatabase();
});

afterEach(() => {
  db.close();
});

/** A link that records what the transfer sends. */
function fakeLink(): Link & { controls: FileControl[] } {
  const controls: FileControl[] = [];
  return {
    peer: 'bob',
    path: 'relay',
    bufferedAmount: 0,
    controls,
    send: () => true,
    sendChunk: () => true,
    sendFileControl(ctl) {
      controls.push(ctl);
      return true;
    },
    waitForDrain: async () => {},
    close: () => {},
  };
}

let seed = 1;
/** Distinct pseudo-random bytes (xorshift32; libsodium's randombytes_buf is slow for large buffers here). */
function someBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed++ * 0x9e3779b9 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A file of `size` bytes as its sender would offer it, with a sealer for its chunks. */
function makeFile(size: number) {
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
    plain,
    /** Chunk `i` sealed by the sender (or `content` instead of the file's bytes). */
    seal: (i: number, content = plain(i)) => sealChunk(s, key, fileIdBytes, i, count, content),
  };
}

type TestFile = ReturnType<typeof makeFile>;

/** What Transfers does for an offer: store the record, then build the transfer on it. */
async function receive(file: TestFile, record: TransferRecord = { ...file.record }, onChanged?: (r: TransferRecord) => void) {
  await db.put('transfers', record);
  const link = fakeLink();
  /** The record as each `changed` call saw it (the transfer passes one object it keeps changing). */
  const changes: Array<Pick<TransferRecord, 'state' | 'next'>> = [];
  const states = () => changes.map((c) => c.state);
  const changed = (r: TransferRecord) => {
    changes.push({ state: r.state, next: r.next });
    onChanged?.(r);
  };
  const t = new IncomingTransfer(record, { db, sodium: s, key: file.key, fileId: file.fileIdBytes, link: () => link, changed });
  /** Waits until the write that took `next` to `n` has finished (`next` itself moves when it starts). */
  const stored = (n: number) => until(() => expect(changes.some((c) => c.state === 'active' && c.next === n)).toBe(true));
  return { t, link, changes, states, stored };
}

const until = (check: () => void) => vi.waitFor(check, { timeout: 1500, interval: 2 });

async function storedIndexes(fileId: string): Promise<number[]> {
  const keys = await db.getAllKeys('chunks', IDBKeyRange.bound([fileId, 0], [fileId, Infinity]));
  return keys.map(([, index]) => index);
}

async function bytesOf(blob: Blob | undefined): Promise<Uint8Array> {
  return new Uint8Array(await blob!.arrayBuffer());
}

const sha256Hex = (bytes: Uint8Array) => s.to_hex(s.crypto_hash_sha256(bytes));

/** Same length and content (a deep toEqual over 64 KiB arrays is slow). */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(sha256Hex(actual)).toBe(sha256Hex(expected));
}

describe('IncomingTransfer', () => {
  it('stores in-order chunks with the record in the same write, and acks every 4 chunks', async () => {
    const file = makeFile(9 * CHUNK_BYTES + 100); // 10 chunks
    const { t, link, stored } = await receive(file);
    for (let i = 0; i < 5; i++) t.onChunk(file.seal(i));
    await stored(5);

    expect(t.record.state).toBe('active');
    expect(await storedIndexes(file.record.fileId)).toEqual([0, 1, 2, 3, 4]);
    for (let i = 0; i < 5; i++) {
      expectSameBytes(await bytesOf(await db.get('chunks', [file.record.fileId, i])), file.plain(i));
    }
    const saved = await db.get('transfers', file.record.fileId);
    expect(saved).toMatchObject({ next: 5, state: 'active' });
    expect(link.controls).toEqual([{ op: 'ack', fileId: file.record.fileId, next: 4 }]);
    expect(t.bytesDone).toBe(5 * CHUNK_BYTES);

    for (let i = 5; i < 9; i++) t.onChunk(file.seal(i));
    await stored(9);
    expect(link.controls).toEqual([
      { op: 'ack', fileId: file.record.fileId, next: 4 },
      { op: 'ack', fileId: file.record.fileId, next: 8 },
    ]);
  });

  it('answers a gap with one `want` from the first missing chunk and stores nothing past it', async () => {
    const file = makeFile(8 * CHUNK_BYTES);
    const { t, link, stored } = await receive(file);
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1));
    t.onChunk(file.seal(3)); // chunk 2 was lost
    t.onChunk(file.seal(4));
    t.onChunk(file.seal(5));
    expect(link.controls).toEqual([{ op: 'want', fileId: file.record.fileId, from: 2 }]);

    // The resend: chunk 2, then 3 again. Had 3 been taken the first time, its write would
    // have been queued before 2's and be in the database by now.
    t.onChunk(file.seal(2));
    await stored(3);
    expect(await storedIndexes(file.record.fileId)).toEqual([0, 1, 2]);
    t.onChunk(file.seal(3));
    await stored(4);
    expectSameBytes(await bytesOf(await db.get('chunks', [file.record.fileId, 3])), file.plain(3));
    expect(link.controls.filter((c) => c.op === 'want')).toHaveLength(1);
  });

  it('asks again for a later gap', async () => {
    const file = makeFile(8 * CHUNK_BYTES);
    const { t, link, stored } = await receive(file);
    t.onChunk(file.seal(1)); // 0 lost
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1));
    t.onChunk(file.seal(3)); // 2 lost
    const wants = link.controls.filter((c) => c.op === 'want');
    expect(wants).toEqual([
      { op: 'want', fileId: file.record.fileId, from: 0 },
      { op: 'want', fileId: file.record.fileId, from: 2 },
    ]);
    await stored(2);
  });

  it('ignores a duplicate chunk', async () => {
    const file = makeFile(6 * CHUNK_BYTES);
    const { t, link, stored, changes } = await receive(file);
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1));
    t.onChunk(file.seal(1));
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(2));
    await stored(3);
    t.onChunk(file.seal(2)); // after it is stored
    t.onChunk(file.seal(3));
    await stored(4);
    expect(t.record.state).toBe('active');
    expect(link.controls).toEqual([{ op: 'ack', fileId: file.record.fileId, next: 4 }]);
    expect(changes).toHaveLength(4); // one per stored chunk
    expect(await storedIndexes(file.record.fileId)).toEqual([0, 1, 2, 3]);

    // The duplicates did not move what is expected next: a gap after them is still a gap.
    t.onChunk(file.seal(5));
    expect(link.controls.at(-1)).toEqual({ op: 'want', fileId: file.record.fileId, from: 4 });
    t.onChunk(file.seal(4));
    await stored(5);
    expect(await storedIndexes(file.record.fileId)).toEqual([0, 1, 2, 3, 4]);
  });

  it('does not move `next` back when a resend crosses a `want` while writes are pending', async () => {
    const file = makeFile(6 * CHUNK_BYTES);
    const { t, link, stored, changes } = await receive(file);
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1));
    t.onChunk(file.seal(2));
    t.request(); // none stored yet: asks from 0, and the sender resends from there
    expect(link.controls).toEqual([{ op: 'want', fileId: file.record.fileId, from: 0 }]);
    for (let i = 0; i < 4; i++) t.onChunk(file.seal(i));
    await stored(4);
    // Each chunk stored once, `next` only ever going up (the resent 0–2 were not written again).
    expect(changes.map((c) => c.next)).toEqual([1, 2, 3, 4]);
    expect((await db.get('transfers', file.record.fileId))?.next).toBe(4);
    expect(link.controls).toEqual([
      { op: 'want', fileId: file.record.fileId, from: 0 },
      { op: 'ack', fileId: file.record.fileId, next: 4 },
    ]);
  });

  describe('rejects a chunk that is not exactly the expected one', () => {
    it('a tampered chunk', async () => {
      const file = makeFile(3 * CHUNK_BYTES);
      const { t, link, stored } = await receive(file);
      const tampered = file.seal(0);
      tampered[tampered.length - 20]! ^= 0x01;
      t.onChunk(tampered);
      const moved = file.seal(1);
      new DataView(moved.buffer).setUint32(FILE_ID_BYTES, 0); // chunk 1 relabelled as chunk 0
      t.onChunk(moved);
      t.onChunk(file.seal(0).subarray(0, 40)); // cut short
      expect(t.record.state).toBe('waiting');
      expect(link.controls).toEqual([]);

      t.onChunk(file.seal(0));
      await stored(1);
      expectSameBytes(await bytesOf(await db.get('chunks', [file.record.fileId, 0])), file.plain(0));
    });

    it('a chunk of another file, under another key, or past the last index', async () => {
      const file = makeFile(3 * CHUNK_BYTES);
      const { t, link } = await receive(file);
      const otherId = s.randombytes_buf(FILE_ID_BYTES);
      t.onChunk(sealChunk(s, file.key, otherId, 0, file.count, file.plain(0)));
      t.onChunk(sealChunk(s, s.randombytes_buf(32), file.fileIdBytes, 0, file.count, file.plain(0)));
      t.onChunk(sealChunk(s, file.key, file.fileIdBytes, 0, file.count + 1, file.plain(0))); // another chunk count
      t.onChunk(sealChunk(s, file.key, file.fileIdBytes, file.count, file.count, new Uint8Array(0)));
      expect(t.record.state).toBe('waiting');
      expect(t.record.next).toBe(0);
      expect(link.controls).toEqual([]);
      expect(await storedIndexes(file.record.fileId)).toEqual([]);
    });

    it('a chunk of the wrong length: the transfer fails and what was stored is deleted', async () => {
      const file = makeFile(2 * CHUNK_BYTES + 500);
      const { t, link, stored, states } = await receive(file);
      t.onChunk(file.seal(0));
      await stored(1);
      t.onChunk(file.seal(1, file.plain(1).subarray(0, 100))); // sealed by the sender, but short
      expect(t.record).toMatchObject({ state: 'failed', reason: 'integrity', next: 1 });
      expect(link.controls).toEqual([{ op: 'done', fileId: file.record.fileId, ok: false }]);
      await until(() => expect(states()).toEqual(['active', 'failed'])); // the last change once the chunks are deleted
      expect(await storedIndexes(file.record.fileId)).toEqual([]);
      t.onChunk(file.seal(1));
      t.request();
      expect(link.controls).toHaveLength(1);
    });

    it('a last chunk longer than the file tail', async () => {
      const file = makeFile(CHUNK_BYTES + 10);
      const { t, link, states } = await receive(file);
      t.onChunk(file.seal(0));
      t.onChunk(file.seal(1, new Uint8Array(CHUNK_BYTES)));
      expect(t.record.state).toBe('failed');
      expect(link.controls).toEqual([{ op: 'done', fileId: file.record.fileId, ok: false }]);
      await until(() => expect(states()).toEqual(['failed'])); // chunk 0's write was dropped, the discard done
      expect(await storedIndexes(file.record.fileId)).toEqual([]);
    });
  });

  it('after a reload asks from the stored `next`, and the stored chunks plus the rest verify', async () => {
    const file = makeFile(5 * CHUNK_BYTES + 1234); // 6 chunks
    const first = await receive(file);
    first.t.request();
    expect(first.link.controls).toEqual([{ op: 'want', fileId: file.record.fileId, from: 0 }]);
    for (let i = 0; i < 4; i++) first.t.onChunk(file.seal(i));
    await first.stored(4);

    // The tab goes away; a new one opens the database and rebuilds the transfer from what it reads.
    db.close();
    db = await openDatabase();
    const record = await db.get('transfers', file.record.fileId);
    expect(record).toMatchObject({ next: 4, state: 'active' });
    const link = fakeLink();
    const t = new IncomingTransfer(record!, { db, sodium: s, key: file.key, fileId: file.fileIdBytes, link: () => link, changed: () => {} });
    expect(await t.blob()).toBeUndefined();
    t.request();
    expect(link.controls).toEqual([{ op: 'want', fileId: file.record.fileId, from: 4 }]);

    t.onChunk(file.seal(3)); // still in flight from before: a duplicate
    t.onChunk(file.seal(4));
    t.onChunk(file.seal(5));
    await until(() => expect(t.record.state).toBe('done'));
    expect(link.controls).toEqual([
      { op: 'want', fileId: file.record.fileId, from: 4 },
      { op: 'done', fileId: file.record.fileId, ok: true },
    ]);
    const blob = await t.blob();
    expect(blob?.type).toBe('image/jpeg');
    const bytes = await bytesOf(blob);
    expect(bytes.length).toBe(file.data.length);
    expect(sha256Hex(bytes)).toBe(file.record.sha256);
    expectSameBytes(bytes, file.data);
    expect(t.bytesDone).toBe(file.record.size);
  });

  it('a one-chunk file (and an empty one) completes on its only chunk', async () => {
    for (const size of [10, 0]) {
      const file = makeFile(size);
      const { t, link } = await receive(file);
      t.onChunk(file.seal(0));
      await until(() => expect(t.record.state).toBe('done'));
      expect(link.controls).toEqual([{ op: 'done', fileId: file.record.fileId, ok: true }]);
      expectSameBytes(await bytesOf(await t.blob()), file.data);
    }
  });

  it('valid chunks of a file whose announced SHA-256 is wrong: fails with done ok=false and deletes them', async () => {
    const file = makeFile(2 * CHUNK_BYTES + 7);
    const { t, link, states } = await receive(file, { ...file.record, sha256: sha256Hex(new Uint8Array([1, 2, 3])) });
    for (let i = 0; i < file.count; i++) t.onChunk(file.seal(i));
    await until(() => expect(t.record.state).toBe('failed'));
    expect(t.record.reason).toBe('integrity');
    expect(link.controls).toEqual([{ op: 'done', fileId: file.record.fileId, ok: false }]);
    // The UI hears of the failure once the chunks are gone.
    await until(() => expect(states()).toEqual(['active', 'active', 'verifying', 'failed']));
    expect(await storedIndexes(file.record.fileId)).toEqual([]);
    expect(await t.blob()).toBeUndefined();
    t.cancel(); // nothing left to cancel
    expect(link.controls).toHaveLength(1);
  });

  it('cancel() tells the sender, deletes the stored chunks, and takes nothing more', async () => {
    const file = makeFile(6 * CHUNK_BYTES);
    const { t, link, stored, states } = await receive(file);
    for (let i = 0; i < 3; i++) t.onChunk(file.seal(i));
    await stored(3);
    t.onChunk(file.seal(3)); // its write is still queued at the cancel
    t.cancel();
    expect(t.record.state).toBe('cancelled');
    expect(link.controls).toEqual([{ op: 'cancel', fileId: file.record.fileId }]);
    await until(() => expect(states()).toEqual(['active', 'active', 'active', 'cancelled']));
    expect(await storedIndexes(file.record.fileId)).toEqual([]);
    expect(t.record.next).toBe(3);

    t.onChunk(file.seal(3));
    t.request();
    t.cancel();
    expect(link.controls).toHaveLength(1);
    expect(states()).toHaveLength(4);
  });

  it("the sender's cancel stops it and deletes the stored chunks, without an answer", async () => {
    const file = makeFile(6 * CHUNK_BYTES);
    const { t, link, stored, states } = await receive(file);
    for (let i = 0; i < 2; i++) t.onChunk(file.seal(i));
    await stored(2);
    t.control({ op: 'cancel', fileId: file.record.fileId });
    expect(t.record).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_peer' });
    await until(() => expect(states()).toEqual(['active', 'active', 'cancelled']));
    expect(await storedIndexes(file.record.fileId)).toEqual([]);
    expect(link.controls).toEqual([]);
  });

  it('a cancel while the file is being verified stays cancelled: no done ok=true, no file', async () => {
    const file = makeFile(2 * CHUNK_BYTES);
    const { t, link, states } = await receive(file, undefined, (r) => {
      if (r.state === 'verifying') t.cancel();
    });
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1));
    // The cancel's discard waits for the write queue, verification included: its change comes last.
    await until(() => expect(states()).toEqual(['active', 'verifying', 'cancelled']));
    expect(await storedIndexes(file.record.fileId)).toEqual([]);
    expect(t.record.state).toBe('cancelled');
    expect(link.controls).toEqual([{ op: 'cancel', fileId: file.record.fileId }]);
    expect(await t.blob()).toBeUndefined();
  });

  it('a chunk that cannot be stored ends the transfer as failed (storage), tells the sender, and takes nothing more', async () => {
    const file = makeFile(3 * CHUNK_BYTES);
    const { t, link, states } = await receive(file);
    t.onChunk(file.seal(0));
    await until(() => expect(states()).toEqual(['active']));
    // The browser refuses the next write (out of quota, say).
    const transaction = db.transaction.bind(db);
    db.transaction = (() => {
      db.transaction = transaction;
      throw new DOMException('quota', 'QuotaExceededError');
    }) as typeof db.transaction;
    t.onChunk(file.seal(1));
    await until(() => expect(t.record).toMatchObject({ state: 'failed', reason: 'storage' }));
    await until(() => expect(states().at(-1)).toBe('failed'));
    expect(link.controls.at(-1)).toEqual({ op: 'cancel', fileId: file.record.fileId });
    expect(await storedIndexes(file.record.fileId)).toEqual([]);
    const said = link.controls.length;
    t.onChunk(file.seal(2));
    t.request();
    expect(link.controls).toHaveLength(said);
    expect(await storedIndexes(file.record.fileId)).toEqual([]);
  });

  it("a sender's cancel after the file failed leaves it failed", async () => {
    const file = makeFile(CHUNK_BYTES + 10);
    const { t } = await receive(file);
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1, new Uint8Array(CHUNK_BYTES))); // too long: fails
    t.control({ op: 'cancel', fileId: file.record.fileId });
    expect(t.record).toMatchObject({ state: 'failed', reason: 'integrity' });
  });

  describe('with an OutgoingTransfer on the other side', () => {
    // The sender's sleeps are faked and time never moves: a transfer that needed its 4 s stall
    // timer to recover would never finish. fake-indexeddb schedules with setImmediate, left real.
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('a chunk lost on the way costs one `want` and a resend from it, and the file verifies', async () => {
      const file = makeFile(10 * CHUNK_BYTES + 5); // 11 chunks
      const record = { ...file.record };
      await db.put('transfers', record);
      const controls: FileControl[] = [];
      const sent: number[] = [];
      let dropped = false;
      // Delivery is synchronous both ways, so the `want` reaches the sender while it is still in sendChunk().
      const toSender: Link = {
        ...fakeLink(),
        sendFileControl(ctl) {
          controls.push(ctl);
          outgoing.control(ctl);
          return true;
        },
      };
      const toReceiver: Link = {
        ...fakeLink(),
        sendChunk(bytes) {
          const index = new DataView(bytes.buffer, bytes.byteOffset).getUint32(FILE_ID_BYTES);
          sent.push(index);
          if (index === 2 && !dropped) {
            dropped = true;
            return true;
          }
          incoming.onChunk(bytes);
          return true;
        },
      };
      const outgoing: OutgoingTransfer = new OutgoingTransfer({ ...file.record, dir: 'out' }, new Blob([file.data as Uint8Array<ArrayBuffer>]), {
        sodium: s,
        key: file.key,
        fileId: file.fileIdBytes,
        link: () => toReceiver,
        changed: () => {},
      });
      const incoming: IncomingTransfer = new IncomingTransfer(record, { db, sodium: s, key: file.key, fileId: file.fileIdBytes, link: () => toSender, changed: () => {} });

      incoming.request();
      for (let turn = 0; turn < 5000 && outgoing.record.state !== 'done'; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(outgoing.record.state).toBe('done');
      expect(incoming.record.state).toBe('done');
      const id = file.record.fileId;
      expect(controls).toEqual([
        { op: 'want', fileId: id, from: 0 },
        { op: 'want', fileId: id, from: 2 },
        { op: 'ack', fileId: id, next: 4 },
        { op: 'ack', fileId: id, next: 8 },
        { op: 'done', fileId: id, ok: true },
      ]);
      expect(sent).toEqual([0, 1, 2, 3, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expectSameBytes(await bytesOf(await incoming.blob()), file.data);
    });
  });
});
