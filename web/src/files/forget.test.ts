// A file whose message was deleted (Transfers.forget, review finding M2), through Transfers with a
// fake server connection and messenger over the test database and chunk store: nothing of it
// stays on this device (its bytes, its transfer record, the file a sending tab held), a transfer
// under way stops and tells the other side, a copy left with the server is released (at the next
// login when the connection is down, as for a cancel) unless its sender deleted it for me only (the
// copy is the recipient's then), and bytes whose removal failed go with the next sweep.
// Deleting through the message actions is in conversations/delete-file.test.ts; in the browser,
// e2e/delete-file.spec.ts.
import { describe, expect, it, vi } from 'vitest';
import type { FileOffer } from '../../../shared/envelope';
import type { ClientFrame, ServerFrameOf } from '../../../shared/protocol';
import type { Links } from '../peer/links';
import type { Connection } from '../net/connection';
import type { Contacts } from '../identity/contacts';
import type { TransferRecord } from '../storage/db';
import type { HeldOffer, Messenger } from '../conversations/messenger';
import { type TestFile, db, fakeLink, holdWrites, makeFile, pause, s, store, until, useDatabase } from './incoming-test-support';
import { OWED_RELEASES } from './owed-releases';
import { Transfers } from './transfers';

useDatabase();

const welcome = { t: 'welcome', contacts: [], offlineFileMaxBytes: 1024 * 1024 } as unknown as ServerFrameOf<'welcome'>;

/** A tab's Transfers over the test database and store, after `records` were saved by an earlier visit; `bob` is online as `net.bobOnline` says. */
async function tab(...records: TransferRecord[]) {
  for (const r of records) await db.put('transfers', r);
  const net = { up: true, bobOnline: true };
  const frames: ClientFrame[] = [];
  const events = new EventTarget();
  const connection = {
    get online() {
      return net.up;
    },
    send: (f: ClientFrame) => net.up && frames.push(f) > 0,
    sendBinary: () => net.up,
    bufferedAmount: 0,
    waitForDrain: async () => {},
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
  } as unknown as Connection;
  const offers: FileOffer[] = [];
  const held = { released: 0, failed: 0 };
  const messenger = {
    sendFileOffer: async (_peer: string, offer: FileOffer) => void offers.push(offer),
    offers: {
      holdFile: async (_peer: string, offer: FileOffer): Promise<HeldOffer> => {
        offers.push(offer);
        return { id: 'held', release: async () => void held.released++, fail: async () => void held.failed++ };
      },
      failFile: async () => {},
    },
  } as unknown as Messenger;
  const contacts = { get: (u: string) => (u === 'bob' ? { username: u, online: net.bobOnline, identityKey: '' } : undefined) } as unknown as Contacts;
  const link = fakeLink();
  const transfers = new Transfers(db, s, connection, contacts, { get: () => link } as unknown as Links, messenger, store);
  await transfers.load();
  transfers.onWelcome(welcome);
  const releases = () => frames.filter((f) => f.t === 'file_release');
  return { transfers, messenger, net, frames, releases, offers, held, controls: link.controls };
}

const saved = (fileId: string) => db.get('transfers', fileId);
const received = (file: TestFile): TransferRecord => ({ ...file.record, state: 'done', next: file.count });

