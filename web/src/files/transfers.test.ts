// Transfers routing chunks of receptions that are over, or unknown: the sender is told how they
// ended (it may have missed it), at most every 2 s per file; the sweep of stored files no
// reception owns. The rest of Transfers is covered end
// to end (e2e/files.spec.ts); IncomingTransfer and OutgoingTransfer have tests of their own.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileControl } from '../../../shared/peer-protocol';
import type { Links } from '../peer/links';
import type { Connection } from '../net/connection';
import type { Contacts } from '../identity/contacts';
import type { TransferRecord } from '../storage/db';
import type { Messenger } from '../conversations/messenger';
import { type TestFile, db, fakeLink, makeFile, s, store, useDatabase } from './incoming-test-support';
import { Transfers } from './transfers';

useDatabase();

/** Transfers over the test database and store; only `links` is used by what is tested here. */
async function transfersWith(...records: TransferRecord[]) {
  for (const r of records) await db.put('transfers', r);
  const link = fakeLink();
  const links = { get: () => link } as unknown as Links;
  const transfers = new Transfers(db, s, {} as Connection, {} as Contacts, links, {} as Messenger, store);
  await transfers.load();
  return { transfers, controls: link.controls };
}

const cancel = (fileId: string): FileControl => ({ op: 'cancel', fileId });

describe('Transfers: chunks of a reception that is over, or unknown', () => {
  let file: TestFile;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['performance'] });
    file = makeFile(3 * 64 * 1024);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an unknown file: cancel, again only after 2 s', async () => {
    const { transfers, controls } = await transfersWith();
    transfers.onChunk('bob', file.seal(0));
    transfers.onChunk('bob', file.seal(1));
    expect(controls).toEqual([cancel(file.id)]);
    vi.advanceTimersByTime(1999);
    transfers.onChunk('bob', file.seal(2));
    expect(controls).toHaveLength(1);
    vi.advanceTimersByTime(1);
    transfers.onChunk('bob', file.seal(2));
    expect(controls).toEqual([cancel(file.id), cancel(file.id)]);
  });

  it('a reception that is done: done ok=true (not a cancel, which would mark a delivered file cancelled)', async () => {
    store.seed(file.id, file.data);
    const { transfers, controls } = await transfersWith({ ...file.record, state: 'done', next: file.count });
    transfers.onChunk('bob', file.seal(2));
    expect(controls).toEqual([{ op: 'done', fileId: file.id, ok: true }]);
  });

  it('one that failed its check: done ok=false; one cancelled here: cancel', async () => {
    const other = makeFile(100);
    const { transfers, controls } = await transfersWith(
      { ...file.record, state: 'failed', reason: 'integrity' },
      { ...other.record, state: 'cancelled' },
    );
    transfers.onChunk('bob', file.seal(0));
    transfers.onChunk('bob', other.seal(0));
    expect(controls).toEqual([{ op: 'done', fileId: file.id, ok: false }, cancel(other.id)]);
  });

  it('a reception under way takes its chunks and says nothing of the kind; a chunk from someone else is ignored', async () => {
    const { transfers, controls } = await transfersWith({ ...file.record });
    transfers.onChunk('mallory', file.seal(0));
    expect(controls).toEqual([]);
    transfers.onChunk('bob', file.seal(0));
    await vi.waitFor(() => expect(store.calls.some((c) => c.op === 'write')).toBe(true));
    expect(controls.filter((c) => c.op === 'cancel' || c.op === 'done')).toEqual([]);
  });
});

describe('Transfers: sweeping stored files', () => {
  it('deletes the stored files no reception owns, and keeps those of receptions under way or done', async () => {
    const [active, done, failed, orphan] = [makeFile(100), makeFile(200), makeFile(300), makeFile(400)];
    for (const f of [active, done, failed, orphan]) store.seed(f.id, f.data);
    const { transfers } = await transfersWith(
      { ...active.record, state: 'active' },
      { ...done.record, state: 'done', next: done.count },
      { ...failed.record, state: 'failed', reason: 'integrity' }, // its removal failed once
    );
    await transfers.sweep();
    expect([active, done, failed, orphan].map((f) => store.has(f.id))).toEqual([true, true, false, false]);
    expect(await transfers.blob(done.id)).toBeDefined();
  });
});
