// Files for a contact who is offline, or who went offline just as the file was picked, through
// Transfers with a fake server connection and messenger: the offer of a stored file leaves only
// after `file_stored`; a copy the server refuses leaves no offer and says why; a live offer the
// server kept (its contact had gone) gets a copy too, dropped if the contact asks live; and the
// receiving side asks the server for a file whose sender is offline, again a few times while a
// stored offer is young. The browser flow is in e2e/pick-offline.spec.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FileOffer } from '../../../shared/envelope';
import type { ClientFrame, ServerFrameOf } from '../../../shared/protocol';
import type { Links } from '../peer/links';
import type { Connection } from '../net/connection';
import type { Contacts } from '../identity/contacts';
import type { TransferRecord } from '../storage/db';
import type { HeldOffer, Messenger } from '../conversations/messenger';
import { db, fakeLink, makeFile, s, store, useDatabase } from './incoming-test-support';
import { Transfers } from './transfers';

useDatabase();
afterEach(() => vi.useRealTimers());

/** A tab's Transfers; `bob` (its one contact) is online or not as `presence.online` says. */
async function tab(presence = { online: false }) {
  const frames: ClientFrame[] = [];
  const stored: number[] = []; // chunk frames sent with the store flag
  const events = new EventTarget();
  const connection = {
    online: true,
    send: (f: ClientFrame) => frames.push(f) > 0,
    sendBinary: (_to: string, _bytes: Uint8Array, keep = false) => (keep ? stored.push(1) : 0) >= 0,
    bufferedAmount: 0,
    waitForDrain: async () => {},
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
  } as unknown as Connection;
  const offers: FileOffer[] = [];
  const held: Array<{ offer: FileOffer; failed?: string }> = [];
  const notes: string[] = [];
  const messenger = {
    sendFileOffer: async (_peer: string, offer: FileOffer) => void offers.push(offer),
    offers: {
      holdFile: async (_peer: string, offer: FileOffer): Promise<HeldOffer> => {
        const h: { offer: FileOffer; failed?: string } = { offer };
        held.push(h);
        return { id: 'held-offer', release: async () => void offers.push(offer), fail: async (code) => void (h.failed = code ?? 'none') };
      },
      noteFile: async (_peer: string, _fileId: string, code: string) => void notes.push(code),
      failFile: async () => {},
    },
  } as unknown as Messenger;
  const contacts = { get: (u: string) => (u === 'bob' ? { username: u, online: presence.online, identityKey: '' } : undefined) } as unknown as Contacts;
  const link = fakeLink();
  const links = { get: () => link } as unknown as Links;
  const transfers = new Transfers(db, s, connection, contacts, links, messenger, store);
  await transfers.load();
  transfers.onWelcome({ t: 'welcome', offlineFileMaxBytes: 1024 * 1024 } as unknown as ServerFrameOf<'welcome'>);
  const fileIdOf = () => (held[0]?.offer ?? offers[0])!.fileId;
  return { transfers, messenger, frames, stored, offers, held, notes, controls: link.controls, fileIdOf, presence };
}

const aFile = (size = 3 * 64 * 1024) => new File([makeFile(size).data], 'for-bob.bin');
const commitOf = (frames: ClientFrame[]) => frames.find((f) => f.t === 'file_commit');
const record = async (fileId: string): Promise<TransferRecord | undefined> => db.get('transfers', fileId);

describe('a file picked while its contact is offline', () => {
  it('is offered only once the server has committed every chunk', async () => {
    const a = await tab();
    await a.transfers.send('bob', [aFile()]);
    expect(a.held).toHaveLength(1);
    await vi.waitFor(() => expect(commitOf(a.frames)).toBeDefined());
    expect(a.stored).toHaveLength(3);
    expect(a.offers).toEqual([]); // chunks up and committed, but not yet durable: no offer
    const fileId = a.fileIdOf();
    a.transfers.onFileStored({ t: 'file_stored', to: 'bob', fileId });
    await vi.waitFor(() => expect(a.offers).toHaveLength(1));
    expect(a.offers[0]).toMatchObject({ fileId, stored: true });
    await vi.waitFor(async () => expect((await record(fileId))?.state).toBe('stored'));
  });

  it('that the server will not keep is never offered, and its message says why', async () => {
    const a = await tab();
    await a.transfers.send('bob', [aFile()]);
    await vi.waitFor(() => expect(commitOf(a.frames)).toBeDefined());
    a.transfers.onServerError({ t: 'error', code: 'server_full', message: 'full', ref: a.fileIdOf() });
    await vi.waitFor(() => expect(a.held[0]!.failed).toBe('file_not_stored'));
    expect(a.offers).toEqual([]);
    await vi.waitFor(async () => expect(await record(a.fileIdOf())).toMatchObject({ state: 'failed', reason: 'interrupted' }));
  });
});