describe('a received file whose message is deleted', () => {
  it('loses its bytes and its record, and shows nothing more; a new visit and its sweep find nothing of it', async () => {
    const [file, kept] = [makeFile(3 * 64 * 1024), makeFile(100)];
    store.seed(file.id, file.data);
    store.seed(kept.id, kept.data);
    const a = await tab(received(file), received(kept));
    expect(await a.transfers.blob(file.id)).toBeDefined();
    await a.messenger.onFileGone!(file.id, 'for_me');
    expect(store.has(file.id)).toBe(false);
    expect(await saved(file.id)).toBeUndefined();
    expect(a.transfers.view(file.id)).toBeUndefined();
    expect(await a.transfers.blob(file.id)).toBeUndefined();
    expect(a.controls).toEqual([]); // it was over: nothing to tell the sender
    expect(a.releases()).toEqual([]); // a file fetched from the server was released when it was checked
    const again = await tab();
    await again.transfers.sweep();
    expect([store.has(file.id), store.has(kept.id)]).toEqual([false, true]);
    expect(again.transfers.view(kept.id)?.record.state).toBe('done');
  });

  it('under way, stops (the sender is told) and is not written back by a write that was in flight', async () => {
    const file = makeFile(40 * 64 * 1024);
    const a = await tab({ ...file.record });
    a.transfers.onChunk('bob', file.seal(0));
    const writes = holdWrites();
    for (let i = 1; i < 20; i++) a.transfers.onChunk('bob', file.seal(i));
    await until(() => expect(writes.started()).toBeGreaterThan(0));
    const forgotten = a.messenger.onFileGone!(file.id, 'for_everyone');
    writes.release();
    await forgotten;
    expect(a.controls).toContainEqual({ op: 'cancel', fileId: file.id });
    expect(store.has(file.id)).toBe(false);
    await pause();
    expect(await saved(file.id)).toBeUndefined();
    // Chunks still on their way are answered as for any file this device does not take.
    a.transfers.onChunk('bob', file.seal(20));
    expect(a.controls.at(-1)).toEqual({ op: 'cancel', fileId: file.id });
    expect(store.has(file.id)).toBe(false);
  });

  it('whose bytes could not be deleted has them deleted by the next visit’s sweep', async () => {
    const file = makeFile(100);
    store.seed(file.id, file.data);
    const a = await tab(received(file));
    store.remove = async () => {
      throw new DOMException('busy', 'NoModificationAllowedError');
    };
    await a.messenger.onFileGone!(file.id, 'for_me');
    expect(store.has(file.id)).toBe(true);
    expect(await saved(file.id)).toBeUndefined();
    delete (store as { remove?: unknown }).remove; // the prototype's again
    await (await tab()).transfers.sweep();
    expect(store.has(file.id)).toBe(false);
  });

  it('fetched from the server and not yet collected, releases the server’s copy', async () => {
    const file = makeFile(100);
    const a = await tab({ ...file.record, stored: true });
    await a.messenger.onFileGone!(file.id, 'for_me');
    expect(a.releases()).toContainEqual({ t: 'file_release', peer: 'bob', fileId: file.id });
    expect(await saved(file.id)).toBeUndefined();
  });
});

