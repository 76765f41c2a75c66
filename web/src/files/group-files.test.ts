// Files in groups, the browser's side: an offer that arrives in a group conversation is fetched from
// the group's one copy (group_file_fetch naming the group and the uploader), takes only chunks
// streamed under that copy's name, is checked by SHA-256 like any reception, and is never released
// by a member (the copy is everyone's); a post uploads once for the group and offers only after
// the server kept it, and a refusal (muted, full) posts nothing.
import { describe, expect, it, vi } from 'vitest';
import type { FileOffer } from '../../../shared/envelope';
import type { ClientFrame } from '../../../shared/protocol';
import type { Links } from '../peer/links';
import { type Connection, RelayChunkEvent } from '../net/connection';
import type { Contacts } from '../identity/contacts';
import type { TransferRecord } from '../storage/db';
import type { Messenger } from '../conversations/messenger';
import type { FrameRoutes } from '../net/frame-router';
import { ParleyError } from '../net/parley-error';
import { type TestFile, db, fakeLink, makeFile, reopenDatabase, s, store, useDatabase } from './incoming-test-support';
import { Transfers } from './transfers';

useDatabase();

const GROUP = 'AAAAAAAAAAAAAAAAAAAAAA';

/** A connection that records what is sent and can deliver binary frames; frames' answers through `routes`. */
function fakeConnection() {
  const sent: ClientFrame[] = [];
  const binary: Uint8Array[] = [];
  const target = new EventTarget();
  const connection = Object.assign(target, {
    online: true,
    bufferedAmount: 0,
    send: (f: ClientFrame) => (sent.push(f), true),
    sendBinary: (name: string, payload: Uint8Array, store: boolean) => (binary.push(new Uint8Array([store ? 1 : 0, ...new TextEncoder().encode(name), 0, ...payload.subarray(0, 20)])), true),
    waitForDrain: async () => {},
  }) as unknown as Connection;
  const handlers = new Map<string, (f: unknown) => void>();
  const routes = { on: (t: string, h: (f: unknown) => void) => handlers.set(t, h) } as unknown as FrameRoutes;
  const frame = (f: { t: string; [field: string]: unknown }) => handlers.get(f.t)?.(f);
  return { connection, sent, binary, routes, frame, target };
}

async function open() {
  const c = fakeConnection();
  const link = fakeLink();
  const messenger = {} as Messenger;
  const transfers = new Transfers(db, s, c.connection, {} as Contacts, { get: () => link } as unknown as Links, messenger, store);
  await transfers.load();
  transfers.attach(c.routes);
  return { ...c, transfers, messenger, linkControls: link.controls };
}

const offerOf = (r: TransferRecord): FileOffer => ({ kind: 'file', fileId: r.fileId, name: r.name, size: r.size, type: 'image/png', sha256: r.sha256, key: r.key, stored: true });
const chunk = (target: EventTarget, name: string, bytes: Uint8Array) => target.dispatchEvent(new RelayChunkEvent(name, bytes));

