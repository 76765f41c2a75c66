// Files over the auto-accept size wait for the user: nothing is fetched until accept(), the wait
// survives a reload, and declining tells the sender. The limit itself is remembered per browser.
// What a file's content is handed out as (never the type its sender declared) is checked here too.
import { describe, expect, it, vi } from 'vitest';
import type { FileOffer } from '../../../shared/envelope';
import type { Links } from '../peer/links';
import type { Connection } from '../net/connection';
import type { Contacts } from '../identity/contacts';
import type { TransferRecord } from '../storage/db';
import type { Messenger } from '../conversations/messenger';
import { AUTO_ACCEPT_DEFAULT_BYTES, AUTO_ACCEPT_MAX_BYTES, AutoAcceptSetting } from './auto-accept';
import { type TestFile, db, fakeLink, makeFile, reopenDatabase, s, store, useDatabase } from './incoming-test-support';
import { Transfers } from './transfers';

useDatabase();

/** Transfers over the test database and store, as a tab builds them; `offer` hands it a file offer from bob. */
async function open(autoAcceptBytes?: number) {
  const link = fakeLink();
  const links = { get: () => link } as unknown as Links;
  const messenger = {} as Messenger;
  const transfers = new Transfers(db, s, {} as Connection, {} as Contacts, links, messenger, store);
  await transfers.load();
  if (autoAcceptBytes !== undefined) await transfers.autoAccept.set(autoAcceptBytes);
  const offer = (file: TestFile) => messenger.onFileOffer!('bob', offerOf(file.record));
  return { transfers, offer, controls: link.controls };
}

function offerOf(r: TransferRecord): FileOffer {
  return { kind: 'file', fileId: r.fileId, name: r.name, size: r.size, type: 'text/html', sha256: r.sha256, key: r.key };
}

const state = async (file: TestFile) => (await db.get('transfers', file.id))?.state;

describe('an offer over the auto-accept size', () => {
  it('is saved as offered and nothing is asked for; chunks that come anyway are ignored, not answered', async () => {
    const file = makeFile(3 * 64 * 1024);
    const { transfers, offer, controls } = await open(64 * 1024);
    await offer(file);
    expect(await state(file)).toBe('offered');
    expect(transfers.view(file.id)?.record.state).toBe('offered');
    transfers.onChunk('bob', file.seal(0));
    transfers.resume('bob');
    expect(controls).toEqual([]);
    expect(store.has(file.id)).toBe(false);
  });

  it('still waits after a reload, and accept() fetches it from the start, handed out as application/octet-stream', async () => {
    const file = makeFile(3 * 64 * 1024);
    await (await open(64 * 1024)).offer(file);
    await reopenDatabase();
    const { transfers, controls } = await open();
    transfers.resume('bob');
    expect(controls).toEqual([]);
    expect(transfers.view(file.id)?.record.state).toBe('offered');

    transfers.accept(file.id);
    await vi.waitFor(() => expect(controls).toEqual([{ op: 'want', fileId: file.id, from: 0 }]));
    for (let i = 0; i < file.count; i++) transfers.onChunk('bob', file.seal(i));
    await vi.waitFor(() => expect(transfers.view(file.id)?.record.state).toBe('done'));
    expect((await transfers.blob(file.id))?.type).toBe('application/octet-stream');
    expect(await state(file)).toBe('done');
  });

  it('declined: the sender is told to stop, and it stays cancelled', async () => {
    const file = makeFile(100_000);
    const { transfers, offer, controls } = await open(0);
    await offer(file);
    transfers.cancel(file.id);
    expect(controls).toEqual([{ op: 'cancel', fileId: file.id }]);
    await vi.waitFor(async () => expect(await state(file)).toBe('cancelled'));
    transfers.accept(file.id);
    expect(controls).toHaveLength(1);
  });

  it('one within the size is fetched at once', async () => {
    const file = makeFile(64 * 1024);
    const { offer, controls } = await open(64 * 1024);
    await offer(file);
    expect(controls).toEqual([{ op: 'want', fileId: file.id, from: 0 }]);
  });
});

describe('AutoAcceptSetting', () => {
  it('is 25 MiB until set, and a set value is remembered by the next tab', async () => {
    const setting = new AutoAcceptSetting(db);
    await setting.load();
    expect(setting.bytes).toBe(AUTO_ACCEPT_DEFAULT_BYTES);
    expect(setting.accepts(AUTO_ACCEPT_DEFAULT_BYTES)).toBe(true);
    expect(setting.accepts(AUTO_ACCEPT_DEFAULT_BYTES + 1)).toBe(false);
    const changed = vi.fn();
    setting.addEventListener('change', changed);
    await setting.set(1024 * 1024);
    expect(changed).toHaveBeenCalledOnce();

    await reopenDatabase();
    const next = new AutoAcceptSetting(db);
    await next.load();
    expect(next.bytes).toBe(1024 * 1024);
  });

  it('ignores what is not a size, and caps one past the largest', async () => {
    const setting = new AutoAcceptSetting(db);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) await setting.set(bad);
    expect(setting.bytes).toBe(AUTO_ACCEPT_DEFAULT_BYTES);
    await setting.set(10 * AUTO_ACCEPT_MAX_BYTES);
    expect(setting.bytes).toBe(AUTO_ACCEPT_MAX_BYTES);
    await db.put('settings', 'lots', 'autoAcceptBytes');
    const loaded = new AutoAcceptSetting(db);
    await loaded.load();
    expect(loaded.bytes).toBe(AUTO_ACCEPT_DEFAULT_BYTES);
  });
});