describe('a sent file whose message is deleted', () => {
  it('sent live: the send stops, the contact is told, and the tab lets go of the file and its record', async () => {
    const a = await tab();
    await a.transfers.send('bob', [new File([makeFile(3 * 64 * 1024).data], 'live.bin')]);
    const fileId = a.offers[0]!.fileId;
    expect(await a.transfers.blob(fileId)).toBeDefined();
    await a.messenger.onFileGone!(fileId, 'for_me');
    expect(a.controls).toContainEqual({ op: 'cancel', fileId });
    expect(await a.transfers.blob(fileId)).toBeUndefined();
    expect(a.transfers.view(fileId)).toBeUndefined();
    await pause();
    expect(await saved(fileId)).toBeUndefined();
    expect(a.releases()).toEqual([]); // nothing was left with the server
    // The contact asking for it now is told it is gone.
    a.transfers.onControl('bob', { op: 'want', fileId, from: 0 });
    expect(a.controls.at(-1)).toEqual({ op: 'cancel', fileId });
  });

  it('being left with the server: the upload stops, its copy is released, and its held offer is neither sent nor failed', async () => {
    const a = await tab();
    a.net.bobOnline = false;
    await a.transfers.send('bob', [new File([makeFile(3 * 64 * 1024).data], 'later.bin')]);
    await vi.waitFor(() => expect(a.frames.some((f) => f.t === 'file_commit')).toBe(true));
    const fileId = a.offers[0]!.fileId;
    await a.messenger.onFileGone!(fileId, 'for_everyone');
    a.transfers.onFileStored({ t: 'file_stored', to: 'bob', fileId }); // the commit's answer, late
    await pause();
    expect(a.releases()).toEqual([{ t: 'file_release', peer: 'bob', fileId }]);
    // Failing it would write back a message deleted for me; releasing it would offer a deleted file.
    expect(a.held).toEqual({ released: 0, failed: 0 });
    expect(await saved(fileId)).toBeUndefined();
  });

  it('kept by the server from an earlier visit, deleted while offline: released at the next login', async () => {
    const file = makeFile(100);
    const a = await tab({ ...file.record, dir: 'out', state: 'stored', stored: true });
    a.net.up = false;
    await a.messenger.onFileGone!(file.id, 'for_everyone');
    expect(await saved(file.id)).toBeUndefined();
    expect(await db.get('settings', OWED_RELEASES)).toEqual([{ peer: 'bob', fileId: file.id }]);
    // A reload before the next login keeps what is owed.
    const b = await tab(); // it logs in
    await vi.waitFor(() => expect(b.releases()).toEqual([{ t: 'file_release', peer: 'bob', fileId: file.id }]));
    await vi.waitFor(async () => expect(await db.get('settings', OWED_RELEASES)).toBeUndefined());
    b.transfers.onWelcome(welcome); // sent once
    await pause();
    expect(b.releases()).toHaveLength(1);
  });

  it('cancelled by its user (not deleted) while logged out: its copy is released at the next login too', async () => {
    const a = await tab();
    a.net.bobOnline = false;
    await a.transfers.send('bob', [new File([makeFile(100).data], 'kept.bin')]);
    await vi.waitFor(() => expect(a.frames.some((f) => f.t === 'file_commit')).toBe(true));
    const fileId = a.offers[0]!.fileId;
    a.transfers.onFileStored({ t: 'file_stored', to: 'bob', fileId });
    await vi.waitFor(() => expect(a.transfers.view(fileId)?.record.state).toBe('stored'));
    a.net.up = false;
    a.transfers.cancel(fileId);
    await vi.waitFor(async () => expect(await db.get('settings', OWED_RELEASES)).toEqual([{ peer: 'bob', fileId }]));
    a.net.up = true;
    a.transfers.onWelcome(welcome);
    await vi.waitFor(() => expect(a.releases()).toEqual([{ t: 'file_release', peer: 'bob', fileId }]));
  });

  it('deleted for me by its sender once the server keeps it for the contact: the copy stays theirs, only this device forgets it', async () => {
    const a = await tab();
    a.net.bobOnline = false;
    await a.transfers.send('bob', [new File([makeFile(100).data], 'theirs.bin')]);
    await vi.waitFor(() => expect(a.frames.some((f) => f.t === 'file_commit')).toBe(true));
    const fileId = a.offers[0]!.fileId;
    a.transfers.onFileStored({ t: 'file_stored', to: 'bob', fileId });
    await vi.waitFor(() => expect(a.transfers.view(fileId)?.record.state).toBe('stored'));
    await a.messenger.onFileGone!(fileId, 'for_me');
    // And the same from an earlier visit's record.
    const earlier = makeFile(100);
    const b = await tab({ ...earlier.record, dir: 'out', state: 'stored', stored: true });
    await b.messenger.onFileGone!(earlier.id, 'for_me');
    await pause();
    for (const [t, id] of [[a, fileId], [b, earlier.id]] as const) {
      expect(t.releases()).toEqual([]);
      expect(t.controls).toEqual([]); // no cancel: the contact may still collect it
      expect(await saved(id)).toBeUndefined();
      expect(t.transfers.view(id)).toBeUndefined();
    }
    expect(await a.transfers.blob(fileId)).toBeUndefined();
  });

  it('collected by the contact already: nothing to release', async () => {
    const file = makeFile(100);
    const a = await tab({ ...file.record, dir: 'out', state: 'done', stored: true, next: file.count });
    await a.messenger.onFileGone!(file.id, 'for_everyone');
    expect(a.releases()).toEqual([]);
    expect(await saved(file.id)).toBeUndefined();
  });
});
