// Where a reception goes on from: nothing before open(); a gap, a duplicate or a path switch
// answered with `want` from the first chunk not accepted; after a reload, the saved progress with or
// without the saved SHA-256 state, a stored file longer or shorter than that progress says, a
// finished one, and recheck(). Storing, acknowledgements and the end: incoming.test.ts.
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../../shared/file-chunks';
import type { TransferRecord } from '../services/db';
import { sha256Hasher } from './hash';
import {
  type TestFile,
  bytesOf,
  db,
  expectSameBytes,
  expectSavedProgress,
  expectStoredChunks,
  expectWritesInOrder,
  holdWrites,
  makeFile,
  pause,
  receive,
  receiver,
  reopenDatabase,
  sha256Hex,
  someBytes,
  store,
  until,
  useDatabase,
} from './incoming-test-support';

useDatabase();

/** A first visit receives chunks [0, n) and waits until they are stored (and, if that is all, checked); then the tab goes away. */
async function firstVisit(file: TestFile, n: number): Promise<void> {
  const { t, stored } = await receive(file);
  t.request();
  for (let i = 0; i < n; i++) t.onChunk(file.seal(i));
  await stored(n);
  if (n === file.count) await until(() => expect(t.record.state).toBe('done'));
}

/** The record a new tab reads, after `edit` (then saved back) if given. */
async function reload(file: TestFile, edit?: (r: TransferRecord) => void): Promise<TransferRecord> {
  await reopenDatabase();
  const record = (await db.get('transfers', file.id))!;
  if (edit) {
    edit(record);
    await db.put('transfers', record);
  }
  return record;
}

/** What Transfers.load() does with a loaded reception: build it, open it, recheck it. */
async function resume(file: TestFile, record: TransferRecord) {
  const r = receiver(file, record);
  await r.t.open();
  r.t.recheck();
  return r;
}

const want = (fileId: string, from: number) => ({ op: 'want', fileId, from });
const ack = (fileId: string, next: number) => ({ op: 'ack', fileId, next });
const doneOk = (fileId: string) => ({ op: 'done', fileId, ok: true });

describe('IncomingTransfer.open()', () => {
  it('takes no chunk and asks for nothing before open()', async () => {
    const file = makeFile(3 * CHUNK_BYTES);
    await db.put('transfers', { ...file.record });
    const { t, link, stored } = receiver(file, { ...file.record });
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1));
    t.request();
    t.recheck();
    await pause();
    expect(t.record).toMatchObject({ state: 'waiting', next: 0 });
    expect(link.controls).toEqual([]);
    expect(store.calls).toEqual([]);

    await t.open();
    t.request();
    expect(link.controls).toEqual([want(file.id, 0)]);
    t.onChunk(file.seal(0));
    await stored(1);
    expectStoredChunks(file, 1);
  });
});

describe('IncomingTransfer: gaps, duplicates and resends', () => {
  it('answers a gap with one `want` from the first missing chunk and stores nothing past it', async () => {
    const file = makeFile(8 * CHUNK_BYTES);
    const { t, link, stored } = await receive(file);
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1));
    t.onChunk(file.seal(3)); // chunk 2 was lost
    t.onChunk(file.seal(4));
    t.onChunk(file.seal(5));
    expect(link.controls).toEqual([want(file.id, 2)]);
    await stored(2);
    await pause();
    expectStoredChunks(file, 2);

    t.onChunk(file.seal(2)); // the resend
    t.onChunk(file.seal(3));
    await stored(4);
    expectStoredChunks(file, 4);
    expect(link.controls).toEqual([want(file.id, 2), ack(file.id, 4)]);
  });

  it('asks again for a later gap', async () => {
    const file = makeFile(8 * CHUNK_BYTES);
    const { t, link, stored } = await receive(file);
    t.onChunk(file.seal(1)); // 0 lost
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1));
    t.onChunk(file.seal(3)); // 2 lost
    t.onChunk(file.seal(4));
    expect(link.controls).toEqual([want(file.id, 0), want(file.id, 2)]);
    await stored(2);
    await pause();
    expectStoredChunks(file, 2);
  });

  it('ignores duplicates, before and after they are stored', async () => {
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
    expect(changes).toEqual([]);
    expectStoredChunks(file, 4);
    expectWritesInOrder(file, 4); // nothing written twice
    // Chunk 0 is written alone, 1–2 behind it: then 3 accepted were new; 3 comes alone.
    expect(link.controls).toEqual([ack(file.id, 3), ack(file.id, 4)]);

    // The duplicates did not move what is expected next: a gap after them is still a gap.
    t.onChunk(file.seal(5));
    expect(link.controls.at(-1)).toEqual(want(file.id, 4));
    t.onChunk(file.seal(4));
    await stored(5);
    expectStoredChunks(file, 5);
  });

  it('request() while writes are pending asks from what was accepted, and nothing is stored twice', async () => {
    const file = makeFile(6 * CHUNK_BYTES);
    const { t, link, stored, progressed } = await receive(file);
    const writes = holdWrites();
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1));
    t.onChunk(file.seal(2));
    t.request(); // a path switch: none stored yet, but 3 are accepted and wait in memory
    expect(t.record.next).toBe(0);
    expect(link.controls).toEqual([want(file.id, 3)]);
    // Chunks sent before the `want` still arrive, then the sender goes on from 3.
    for (let i = 0; i < 5; i++) t.onChunk(file.seal(i));
    writes.release();
    await stored(5);
    expectStoredChunks(file, 5);
    expectWritesInOrder(file, 5);
    expect(new Set(progressed).size).toBe(progressed.length); // `next` only went up
    expect(progressed).toEqual([...progressed].sort((a, b) => a - b));
    await expectSavedProgress(file, t, 5);
    expect(link.controls).toEqual([want(file.id, 3), ack(file.id, 5)]);
  });
});

