import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHUNK_BYTES, FILE_ID_BYTES, chunkCount, chunkLength, openChunk } from '../../../shared/file-chunks';
import type { FileControl } from '../../../shared/peer-protocol';
import { type Sodium, loadSodium, toB64 } from '../../../shared/sodium';
import type { TransferRecord } from '../storage/db';
import type { Link, LinkPath } from '../peer/link';
import { MIN_SEND_WINDOW, OutgoingTransfer, SEND_WINDOW } from './outgoing';
import { someBytes } from './test-bytes';

/** Chunks in flight, on either path. */
const W = SEND_WINDOW;

let s: Sodium;

beforeAll(async () => {
  s = await loadSodium();
});

// Only the transfer's own clock is faked (its sleeps and performance.now()); Blob reads and
// setImmediate stay real, so idle() below can let the pump run until it sleeps.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

const started: OutgoingTransfer[] = [];
afterEach(() => {
  for (const t of started.splice(0)) t.cancel(); // stops any pump still sleeping
  vi.useRealTimers();
});

/** Lets the pump run (real turns, fake time frozen) until it sleeps on a timer. */
async function idle(): Promise<void> {
  for (let turn = 0; turn < 5000; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (vi.getTimerCount() > 0) return;
  }
  throw new Error('the pump never went to sleep');
}

/** Lets pending work run without waiting for any particular state. */
async function flush(turns = 50): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** A link that records what the transfer sends, with a send buffer and path the test sets. */
function fakeLink(path: LinkPath = 'relay') {
  const controls: FileControl[] = [];
  const sealed: Uint8Array[] = [];
  const drains: number[] = [];
  let drained: () => void = () => {};
  const link = {
    peer: 'bob',
    path,
    bufferedAmount: 0,
    /** What sendChunk answers (false: the path cannot take it now). */
    accepting: true,
    controls,
    sealed,
    drains,
    drain: () => drained(),
    send: () => true,
    ack: () => {},
    refuse: () => {},
    sendChunk(bytes: Uint8Array) {
      if (!link.accepting) return false;
      sealed.push(bytes.slice());
      return true;
    },
    sendFileControl(ctl: FileControl) {
      controls.push(ctl);
      return true;
    },
    waitForDrain(lowWater: number) {
      drains.push(lowWater);
      return new Promise<void>((resolve) => (drained = resolve));
    },
    close: () => {},
  } satisfies Link & Record<string, unknown>;
  return link;
}