describe('a file offered in a group', () => {
  it('is fetched from the group’s copy, takes only that copy’s chunks, verifies, and releases nothing', async () => {
    const file: TestFile = makeFile(3 * 64 * 1024 + 5);
    const { transfers, messenger, sent, target, linkControls } = await open();
    await messenger.onFileOffer!('ann', offerOf(file.record), Date.now(), `grp:${GROUP}`);
    await vi.waitFor(() => expect(sent).toContainEqual({ t: 'group_file_fetch', group: GROUP, from: 'ann', fileId: file.id, next: 0 }));
    expect(transfers.view(file.id)?.record.peer).toBe(`g:${GROUP}:ann`);
    // The same bytes under another source (another uploader, or a contact) are not this file's.
    chunk(target, `g:${GROUP}:bob`, file.seal(0));
    transfers.onChunk('ann', file.seal(0));
    for (let i = 0; i < file.count; i++) chunk(target, `g:${GROUP}:ann`, file.seal(i));
    await vi.waitFor(() => expect(transfers.view(file.id)?.record.state).toBe('done'));
    expect(new Uint8Array(await (await transfers.blob(file.id))!.arrayBuffer())).toEqual(file.data);
    // Nothing went to a contact's link, and no member releases the group's copy, done or deleted.
    await transfers.forget(file.id, 'for_everyone');
    expect(linkControls).toEqual([]);
    expect(sent.filter((f) => f.t === 'file_release' || f.t === 'group_file_release')).toEqual([]);
  });

  it('after a reload, fetches again from what it had stored once logged in', async () => {
    const file = makeFile(3 * 64 * 1024);
    const first = await open();
    await first.messenger.onFileOffer!('ann', offerOf(file.record), Date.now(), `grp:${GROUP}`);
    await vi.waitFor(() => expect(first.sent.some((f) => f.t === 'group_file_fetch')).toBe(true));
    await reopenDatabase();
    const { sent, frame } = await open();
    expect(sent).toEqual([]);
    frame({ t: 'welcome', offlineFileMaxBytes: 1, contacts: [] });
    await vi.waitFor(() => expect(sent).toContainEqual({ t: 'group_file_fetch', group: GROUP, from: 'ann', fileId: file.id, next: 0 }));
  });

  it('ends as cancelled when the group’s copy is gone', async () => {
    const file = makeFile(100);
    const { transfers, messenger, frame } = await open();
    await messenger.onFileOffer!('ann', offerOf(file.record), Date.now(), `grp:${GROUP}`);
    frame({ t: 'error', code: 'file_not_found', message: '', ref: file.id } as never);
    await vi.waitFor(() => expect(transfers.view(file.id)?.record.state).toBe('cancelled'));
    // What it stored is discarded, and the record saved, before the database closes.
    await new Promise((r) => setTimeout(r, 100));
  });
});

describe('a file posted in a group', () => {
  it('goes up once for the group, is offered after group_file_stored, and its deleting releases it for everyone', async () => {
    const { transfers, sent, binary, frame } = await open();
    const posted: FileOffer[] = [];
    transfers.postInGroup = async (group, offer) => void posted.push(offer);
    const done = transfers.sendToGroup(GROUP, [new File([new Uint8Array(70_000).fill(7)], 'cat.png', { type: 'image/png' })]);
    await vi.waitFor(() => expect(sent.some((f) => f.t === 'group_file_commit')).toBe(true));
    const commit = sent.find((f) => f.t === 'group_file_commit')!;
    expect(commit).toMatchObject({ group: GROUP, count: 2 });
    expect(binary.length).toBe(2);
    expect(posted).toEqual([]);
    frame({ t: 'group_file_stored', group: GROUP, fileId: (commit as { fileId: string }).fileId });
    await done;
    expect(posted).toMatchObject([{ kind: 'file', name: 'cat.png', size: 70_000, type: 'image/png', stored: true }]);
    expect(posted[0]!.fileId).toBe((commit as { fileId: string }).fileId);
    await transfers.forget(posted[0]!.fileId, 'for_everyone');
    expect(sent).toContainEqual({ t: 'group_file_release', group: GROUP, fileId: posted[0]!.fileId });
  });

  it('posts nothing when the server refuses the copy, and says why', async () => {
    const { transfers, sent, frame } = await open();
    const posted: FileOffer[] = [];
    transfers.postInGroup = async (_group, offer) => void posted.push(offer);
    const done = transfers.sendToGroup(GROUP, [new File([new Uint8Array(10)], 'a.bin')]);
    await vi.waitFor(() => expect(sent.some((f) => f.t === 'group_file_commit')).toBe(true));
    const { fileId } = sent.find((f) => f.t === 'group_file_commit') as { fileId: string };
    frame({ t: 'error', code: 'group_files_full', message: '', ref: fileId } as never);
    await expect(done).rejects.toEqual(new ParleyError('group_files_full'));
    expect(posted).toEqual([]);
    expect(transfers.view(fileId)?.record.state).toBe('failed');
  });
});
