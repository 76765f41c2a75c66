// Receiving a file as it arrives: nothing before open(), rejected chunks, the end, storage
// failures. Storage and progress saves, acknowledgements: incoming-storing.test.ts. Gaps and
// resends (alone and against an OutgoingTransfer): incoming-resume.test.ts. Reloads and the check
// of a loaded transfer: incoming-reload.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { CHUNK_BYTES, FILE_ID_BYTES, sealChunk } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import type { TransferRecord } from '../storage/db';
import {
  ack,
  bytesOf,
  db,
  doneOk,
  expectSameBytes,
  expectStoredChunks,
  holdWrites,
  makeFile,
  pause,
  receive,
  receiver,
  refuseNext,
  s,
  sha256Hex,
  store,
  until,
  useDatabase,
  want,
  watchTransactions,
} from './incoming-test-support';

useDatabase();

const notAcks = (controls: FileControl[]) => controls.filter((c) => c.op !== 'ack');
const quiet = () => vi.spyOn(console, 'warn').mockImplementation(() => {});

describe('IncomingTransfer', () => {
  describe('before open()', () => {
    it('takes no chunk before open(), and request() opens first, then asks', async () => {
      const file = makeFile(3 * CHUNK_BYTES);
      await db.put('transfers', { ...file.record });
      const { t, link, stored } = receiver(file, { ...file.record });
      t.onChunk(file.seal(0));
      t.onChunk(file.seal(1));
      t.recheck();
      await pause();
      expect(t.record).toMatchObject({ state: 'waiting', next: 0 });
      expect(link.controls).toEqual([]);
      expect(store.calls).toEqual([]);

      t.request();
      await until(() => expect(link.controls).toEqual([want(file.id, 0)]));
      expect(store.calls[0]).toMatchObject({ op: 'open', name: file.id });
      t.onChunk(file.seal(0));
      await stored(1);
      expectStoredChunks(file, 1);
    });

    it('a file another tab holds (locked) leaves the transfer as it is; a later request() opens it and asks', async () => {
      const file = makeFile(3 * CHUNK_BYTES);
      await db.put('transfers', { ...file.record });
      const { t, link, states } = receiver(file, { ...file.record });
      refuseNext('open', new DOMException('held by another tab', 'NoModificationAllowedError'));
      await t.open();
      t.onChunk(file.seal(0));
      await pause();
      expect(t.record).toMatchObject({ state: 'waiting', next: 0 });
      expect(states()).toEqual([]);
      expect(link.controls).toEqual([]); // no cancel: the other tab may be receiving it
      expect(store.calls.filter((c) => c.op === 'remove')).toEqual([]);

      t.request(); // this tab has the connection now, and the other tab let go
      await until(() => expect(link.controls).toEqual([want(file.id, 0)]));
      expect(t.record.state).toBe('waiting');
    });

    it('a file all there but locked while it was to be checked is checked once a later request() opens it', async () => {
      const file = makeFile(3 * CHUNK_BYTES);
      store.seed(file.id, file.data);
      const record: TransferRecord = { ...file.record, state: 'verifying', next: file.count };
      await db.put('transfers', record);
      const { t, link } = receiver(file, record);
      refuseNext('open', new DOMException('held by another tab', 'NoModificationAllowedError'));
      await t.open();
      t.recheck();
      await pause();
      expect(t.record.state).toBe('verifying');
      t.request();
      await until(() => expect(t.record.state).toBe('done'));
      expect(link.controls).toEqual([doneOk(file.id)]);
      expectSameBytes(await bytesOf(await t.blob()), file.data);
    });
  });

  describe('rejects a chunk that is not exactly the expected one', () => {
    it('a tampered chunk, one moved to another index, one cut short', async () => {
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
      await pause();
      expect(store.writes(file.id)).toEqual([]);

      t.onChunk(file.seal(0));
      await stored(1);
      expectStoredChunks(file, 1);
    });

    it('a chunk of another file, under another key, of another chunk count, or past the last index', async () => {
      const file = makeFile(3 * CHUNK_BYTES);
      const { t, link } = await receive(file);
      t.onChunk(sealChunk(s, file.key, s.randombytes_buf(FILE_ID_BYTES), 0, file.count, file.plain(0)));
      t.onChunk(sealChunk(s, s.randombytes_buf(32), file.fileIdBytes, 0, file.count, file.plain(0)));
      t.onChunk(sealChunk(s, file.key, file.fileIdBytes, 0, file.count + 1, file.plain(0)));
      t.onChunk(sealChunk(s, file.key, file.fileIdBytes, file.count, file.count, new Uint8Array(0)));
      await pause();
      expect(t.record).toMatchObject({ state: 'waiting', next: 0 });
      expect(link.controls).toEqual([]);
      expect(store.writes(file.id)).toEqual([]);
      expectStoredChunks(file, 0);
    });

    it('a chunk of the wrong length: the transfer fails (integrity) and its file is removed', async () => {
      const file = makeFile(2 * CHUNK_BYTES + 500);
      const { t, link, stored, states } = await receive(file);
      t.onChunk(file.seal(0));
      await stored(1);
      t.onChunk(file.seal(1, file.plain(1).subarray(0, 100))); // sealed by the sender, but short
      expect(t.record).toMatchObject({ state: 'failed', reason: 'integrity', next: 1 });
      // Chunk 0 of 3 stored said nothing (fewer than 8, the file not complete).
      expect(link.controls).toEqual([{ op: 'done', fileId: file.id, ok: false }]);
      await until(() => expect(states()).toEqual(['failed'])); // told once the file is removed
      expect(store.has(file.id)).toBe(false);
      t.onChunk(file.seal(1));
      t.request();
      t.control({ op: 'cancel', fileId: file.id }); // the sender's cancel after the failure leaves it failed
      expect(t.record).toMatchObject({ state: 'failed', reason: 'integrity' });
      expect(link.controls).toHaveLength(1);
    });

    it('a last chunk longer than the file tail, while the write before it is in flight', async () => {
      const file = makeFile(CHUNK_BYTES + 10);
      const { t, link, states } = await receive(file);
      const writes = holdWrites();
      t.onChunk(file.seal(0));
      await until(() => expect(writes.started()).toBe(1)); // alone, once it waited a little for more
      t.onChunk(file.seal(1, new Uint8Array(CHUNK_BYTES)));
      expect(t.record.state).toBe('failed');
      expect(link.controls).toEqual([{ op: 'done', fileId: file.id, ok: false }]);
      writes.release();
      await until(() => expect(states()).toEqual(['failed'])); // chunk 0's write finished, then the removal
      expect(store.has(file.id)).toBe(false);
      expect(store.calls.slice(-2).map((c) => c.op)).toEqual(['write', 'remove']);
    });
  });

  describe('the end', () => {
    it('a one-chunk file (and an empty one) completes on its only chunk, its file closed and offered as application/octet-stream', async () => {
      for (const size of [10, 0]) {
        const file = makeFile(size);
        const { t, link, states } = await receive(file);
        t.onChunk(file.seal(0));
        await until(() => expect(t.record.state).toBe('done'));
        expect(link.controls).toEqual([ack(file.id, 1), { op: 'done', fileId: file.id, ok: true }]);
        expect(states()).toEqual(['verifying', 'done']);
        expect(t.record.hashState).toBeUndefined();
        expectStoredChunks(file, 1);
        expect(store.isOpen(file.id)).toBe(false);
        const blob = await t.blob();
        expect(blob?.type).toBe('application/octet-stream'); // whatever its offer declared (image/jpeg)
        expectSameBytes(await bytesOf(blob), file.data);
      }
    });

    it('valid chunks of a file whose announced SHA-256 is wrong: fails (integrity) with done ok=false and removes the file', async () => {
      const file = makeFile(2 * CHUNK_BYTES + 7);
      const { t, link, states } = await receive(file, { ...file.record, sha256: sha256Hex(new Uint8Array([1, 2, 3])) });
      for (let i = 0; i < file.count; i++) t.onChunk(file.seal(i));
      await until(() => expect(t.record.state).toBe('failed'));
      expect(t.record.reason).toBe('integrity');
      expect(notAcks(link.controls)).toEqual([{ op: 'done', fileId: file.id, ok: false }]);
      // The UI hears of the failure once the file is gone.
      await until(() => expect(states()).toEqual(['verifying', 'failed']));
      expect(store.has(file.id)).toBe(false);
      expect(await t.blob()).toBeUndefined();
      const said = link.controls.length;
      t.cancel(); // nothing left to cancel
      t.control({ op: 'cancel', fileId: file.id });
      expect(t.record.state).toBe('failed');
      expect(link.controls).toHaveLength(said);
    });

    it('cancel() tells the sender, removes the file once a write in flight is over, saves no progress for it, and takes nothing more', async () => {
      const file = makeFile(40 * CHUNK_BYTES);
      const { t, link, stored, states } = await receive(file);
      for (let i = 0; i < 16; i++) t.onChunk(file.seal(i));
      await stored(16); // saved
      for (let i = 16; i < 31; i++) t.onChunk(file.seal(i));
      await stored(31); // 15 past the save: not saved
      const writes = holdWrites();
      t.onChunk(file.seal(31)); // its write, the 16th past the save, is under way at the cancel
      await until(() => expect(writes.started()).toBe(1));
      t.cancel();
      expect(t.record.state).toBe('cancelled');
      expect(notAcks(link.controls)).toEqual([{ op: 'cancel', fileId: file.id }]);
      await pause();
      expect(states()).toEqual([]); // the removal waits for the write
      writes.release();
      await until(() => expect(states()).toEqual(['cancelled']));
      expect(store.has(file.id)).toBe(false);
      expect(store.calls.slice(-2).map((c) => c.op)).toEqual(['write', 'remove']);
      expect(t.record.next).toBe(31);
      expect((await db.get('transfers', file.id))?.next).toBe(16); // no progress saved for it

      const said = link.controls.length;
      t.onChunk(file.seal(31));
      t.onChunk(file.seal(32));
      t.request();
      t.cancel();
      await pause();
      expect(link.controls).toHaveLength(said);
      expect(states()).toEqual(['cancelled']);
      expect(store.has(file.id)).toBe(false);
    });

    it("the sender's cancel stops it and removes the file, without an answer", async () => {
      const file = makeFile(6 * CHUNK_BYTES);
      const { t, link, stored, states } = await receive(file);
      for (let i = 0; i < 2; i++) t.onChunk(file.seal(i));
      await stored(2);
      t.control({ op: 'cancel', fileId: file.id });
      expect(t.record).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_peer' });
      await until(() => expect(states()).toEqual(['cancelled']));
      expect(store.has(file.id)).toBe(false);
      expect(notAcks(link.controls)).toEqual([]);
    });

    it('a cancel while the file is being verified stays cancelled: no done ok=true, no file', async () => {
      const file = makeFile(2 * CHUNK_BYTES);
      const { t, link, states } = await receive(file, undefined, (r) => {
        if (r.state === 'verifying') t.cancel();
      });
      t.onChunk(file.seal(0));
      t.onChunk(file.seal(1));
      await until(() => expect(states()).toEqual(['verifying', 'cancelled']));
      await pause();
      expect(store.has(file.id)).toBe(false);
      expect(t.record.state).toBe('cancelled');
      expect(notAcks(link.controls)).toEqual([{ op: 'cancel', fileId: file.id }]);
      expect(await t.blob()).toBeUndefined();
    });
  });

  describe('when storage fails', () => {
    // An 18-chunk file: chunks 0–15 are stored and their progress saved, then the step fails for
    // what comes after: chunk 16 (written alone, its progress not saved), then 17 (the end, saved).
    it.each([
      ['the file cannot be opened (no file system in this window)', 'open', 0, 0],
      ['the browser refuses a write (out of quota)', 'write', 16, 16],
      ['the database refuses the progress record', 'put', 16, 16], // 16 and 17 in one write: the last, saved
      ['the file cannot be closed for the check', 'close', 18, 18],
    ] as const)('%s: failed (storage), the sender told to stop, the file removed, nothing more taken', async (_, step, next, saved) => {
      quiet();
      const file = makeFile(17 * CHUNK_BYTES + 9);
      if (step === 'open') refuseNext('open', new DOMException('no origin private file system', 'SecurityError'));
      const { t, link, stored, states } = await receive(file);
      if (step !== 'open') {
        for (let i = 0; i < 16; i++) t.onChunk(file.seal(i));
        await stored(16);
        if (step === 'put') watchTransactions({ refuse: true });
        else refuseNext(step);
        t.onChunk(file.seal(16));
        t.onChunk(file.seal(17));
      }
      await until(() => expect(states().at(-1)).toBe('failed')); // told once the file is removed
      expect(states()).toEqual(step === 'close' ? ['verifying', 'failed'] : ['failed']);
      expect(t.record).toMatchObject({ state: 'failed', reason: 'storage', next });
      expect((await db.get('transfers', file.id))?.next).toBe(saved); // no progress saved past the last save
      expect(notAcks(link.controls)).toEqual([{ op: 'cancel', fileId: file.id }]);
      expect(store.calls.at(-1)).toEqual({ op: 'remove', name: file.id });
      expect(store.has(file.id)).toBe(false);
      expect(await t.blob()).toBeUndefined();

      const [said, writes] = [link.controls.length, store.writes(file.id).length];
      t.onChunk(file.seal(next === file.count ? 0 : next));
      t.request();
      t.recheck();
      t.cancel();
      t.control({ op: 'cancel', fileId: file.id }); // a cancel after the failure leaves it failed
      await pause();
      expect(t.record).toMatchObject({ state: 'failed', reason: 'storage' });
      expect(link.controls).toHaveLength(said);
      expect(store.writes(file.id)).toHaveLength(writes);
      expect(states()).toHaveLength(step === 'close' ? 2 : 1);
    });
  });
});