describe('IncomingTransfer after a reload', () => {
  it('asks from the saved `next`, and finishes the saved SHA-256 state without reading the file back', async () => {
    const file = makeFile(5 * CHUNK_BYTES + 1234); // 6 chunks
    await firstVisit(file, 4);
    const record = await reload(file);
    expect(record).toMatchObject({ next: 4, state: 'active' });
    expect(record.hashState).toBeInstanceOf(Uint8Array);

    const { t, link } = await resume(file, record);
    expect(await t.blob()).toBeUndefined();
    t.request();
    expect(link.controls).toEqual([want(file.id, 4)]);
    t.onChunk(file.seal(3)); // still in flight from before: a duplicate
    t.onChunk(file.seal(4));
    t.onChunk(file.seal(5));
    await until(() => expect(t.record.state).toBe('done'));
    expect(store.reads(file.id)).toBe(0); // verified from the restored state (a fresh one would not match)
    expect(link.controls).toEqual([want(file.id, 4), ack(file.id, 6), doneOk(file.id)]);

    const blob = await t.blob();
    expect(blob?.type).toBe('image/jpeg');
    const bytes = await bytesOf(blob);
    expect(sha256Hex(bytes)).toBe(file.record.sha256);
    expectSameBytes(bytes, file.data);
    expect(t.bytesDone).toBe(file.record.size);
  });

  it.each([
    ['without a saved SHA-256 state', undefined],
    ['with one that cannot be loaded', new Uint8Array([1, 2, 3])],
  ])('%s, reads the file back to verify, and saves no state it does not have', async (_, hashState) => {
    const file = makeFile(5 * CHUNK_BYTES + 1234); // 6 chunks
    await firstVisit(file, 4);
    const record = await reload(file, (r) => {
      if (hashState) r.hashState = hashState;
      else delete r.hashState;
    });
    const { t, link, stored } = await resume(file, record);
    t.request();
    expect(link.controls).toEqual([want(file.id, 4)]);
    t.onChunk(file.seal(4));
    t.onChunk(file.seal(5));
    await stored(6);
    // A state over chunks 4–5 only would be wrong for a later reload: none is saved.
    expect((await db.get('transfers', file.id))?.hashState).toBeUndefined();
    await until(() => expect(t.record.state).toBe('done'));
    expect(store.reads(file.id)).toBeGreaterThan(0);
    expectSameBytes(await bytesOf(await t.blob()), file.data);
  });

  it.each([
    ['with', true],
    ['without', false],
  ])('a file longer than the saved `next` (a write outran its progress) is cut on open, and verifies (%s the saved SHA-256 state)', async (_, keepHash) => {
    const file = makeFile(8 * CHUNK_BYTES - 5); // 8 chunks
    await firstVisit(file, 4);
    const record = await reload(file, (r) => {
      if (!keepHash) delete r.hashState;
    });
    // What the lost visit wrote past its saved progress, running past the file's own end.
    const stale = someBytes(5 * CHUNK_BYTES);
    store.seed(file.id, new Uint8Array([...file.prefix(4), ...stale]));

    const { t, link } = await resume(file, record);
    expect(store.bytes(file.id)?.length).toBe(4 * CHUNK_BYTES);
    t.request();
    expect(link.controls).toEqual([want(file.id, 4)]);
    for (let i = 4; i < 8; i++) t.onChunk(file.seal(i));
    await until(() => expect(t.record.state).toBe('done'));
    expect(link.controls.at(-1)).toEqual(doneOk(file.id));
    expectStoredChunks(file, 8);
    expectSameBytes(await bytesOf(await t.blob()), file.data);
  });

  it.each([
    ['active', 4],
    ['verifying', 8],
  ] as const)('a file shorter than the saved `next` (saved %s, its tail lost): asks from what it holds, drops the hash state, verifies', async (state, next) => {
    const file = makeFile(8 * CHUNK_BYTES - 5); // 8 chunks
    await firstVisit(file, next);
    const hasher = await sha256Hasher();
    hasher.update(file.prefix(next));
    const record = await reload(file, (r) => Object.assign(r, { state, next, hashState: hasher.save() }));
    // The machine went down before the disk had it all: 2½ chunks are left.
    store.seed(file.id, file.prefix(3).slice(0, 2.5 * CHUNK_BYTES));

    const { t, link, states, stored } = await resume(file, record);
    expect(t.record).toMatchObject({ state: 'active', next: 2 });
    expect(t.record.hashState).toBeUndefined();
    expect(t.bytesDone).toBe(2 * CHUNK_BYTES);
    await pause();
    expect(states()).toEqual([]); // recheck() found nothing to check
    t.request();
    expect(link.controls).toEqual([want(file.id, 2)]);
    for (let i = 2; i < 8; i++) t.onChunk(file.seal(i));
    await stored(8);
    expect((await db.get('transfers', file.id))?.hashState).toBeUndefined();
    await until(() => expect(t.record.state).toBe('done'));
    expect(store.reads(file.id)).toBeGreaterThan(0);
    expectStoredChunks(file, 8);
    expectSameBytes(await bytesOf(await t.blob()), file.data);
  });

  it('a finished reception is left as it is: its file is not reopened, and it is offered', async () => {
    const file = makeFile(2 * CHUNK_BYTES + 3);
    await firstVisit(file, file.count);
    const record = await reload(file, (r) => Object.assign(r, { state: 'done', next: file.count }));
    const opens = store.calls.filter((c) => c.op === 'open').length;
    const { t, link, states } = await resume(file, record);
    t.request();
    await pause();
    expect(store.calls.filter((c) => c.op === 'open')).toHaveLength(opens);
    expect(link.controls).toEqual([]);
    expect(states()).toEqual([]);
    expectSameBytes(await bytesOf(await t.blob()), file.data);
  });
});