function send(chunks = 60, path: LinkPath = 'relay') {
  const size = (chunks - 1) * CHUNK_BYTES + 777;
  const data = someBytes(size);
  const key = s.randombytes_buf(32);
  const fileIdBytes = s.randombytes_buf(FILE_ID_BYTES);
  const count = chunkCount(size);
  const record: TransferRecord = {
    fileId: s.to_hex(fileIdBytes),
    peer: 'bob',
    dir: 'out',
    name: 'big.bin',
    size,
    type: '',
    sha256: s.to_hex(s.crypto_hash_sha256(data)),
    key: toB64(s, key),
    count,
    next: 0,
    state: 'waiting',
  };
  const link = fakeLink(path);
  const changed = vi.fn<(r: TransferRecord) => void>();
  const progressed = vi.fn<(r: TransferRecord) => void>();
  const t = new OutgoingTransfer(record, new Blob([data]), { sodium: s, key, fileId: fileIdBytes, link: () => link, changed, progressed });
  started.push(t);
  const fileId = record.fileId;
  /** Indices of the chunks sent so far, each checked to open as that chunk of this file with the right bytes. */
  const sent = (): number[] =>
    link.sealed.map((bytes) => {
      const opened = openChunk(s, key, fileIdBytes, count, bytes);
      if (!opened) throw new Error('a chunk that does not open');
      const start = opened.index * CHUNK_BYTES;
      expect(s.memcmp(opened.plain, data.subarray(start, start + chunkLength(size, opened.index)))).toBe(true);
      return opened.index;
    });
  /** Indices sent since the last call. */
  let seen = 0;
  const fresh = (): number[] => {
    const all = sent();
    const out = all.slice(seen);
    seen = all.length;
    return out;
  };
  const want = (from: number) => t.control({ op: 'want', fileId, from });
  const ack = (next: number) => t.control({ op: 'ack', fileId, next });
  return { t, link, changed, progressed, record, fileId, sent, fresh, want, ack };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('OutgoingTransfer', () => {
  it('sends nothing until the receiver asks, then chunks 0… up to the window', async () => {
    const { t, want, fresh, changed } = send();
    await flush();
    expect(fresh()).toEqual([]);
    want(0);
    expect(t.record.state).toBe('active');
    expect(changed).toHaveBeenCalledWith(t.record);
    await idle();
    expect(fresh()).toEqual(range(0, W));
  });

  it('starts from `from` on want{from}', async () => {
    const { t, want, fresh } = send();
    want(7);
    await idle();
    expect(fresh()).toEqual(range(7, 7 + W));
    expect(t.record.next).toBe(7);
    expect(t.bytesDone).toBe(7 * CHUNK_BYTES);
  });

  it('keeps as many chunks in flight on a direct path', async () => {
    const { want, fresh } = send(W + 9, 'direct');
    want(0);
    await idle();
    expect(fresh()).toEqual(range(0, W));
  });

  it('an ack moves the window on; an old ack changes nothing', async () => {
    const { t, want, ack, fresh, changed, progressed } = send();
    want(0);
    await idle();
    expect(fresh()).toEqual(range(0, W));
    changed.mockClear();
    ack(4);
    expect(t.record.next).toBe(4);
    // Progress is shown, not saved: a reload ends a send anyway.
    expect(progressed).toHaveBeenCalledWith(t.record);
    expect(changed).not.toHaveBeenCalled();
    await idle();
    expect(fresh()).toEqual(range(W, 4 + W));
    ack(2);
    expect(t.record.next).toBe(4);
    await flush();
    expect(fresh()).toEqual([]);
    ack(10);
    await idle();
    expect(fresh()).toEqual(range(4 + W, 10 + W));
  });

  it('rewind() sends again from the last ack, on the new path too', async () => {
    const { t, link, want, ack, fresh } = send();
    want(0);
    await idle();
    ack(4);
    await idle();
    expect(fresh()).toEqual(range(0, 4 + W));
    t.rewind();
    await idle();
    expect(fresh()).toEqual(range(4, 4 + W));

    link.path = 'direct';
    t.rewind();
    await idle();
    expect(fresh()).toEqual(range(4, 4 + W));
  });

  it('a want for a gap sends again from there', async () => {
    const { t, want, ack, fresh } = send();
    want(0);
    await idle();
    ack(4);
    await idle();
    expect(fresh()).toEqual(range(0, 4 + W));
    want(5); // chunk 5 was lost
    expect(t.record.next).toBe(5);
    await idle();
    expect(fresh()).toEqual(range(5, 5 + W));
  });

  it('a want from below the last ack (the receiver lost what it took but had not saved) goes back there, and so do later rewinds', async () => {
    const { t, want, ack, fresh } = send();
    want(0);
    await idle();
    ack(12);
    await idle();
    expect(fresh()).toEqual(range(0, 12 + W));
    want(5);
    expect(t.record.next).toBe(5);
    await idle();
    expect(fresh()).toEqual(range(5, 5 + W));
    t.rewind();
    await idle();
    expect(fresh()).toEqual(range(5, 5 + W));
  });

  it('with chunks out and no ack for 4 s, sends again from the last ack', async () => {
    const { want, ack, fresh } = send();
    want(0);
    await idle();
    ack(4);
    await idle();
    expect(fresh()).toEqual(range(0, 4 + W));
    await vi.advanceTimersByTimeAsync(3999);
    await flush();
    expect(fresh()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await idle();
    expect(fresh()).toEqual(range(4, 4 + W));
  });

  it('backOff() pauses, then sends again from the last ack with half the window, which grows back by one chunk per ack', async () => {
    const { t, want, ack, fresh } = send();
    want(0);
    await idle();
    ack(4);
    await idle();
    expect(fresh()).toEqual(range(0, 4 + W));
    t.backOff(300);
    await idle();
    await vi.advanceTimersByTimeAsync(299);
    await flush();
    expect(fresh()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await idle();
    expect(fresh()).toEqual(range(4, 4 + W / 2));
    ack(8); // the window grows to W/2 + 1
    await idle();
    expect(fresh()).toEqual(range(4 + W / 2, 8 + W / 2 + 1));

    // Never below MIN_SEND_WINDOW (twice the receiver's ack interval), however many drops; a new
    // path (or the contact back) starts with the whole window again.
    expect(MIN_SEND_WINDOW).toBe(W / 2);
    for (let i = 0; i < 3; i++) {
      t.backOff(300);
      t.backOff(300); // every chunk sent after a dropped one is reported too: one halving per pause
      await vi.advanceTimersByTimeAsync(300);
      await idle();
    }
    expect(fresh()).toEqual([...range(8, 8 + MIN_SEND_WINDOW), ...range(8, 8 + MIN_SEND_WINDOW), ...range(8, 8 + MIN_SEND_WINDOW)]);
    t.resume();
    await idle();
    expect(fresh()).toEqual(range(8, 8 + W));
  });

  it('waits on waitForDrain while the send buffer is over a megabyte', async () => {
    const { link, want, fresh } = send();
    link.bufferedAmount = 1024 * 1024 + 1;
    want(0);
    await flush();
    expect(link.drains).toEqual([256 * 1024]);
    expect(fresh()).toEqual([]);
    link.bufferedAmount = 0;
    link.drain();
    await idle();
    expect(fresh()).toEqual(range(0, W));
  });

  it('a chunk the link refuses is tried again after a pause, not skipped', async () => {
    const { link, want, fresh } = send();
    link.accepting = false;
    want(0);
    await idle();
    expect(fresh()).toEqual([]);
    link.accepting = true;
    await vi.advanceTimersByTimeAsync(500);
    await idle();
    expect(fresh()).toEqual(range(0, W));
  });

  it('done ok=true finishes the transfer and stops sending', async () => {
    const { t, link, want, fresh, fileId } = send(3);
    want(0);
    await idle();
    expect(fresh()).toEqual(range(0, 3));
    t.control({ op: 'done', fileId, ok: true });
    expect(t.record).toMatchObject({ state: 'done', next: 3 });
    expect(t.bytesDone).toBe(t.record.size);
    await flush();
    expect(vi.getTimerCount()).toBe(0); // the pump has returned
    await vi.advanceTimersByTimeAsync(10_000);
    await flush();
    expect(fresh()).toEqual([]);
    t.cancel(); // too late to cancel
    expect(link.controls).toEqual([]);
    expect(t.record.state).toBe('done');
  });

  it('done ok=false marks it failed (integrity)', async () => {
    const { t, want, fileId } = send(3);
    want(0);
    await idle();
    t.control({ op: 'done', fileId, ok: false });
    expect(t.record).toMatchObject({ state: 'failed', reason: 'integrity' });
    await flush();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("the receiver's cancel stops the pump without an answer", async () => {
    const { t, link, want, fresh, fileId, changed } = send();
    want(0);
    await idle();
    fresh();
    t.control({ op: 'cancel', fileId });
    expect(t.record).toMatchObject({ state: 'cancelled', reason: 'cancelled_by_peer' });
    expect(changed).toHaveBeenLastCalledWith(t.record);
    await flush();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fresh()).toEqual([]);
    expect(link.controls).toEqual([]);
  });

  it('cancel() tells the receiver and stops the pump', async () => {
    const { t, link, want, fresh, fileId } = send();
    want(0);
    await idle();
    fresh();
    t.cancel();
    expect(t.record.state).toBe('cancelled');
    expect(link.controls).toEqual([{ op: 'cancel', fileId }]);
    await flush();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fresh()).toEqual([]);
  });

  it('a want after the transfer ended is answered with cancel, and sends nothing', async () => {
    const { t, link, want, fresh, fileId } = send(3);
    want(0);
    await idle();
    fresh();
    t.control({ op: 'done', fileId, ok: true });
    want(0);
    expect(link.controls).toEqual([{ op: 'cancel', fileId }]);
    expect(t.record.state).toBe('done');
    await flush();
    expect(fresh()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fail() stops and tells the receiver; after the end it does nothing', async () => {
    const { t, link, want, fresh, fileId } = send();
    want(0);
    await idle();
    fresh();
    t.fail('too_large_for_relay');
    expect(t.record).toMatchObject({ state: 'failed', reason: 'too_large_for_relay' });
    expect(link.controls).toEqual([{ op: 'cancel', fileId }]);
    await flush();
    expect(vi.getTimerCount()).toBe(0);
    expect(fresh()).toEqual([]);
    t.fail('interrupted');
    expect(t.record.reason).toBe('too_large_for_relay');
    expect(link.controls).toHaveLength(1);
  });
});
