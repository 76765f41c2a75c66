// Receiving a file as it arrives: storage in its file (batched writes) and when its progress is
// saved (every TEST_SAVE_EVERY chunks here, and at the end), and acknowledgements (every 8 chunks
// accepted, the last few once all are, held back while too much waits for storage). The rest of
// a reception: incoming.test.ts; gaps and resends: incoming-resume.test.ts; reloads:
// incoming-reload.test.ts.
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../../../shared/file-chunks';
import { sha256Hasher } from './hash';
import {
  ack,
  db,
  doneOk,
  expectSavedProgress,
  expectStoredChunks,
  expectWritesInOrder,
  holdWrites,
  makeFile,
  pause,
  receive,
  s,
  sha256Hex,
  store,
  until,
  useDatabase,
  watchAcks,
  watchTransactions,
} from './incoming-test-support';

useDatabase();

describe('IncomingTransfer', () => {
  describe('storing', () => {
    it('writes accepted chunks to its file and tells the UI of each write (progress only); a file of 16 chunks or fewer has its progress saved once, at its end (relaxed, alone)', async () => {
      const file = makeFile(9 * CHUNK_BYTES + 100); // 10 chunks
      const { t, stored, changes, progressed } = await receive(file);
      const transactions = watchTransactions();
      for (let i = 0; i < 5; i++) t.onChunk(file.seal(i));
      expect(t.record.state).toBe('active');
      await stored(5);

      expectStoredChunks(file, 5);
      expect(store.isOpen(file.id)).toBe(true);
      // In memory: what the file holds and the SHA-256 state over it; in the database, nothing yet.
      expect(t.bytesDone).toBe(5 * CHUNK_BYTES);
      expect((await sha256Hasher(t.record.hashState)).digest('hex')).toBe(sha256Hex(file.prefix(5)));
      expect(await db.get('transfers', file.id)).toEqual(file.record);
      expect(transactions.filter(([, mode]) => mode === 'readwrite')).toEqual([]);
      // Progress went to the UI after each write, and no change of state was persisted.
      expect(progressed).toHaveLength(store.writes(file.id).length);
      expect(progressed.at(-1)).toBe(5);
      expect(progressed).toEqual([...progressed].sort((a, b) => a - b));
      expect(changes).toEqual([]);

      for (let i = 5; i < 10; i++) t.onChunk(file.seal(i));
      await stored(10);
      // One small transaction at the end, over the progress record only, with the state over the whole file.
      expect(transactions.filter(([, mode]) => mode === 'readwrite')).toEqual([['transfers', 'readwrite', { durability: 'relaxed' }]]);
      const saved = await db.get('transfers', file.id);
      expect(saved).toMatchObject({ next: 10, state: 'active' });
      expect((await sha256Hasher(saved!.hashState)).digest('hex')).toBe(file.record.sha256);
      await until(() => expect(t.record.state).toBe('done'));
    });

    it('saves `next` and the SHA-256 state over them once 16 chunks are written since the last save, not before, and at the end whatever is left', async () => {
      const file = makeFile(39 * CHUNK_BYTES + 100); // 40 chunks
      const { t, stored, progressed } = await receive(file);
      const transactions = watchTransactions();
      const saves = () => transactions.filter(([, mode]) => mode === 'readwrite');
      const savedNext = async () => (await db.get('transfers', file.id))?.next;
      /** Chunks [from, to), each stored before the next arrives: one write each. */
      const oneByOne = async (from: number, to: number) => {
        for (let i = from; i < to; i++) {
          t.onChunk(file.seal(i));
          await stored(i + 1);
        }
      };
      await oneByOne(0, 15);
      expect(saves()).toHaveLength(0);
      expect(await savedNext()).toBe(0);
      expect(progressed).toEqual(Array.from({ length: 15 }, (_, i) => i + 1)); // told of every write all the same
      await oneByOne(15, 16); // the 16th
      expect(saves()).toHaveLength(1);
      await expectSavedProgress(file, t, 16);

      await oneByOne(16, 31); // 15 more: counted from the last save, not from the start
      expect(saves()).toHaveLength(1);
      expect(await savedNext()).toBe(16);
      expect(t.record.next).toBe(31);
      await oneByOne(31, 32);
      expect(saves()).toHaveLength(2);
      await expectSavedProgress(file, t, 32);

      // The last 8 (chunk 32 written alone, 33–39 together): fewer than 16, saved at the end.
      for (let i = 32; i < 40; i++) t.onChunk(file.seal(i));
      await until(() => expect(t.record.state).toBe('done'));
      expect(saves()).toEqual(Array(3).fill(['transfers', 'readwrite', { durability: 'relaxed' }]));
      const saved = await db.get('transfers', file.id);
      expect(saved).toMatchObject({ next: 40, state: 'active' }); // `changed` saves nothing here
      expect((await sha256Hasher(saved!.hashState)).digest('hex')).toBe(file.record.sha256);
      expect(store.reads(file.id)).toBe(0);
      expectWritesInOrder(file, 40);
    });

    it('groups the chunks that arrive while a write is in flight: fewer writes than chunks, the same bytes', async () => {
      const file = makeFile(19 * CHUNK_BYTES + 3); // 20 chunks
      const { t, stored } = await receive(file);
      for (let i = 0; i < 20; i++) t.onChunk(file.seal(i));
      await stored(20);
      expectStoredChunks(file, 20);
      // How they are grouped is up to the write loop (chunk 0 goes alone, the 19 behind it
      // together); that they are grouped, in order, is the point.
      expect(expectWritesInOrder(file, 20).length).toBeLessThan(20);
      expect((await db.get('transfers', file.id))?.next).toBe(20);
      await until(() => expect(t.record.state).toBe('done'));
    });

    it('a write waits until eight chunks wait, the last one is in, or 20 ms passed: fewer round trips to the storage worker', async () => {
      const file = makeFile(20 * CHUNK_BYTES);
      const { t, stored } = await receive(file);
      // Three wait for more, and go alone once they waited 20 ms. Timed from before the first
      // chunk: a busy machine only makes the wait look longer, never shorter.
      const started = performance.now();
      for (let i = 0; i < 3; i++) t.onChunk(file.seal(i));
      await stored(3);
      expect(performance.now() - started).toBeGreaterThanOrEqual(19);
      for (let i = 3; i < 11; i++) t.onChunk(file.seal(i)); // eight: written at once
      await stored(11);
      for (let i = 11; i < 20; i++) t.onChunk(file.seal(i)); // eight, then the last one behind them
      await until(() => expect(t.record.state).toBe('done'));
      expect(expectWritesInOrder(file, 20)).toEqual([3, 8, 8, 1]);
    });
  });

  describe('acknowledgements', () => {
    it('acks every 8 chunks as they are accepted, and after a write only once every chunk of the file is accepted (the last few, however few)', async () => {
      const file = makeFile(19 * CHUNK_BYTES + 7); // 20 chunks
      const { t, link, stored } = await receive(file);
      for (let i = 0; i < 7; i++) t.onChunk(file.seal(i));
      expect(link.controls).toEqual([]);
      t.onChunk(file.seal(7));
      // Accepted, not stored yet: the ack tells the sender's window what was accepted.
      expect(t.record.next).toBe(0);
      expect(link.controls).toEqual([ack(file.id, 8)]);
      await stored(8);
      t.onChunk(file.seal(8));
      await stored(9);
      for (let i = 9; i < 15; i++) t.onChunk(file.seal(i));
      await stored(15);
      // 7 new, each stored, the file not complete: no write said anything.
      expect(link.controls).toEqual([ack(file.id, 8)]);
      t.onChunk(file.seal(15));
      expect(link.controls).toEqual([ack(file.id, 8), ack(file.id, 16)]);
      await stored(16);

      // The last 4, fewer than 8: said by the first write stored once they are all accepted.
      for (let i = 16; i < 20; i++) t.onChunk(file.seal(i));
      expect(link.controls).toHaveLength(2);
      await until(() => expect(t.record.state).toBe('done'));
      expect(link.controls).toEqual([ack(file.id, 8), ack(file.id, 16), ack(file.id, 20), doneOk(file.id)]);
    });

    it('holds acks back while more than 64 accepted chunks wait for storage, acks what is new once writes catch up, and writes at most 32 chunks at once', async () => {
      const file = makeFile(100 * CHUNK_BYTES - 1); // 100 chunks
      const { t, link, stored } = await receive(file);
      const { acks, take } = watchAcks(file, t, link); // each ack as [next, chunks given, chunks stored]
      const writes = holdWrites(); // the disk is slow: no write finishes for now
      take(0, 80);
      await pause(30);
      expect(writes.started()).toBe(1);
      expect(t.record.next).toBe(0);
      expect((await db.get('transfers', file.id))?.next).toBe(0); // no progress saved ahead of the bytes
      // Acked as accepted, every 8, up to 64 unstored chunks; 72 and 80 are held back.
      expect(acks).toEqual([8, 16, 24, 32, 40, 48, 56, 64].map((n) => [n, n, 0]));

      writes.release();
      await stored(80);
      // Chunks 0–7 stored (the first write, started once eight waited) leave 72 waiting: still
      // held. Chunks 8–39 stored leave 40: the 16 held back are said then, by the write, with the
      // file far from complete.
      expect(acks.slice(8)).toEqual([[80, 80, 40]]);

      take(80, 100); // 80–87 are written once eight wait, 88–99 behind them
      await until(() => expect(t.record.state).toBe('done'));
      // 88 and 96 as accepted; the last 4 by the first write stored once all 100 are accepted.
      expect(acks.slice(8)).toEqual([[80, 80, 40], [88, 88, 80], [96, 96, 80], [100, 100, 88]]);
      expectStoredChunks(file, 100);
      expect(expectWritesInOrder(file, 100)).toEqual([8, 32, 32, 8, 8, 12]);
      expect(link.controls.at(-1)).toEqual(doneOk(file.id));
    });
  });
});
