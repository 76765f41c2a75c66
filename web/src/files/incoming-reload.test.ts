// Where a reception goes on from after a reload: the saved progress (the file cut back to it)
// with or without the saved SHA-256 state, a stored file longer or shorter than that progress
// says, a finished one, and recheck(). Gaps and resends while it runs: incoming-resume.test.ts.
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../../shared/file-chunks';
import type { TransferRecord } from '../storage/db';
import { sha256Hasher } from './hash';
import { IncomingTransfer } from './incoming';
import {
  type TestFile,
  ack,
  bytesOf,
  db,
  doneOk,
  expectSameBytes,
  expectStoredChunks,
  firstVisit,
  makeFile,
  pause,
  reload,
  resume,
  s,
  sha256Hex,
  someBytes,
  store,
  until,
  useDatabase,
  want,
  watchTransactions,
} from './incoming-test-support';

useDatabase();

describe('IncomingTransfer after a reload', () => {
  it('with chunks written past the last save: the file cut back to the saved `next` on open, asks from there, and finishes the saved SHA-256 state without reading the file back', async () => {
    const file = makeFile(23 * CHUNK_BYTES + 1234); // 24 chunks
    await firstVisit(file, 16, 20); // saved at 16; 16–19 written, not saved
    const record = await reload(file);
    expect(record).toMatchObject({ next: 16, state: 'active' });
    expect((await sha256Hasher(record.hashState)).digest('hex')).toBe(sha256Hex(file.prefix(16)));
    expectStoredChunks(file, 20);
    const writesBefore = store.writes(file.id).length;

    const { t, link } = await resume(file, record);
    const transactions = watchTransactions();
    expect(store.calls.filter((c) => c.op === 'open').at(-1)).toEqual({ op: 'open', name: file.id, keepBytes: 16 * CHUNK_BYTES });
    expectStoredChunks(file, 16);
    expect(t.record.next).toBe(16);
    expect(await t.blob()).toBeUndefined();
    t.request();
    expect(link.controls).toEqual([want(file.id, 16)]);
    t.onChunk(file.seal(15)); // still in flight from before: a duplicate
    for (let i = 16; i < 24; i++) t.onChunk(file.seal(i));
    await until(() => expect(t.record.state).toBe('done'));
    expect(store.reads(file.id)).toBe(0); // verified from the restored state (a fresh one would not match)
    // 8 from the `want` make one ack, which is also the end's: nothing more for the writes to say.
    expect(link.controls).toEqual([want(file.id, 16), ack(file.id, 24), doneOk(file.id)]);
    expect(store.writes(file.id)[writesBefore]?.at).toBe(16 * CHUNK_BYTES); // 16–19 written again
    // Counted from the `next` it was loaded with: 8 more, saved once, at the end.
    expect(transactions.filter(([, mode]) => mode === 'readwrite')).toHaveLength(1);

    const blob = await t.blob();
    expect(blob?.type).toBe('application/octet-stream'); // not the image/jpeg its offer declared
    const bytes = await bytesOf(blob);
    expect(sha256Hex(bytes)).toBe(file.record.sha256);
    expectSameBytes(bytes, file.data);
    expect(t.bytesDone).toBe(file.record.size);
  });

  it.each([
    ['without a saved SHA-256 state', undefined],
    ['with one that cannot be loaded', new Uint8Array([1, 2, 3])],
  ])('%s, reads the file back to verify, and saves no state it does not have', async (_, hashState) => {
    const file = makeFile(17 * CHUNK_BYTES + 1234); // 18 chunks
    await firstVisit(file, 16);
    const record = await reload(file, (r) => {
      if (hashState) r.hashState = hashState;
      else delete r.hashState;
    });
    const { t, link, stored } = await resume(file, record);
    t.request();
    expect(link.controls).toEqual([want(file.id, 16)]);
    t.onChunk(file.seal(16));
    t.onChunk(file.seal(17));
    await stored(18);
    // A state over chunks 16–17 only would be wrong for a later reload: none is saved.
    const saved = await db.get('transfers', file.id);
    expect(saved?.next).toBe(18);
    expect(saved?.hashState).toBeUndefined();
    await until(() => expect(t.record.state).toBe('done'));
    expect(store.reads(file.id)).toBeGreaterThan(0);
    expectSameBytes(await bytesOf(await t.blob()), file.data);
  });

  it.each([
    ['with', true],
    ['without', false],
  ])('a file longer than the saved `next` (a write outran its progress) is cut on open, and verifies (%s the saved SHA-256 state)', async (_, keepHash) => {
    const file = makeFile(20 * CHUNK_BYTES - 5); // 20 chunks
    await firstVisit(file, 16);
    const record = await reload(file, (r) => {
      if (!keepHash) delete r.hashState;
    });
    // What the lost visit wrote past its saved progress, running past the file's own end.
    const stale = someBytes(5 * CHUNK_BYTES);
    store.seed(file.id, new Uint8Array([...file.prefix(16), ...stale]));

    const { t, link } = await resume(file, record);
    expect(store.bytes(file.id)?.length).toBe(16 * CHUNK_BYTES);
    t.request();
    expect(link.controls).toEqual([want(file.id, 16)]);
    for (let i = 16; i < 20; i++) t.onChunk(file.seal(i));
    await until(() => expect(t.record.state).toBe('done'));
    expect(link.controls.at(-1)).toEqual(doneOk(file.id));
    expectStoredChunks(file, 20);
    expectSameBytes(await bytesOf(await t.blob()), file.data);
  });

  it.each([
    ['active', 20],
    ['verifying', 24],
  ] as const)('a file shorter than the saved `next` (saved %s, its tail lost): asks from what it holds, drops the hash state, saves 16 chunks on from there, verifies', async (state, next) => {
    const file = makeFile(24 * CHUNK_BYTES - 5); // 24 chunks
    await firstVisit(file, 3);
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
    for (let i = 2; i < 18; i++) t.onChunk(file.seal(i)); // written as 2, then 3–17
    await stored(18);
    // Saved 16 past what the file held, not 16 past the `next` it was loaded with; no state.
    let saved = await db.get('transfers', file.id);
    expect(saved).toMatchObject({ next: 18, state: 'active' });
    expect(saved?.hashState).toBeUndefined();
    for (let i = 18; i < 24; i++) t.onChunk(file.seal(i));
    await stored(24);
    saved = await db.get('transfers', file.id);
    expect(saved?.next).toBe(24);
    expect(saved?.hashState).toBeUndefined();
    await until(() => expect(t.record.state).toBe('done'));
    expect(store.reads(file.id)).toBeGreaterThan(0);
    expectStoredChunks(file, 24);
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
    const file = makeFile(20 * CHUNK_BYTES);
    await firstVisit(file, 16);
    const { t, link, states } = await resume(file, await reload(file));
    await pause();
    expect(t.record).toMatchObject({ state: 'active', next: 16 });
    expect(states()).toEqual([]);
    expect(link.controls).toEqual([]);
    expect(store.isOpen(file.id)).toBe(true);
  });
});
