// Where a reception goes on from while it runs: a gap, a duplicate or a path switch answered with
// `want` from the first chunk not accepted, and a lost chunk against an OutgoingTransfer. After a
// reload and recheck(): incoming-reload.test.ts. Before open(), rejected chunks, the end, storage
// failures: incoming.test.ts; storing and acknowledgements: incoming-storing.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHUNK_BYTES, FILE_ID_BYTES } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import type { Link } from '../peer/link';
import { IncomingTransfer } from './incoming';
import {
  ack,
  bytesOf,
  db,
  doneOk,
  expectSameBytes,
  expectSavedProgress,
  expectStoredChunks,
  expectWritesInOrder,
  fakeLink,
  holdWrites,
  makeFile,
  pause,
  receive,
  s,
  store,
  until,
  useDatabase,
  want,
} from './incoming-test-support';
import { OutgoingTransfer, SEND_WINDOW } from './outgoing';

useDatabase();

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
    expect(link.controls).toEqual([want(file.id, 2)]); // 2 new since the `want`: nothing to say yet
    for (let i = 4; i < 8; i++) t.onChunk(file.seal(i));
    await until(() => expect(t.record.state).toBe('done'));
    expect(link.controls).toEqual([want(file.id, 2), ack(file.id, 8), doneOk(file.id)]);
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

  it('asks for the same gap again once 2 s have passed (its `want` may have been lost), not before', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const file = makeFile(8 * CHUNK_BYTES);
      const { t, link } = await receive(file);
      t.onChunk(file.seal(0));
      t.onChunk(file.seal(2)); // 1 lost
      vi.advanceTimersByTime(1999);
      t.onChunk(file.seal(3));
      expect(link.controls).toEqual([want(file.id, 1)]);
      vi.advanceTimersByTime(1);
      t.onChunk(file.seal(4));
      expect(link.controls).toEqual([want(file.id, 1), want(file.id, 1)]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers duplicates, at most every 2 s, with where it is (a late `want` may have sent the sender back)', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const file = makeFile(20 * CHUNK_BYTES);
      const { t, link } = await receive(file);
      for (let i = 0; i < 3; i++) t.onChunk(file.seal(i));
      t.onChunk(file.seal(1)); // a resend crossing a want, just now: not answered
      expect(link.controls).toEqual([]);
      vi.advanceTimersByTime(2000);
      t.onChunk(file.seal(0));
      t.onChunk(file.seal(1));
      expect(link.controls).toEqual([ack(file.id, 3)]);
      vi.advanceTimersByTime(1999);
      t.onChunk(file.seal(2));
      expect(link.controls).toEqual([ack(file.id, 3)]);
    } finally {
      vi.useRealTimers();
    }
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
    expect(link.controls).toEqual([]); // 4 of 6 accepted, duplicates not counted: no ack yet

    // The duplicates did not move what is expected next: a gap after them is still a gap.
    t.onChunk(file.seal(5));
    expect(link.controls).toEqual([want(file.id, 4)]);
    t.onChunk(file.seal(4));
    await stored(5);
    t.onChunk(file.seal(5));
    await until(() => expect(t.record.state).toBe('done'));
    expect(link.controls).toEqual([want(file.id, 4), ack(file.id, 6), doneOk(file.id)]);
  });

  it('request() while writes are pending asks from what was accepted, and nothing is stored twice', async () => {
    const file = makeFile(20 * CHUNK_BYTES);
    const { t, link, stored, progressed } = await receive(file);
    const writes = holdWrites();
    t.onChunk(file.seal(0));
    t.onChunk(file.seal(1));
    t.onChunk(file.seal(2));
    t.request(); // a path switch: none stored yet, but 3 are accepted and wait in memory
    expect(t.record.next).toBe(0);
    expect(link.controls).toEqual([want(file.id, 3)]);
    // Chunks sent before the `want` still arrive, then the sender goes on from 3.
    for (let i = 0; i < 17; i++) t.onChunk(file.seal(i));
    writes.release();
    await stored(17);
    expectStoredChunks(file, 17);
    // 0–7 once eight wait (the first write), then the nine behind it.
    expect(expectWritesInOrder(file, 17)).toEqual([8, 9]);
    expect(new Set(progressed).size).toBe(progressed.length); // `next` only went up
    expect(progressed).toEqual([...progressed].sort((a, b) => a - b));
    await expectSavedProgress(file, t, 17); // 16 or more past the start at the second write's end: saved
    // Counted from the `want`: 3–10 make an ack; 11–16 are too few, and the writes say nothing.
    expect(link.controls).toEqual([want(file.id, 3), ack(file.id, 11)]);
  });
});

describe('IncomingTransfer with an OutgoingTransfer on the other side', () => {
  // The sender's sleeps are faked and time never moves: a transfer that needed its 4 s stall
  // timer to recover would never finish. fake-indexeddb and the store double answer through
  // setImmediate, left real.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a chunk lost on the way costs one `want` and a resend from it, and the file verifies', async () => {
    const file = makeFile(39 * CHUNK_BYTES + 5); // 40 chunks: more than the sender's window
    const record = { ...file.record };
    await db.put('transfers', record);
    const controls: FileControl[] = [];
    const sent: number[] = [];
    let dropped = false;
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
        if (index !== 2 || dropped) incoming.onChunk(bytes.slice()); // a path copies the bytes, as the sender expects
        else dropped = true; // lost on the way, once
        return true;
      },
    };
    const deps = { sodium: s, key: file.key, fileId: file.fileIdBytes, changed: () => {}, progressed: () => {} };
    const outgoing = new OutgoingTransfer({ ...file.record, dir: 'out' }, new Blob([file.data]), { ...deps, link: () => toReceiver });
    const incoming: IncomingTransfer = new IncomingTransfer(record, { ...deps, db, store, link: () => toSender });

    await incoming.open();
    incoming.request();
    for (let turn = 0; turn < 5000 && outgoing.record.state !== 'done'; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(outgoing.record.state).toBe('done');
    expect(incoming.record.state).toBe('done');
    // Deterministic: delivery is synchronous both ways (a control reaches the sender inside the
    // sendChunk() of the chunk that made it), and where the writes fall cannot change what is said.
    // 0, 1 accepted; 3 shows the gap (`want` 2: the sender goes back, counting restarts); acks as
    // 2–9, 10–17, 18–25, 26–33 are accepted: never more than 8 unacked, well inside the window (32);
    // the last 6 (34–39) acked by the first write stored once all are accepted; then the check.
    expect(SEND_WINDOW).toBe(32);
    expect(controls).toEqual([want(file.id, 0), want(file.id, 2), ...[10, 18, 26, 34, 40].map((n) => ack(file.id, n)), doneOk(file.id)]);
    expect(sent).toEqual([0, 1, 2, 3, ...Array.from({ length: 38 }, (_, i) => i + 2)]);
    expectSameBytes(await bytesOf(await incoming.blob()), file.data);
    expectStoredChunks(file, file.count);
    expectWritesInOrder(file, file.count);
  });
});