describe('IncomingTransfer.recheck()', () => {
  /** A reception saved in the middle of its integrity check: all chunks in its (closed) file. */
  async function savedVerifying(file: TestFile, options: { hashState: boolean; sha256?: string }): Promise<TransferRecord> {
    store.seed(file.id, file.data);
    const hasher = await sha256Hasher();
    hasher.update(file.data);
    const record: TransferRecord = {
      ...file.record,
      state: 'verifying',
      next: file.count,
      ...(options.hashState ? { hashState: hasher.save() } : {}),
      ...(options.sha256 ? { sha256: options.sha256 } : {}),
    };
    await db.put('transfers', record);
    return reload(file);
  }

  it.each([
    ['with', true],
    ['without', false],
  ])('a transfer loaded while verifying (%s the saved SHA-256 state) verifies again and is done', async (_, hashState) => {
    const file = makeFile(4 * CHUNK_BYTES + 99); // 5 chunks
    const record = await savedVerifying(file, { hashState });
    const { t, link, states } = await resume(file, record);
    await until(() => expect(t.record.state).toBe('done'));
    expect(store.reads(file.id)).toBe(hashState ? 0 : 1);
    expect(states()).toEqual(['verifying', 'done']);
    expect(link.controls).toEqual([doneOk(file.id)]);
    expect(t.record.hashState).toBeUndefined();
    expectSameBytes(await bytesOf(await t.blob()), file.data);
  });

  it.each([
    ['with', true],
    ['without', false],
  ])('when the announced SHA-256 is wrong (%s the saved state): failed (integrity), the file removed', async (_, hashState) => {
    const file = makeFile(4 * CHUNK_BYTES + 99);
    const record = await savedVerifying(file, { hashState, sha256: sha256Hex(new Uint8Array([1])) });
    const { t, link, states } = await resume(file, record);
    await until(() => expect(states()).toEqual(['verifying', 'failed']));
    expect(t.record).toMatchObject({ state: 'failed', reason: 'integrity' });
    expect(link.controls).toEqual([{ op: 'done', fileId: file.id, ok: false }]);
    expect(store.has(file.id)).toBe(false);
  });

  it.each([
    ['with', true],
    ['without', false],
  ])('a transfer saved as active with every chunk stored (gone before the check was saved) is checked (%s the saved state)', async (_, keepHash) => {
    const file = makeFile(3 * CHUNK_BYTES + 5); // 4 chunks
    // Here `changed` saves nothing, so the database keeps what the last write saved.
    await firstVisit(file, 4);
    const record = await reload(file, (r) => {
      if (!keepHash) delete r.hashState;
    });
    expect(record).toMatchObject({ state: 'active', next: 4 });
    const reads = store.reads(file.id);
    const { t, link, states } = await resume(file, record);
    t.request(); // the link comes up: nothing to ask for
    await until(() => expect(t.record.state).toBe('done'));
    expect(store.reads(file.id) - reads).toBe(keepHash ? 0 : 1);
    expect(states()).toEqual(['verifying', 'done']);
    expect(link.controls).toEqual([doneOk(file.id)]);
    expectSameBytes(await bytesOf(await t.blob()), file.data);
  });

  it('does nothing for a transfer that is not being verified', async () => {
    const file = makeFile(6 * CHUNK_BYTES);
    await firstVisit(file, 3);
    const { t, link, states } = await resume(file, await reload(file));
    await pause();
    expect(t.record).toMatchObject({ state: 'active', next: 3 });
    expect(states()).toEqual([]);
    expect(link.controls).toEqual([]);
    expect(store.isOpen(file.id)).toBe(true);
  });
});