describe('a live offer the server kept because the contact had just gone', () => {
  it('gets a copy left with the server as well', async () => {
    const a = await tab({ online: true });
    await a.transfers.send('bob', [aFile()]);
    expect(a.offers[0]!.stored).toBeUndefined();
    const fileId = a.fileIdOf();
    a.messenger.onFileOfferSettled!('bob', fileId, 'sent');
    await vi.waitFor(() => expect(commitOf(a.frames)).toBeDefined());
    a.transfers.onFileStored({ t: 'file_stored', to: 'bob', fileId });
    await vi.waitFor(async () => expect(await record(fileId)).toMatchObject({ state: 'stored', stored: true }));
    expect(a.offers).toHaveLength(1); // the receiver finds the copy by asking the server (below)
  });

  it('drops its copy when the contact asks for the file live', async () => {
    const a = await tab({ online: true });
    await a.transfers.send('bob', [aFile()]);
    const fileId = a.fileIdOf();
    a.messenger.onFileOfferSettled!('bob', fileId, 'sent');
    await vi.waitFor(() => expect(commitOf(a.frames)).toBeDefined());
    a.transfers.onControl('bob', { op: 'want', fileId, from: 0 });
    expect(a.frames).toContainEqual({ t: 'file_release', peer: 'bob', fileId });
    // The commit's late answer changes nothing: the file goes live.
    a.transfers.onFileStored({ t: 'file_stored', to: 'bob', fileId });
    await vi.waitFor(async () => expect((await record(fileId))?.state).toBe('active'));
    expect(a.transfers.view(fileId)?.uploading).toBe(false);
  });

  it('over the server’s limit for files, says it goes once both are online', async () => {
    const a = await tab({ online: true });
    await a.transfers.send('bob', [aFile(2 * 1024 * 1024)]);
    a.messenger.onFileOfferSettled!('bob', a.fileIdOf(), 'sent');
    await vi.waitFor(() => expect(a.notes).toEqual(['file_waits']));
    expect(a.stored).toEqual([]);
  });
});

describe('receiving from a sender who is offline', () => {
  const offerOf = (r: TransferRecord, stored?: boolean): FileOffer => ({
    kind: 'file', fileId: r.fileId, name: r.name, size: r.size, type: '', sha256: r.sha256, key: r.key, ...(stored ? { stored } : {}),
  });
  const fetches = (frames: ClientFrame[]) => frames.filter((f) => f.t === 'file_fetch').length;

  it('a live offer whose `want` meets peer_offline asks the server, and with no copy there waits for the sender', async () => {
    const b = await tab();
    const file = makeFile(3 * 64 * 1024);
    await b.messenger.onFileOffer!('bob', offerOf(file.record));
    expect(b.controls).toEqual([{ op: 'want', fileId: file.id, from: 0 }]);
    b.transfers.onServerError({ t: 'error', code: 'peer_offline', message: 'offline', ref: 'bob' });
    expect(b.frames).toContainEqual({ t: 'file_fetch', from: 'bob', fileId: file.id, next: 0 });
    b.transfers.onServerError({ t: 'error', code: 'file_not_found', message: 'none', ref: file.id });
    expect(b.controls).toHaveLength(2);
    // It goes on waiting for the sender: another peer_offline does not send it back to the server.
    b.transfers.onServerError({ t: 'error', code: 'peer_offline', message: 'offline', ref: 'bob' });
    expect(fetches(b.frames)).toBe(1);
  });

  it('a young stored offer that finds no copy asks the server again with backoff, then the sender', async () => {
    const b = await tab();
    const file = makeFile(3 * 64 * 1024);
    await b.messenger.onFileOffer!('bob', offerOf(file.record, true), Date.now());
    expect(fetches(b.frames)).toBe(1);
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const notFound = () => b.transfers.onServerError({ t: 'error', code: 'file_not_found', message: 'none', ref: file.id });
    for (const [i, wait] of [1000, 2000, 4000, 8000].entries()) {
      notFound();
      vi.advanceTimersByTime(wait - 1);
      expect(fetches(b.frames)).toBe(i + 1);
      vi.advanceTimersByTime(1);
      expect(fetches(b.frames)).toBe(i + 2);
    }
    expect(b.controls).toEqual([]);
    notFound();
    expect(b.controls).toEqual([{ op: 'want', fileId: file.id, from: 0 }]);
  });

  it('a stored offer that finds no copy while its sender is online asks the sender at once; an old one too', async () => {
    const b = await tab({ online: true });
    const [young, old] = [makeFile(100), makeFile(200)];
    await b.messenger.onFileOffer!('bob', offerOf(young.record, true), Date.now());
    b.transfers.onServerError({ t: 'error', code: 'file_not_found', message: 'none', ref: young.id });
    b.presence.online = false;
    await b.messenger.onFileOffer!('bob', offerOf(old.record, true), Date.now() - 120_000);
    b.transfers.onServerError({ t: 'error', code: 'file_not_found', message: 'none', ref: old.id });
    expect(b.controls.map((c) => c.fileId)).toEqual([young.id, old.id]);
  });
});
