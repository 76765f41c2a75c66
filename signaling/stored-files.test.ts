import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES } from '../shared/file-chunks';
import { encodeRelayFrame } from '../shared/relay-frames';
import { useServer } from './test-support/harness';
import { opened, sealedFile, upload, withOfflineRecipient } from './test-support/sealed-files';

describe('files kept for an offline contact', () => {
  const h = useServer({ env: { OFFLINE_FILE_MAX_BYTES: String(2 * 1024 * 1024), OFFLINE_FILES_QUOTA_BYTES: String(3 * 1024 * 1024) } });

  it('stores a committed file across a crash, streams it from any chunk, and deletes it when released', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const file = sealedFile(1_500_000);
    upload(a, bob.username, file);
    a.send({ t: 'file_commit', to: bob.username, fileId: file.fileId, count: file.count });
    expect(await a.next('file_stored')).toEqual({ t: 'file_stored', to: bob.username, fileId: file.fileId });

    await h.server.restart('SIGKILL');
    const alice = a.identity!;
    const b2 = await h.login(bob);
    b2.send({ t: 'file_fetch', from: alice.username, fileId: file.fileId, next: 0 });
    await expect.poll(() => b2.relayed.length).toBe(file.count);
    expect(b2.relayed.every((r) => r.from === alice.username)).toBe(true);
    const all = opened(b2, file);
    expect(all.map((c) => c?.index)).toEqual(file.chunks.map((_, i) => i));
    expect(Buffer.concat(all.map((c) => c!.plain)).equals(Buffer.from(file.plain))).toBe(true);

    // A resume asks from where it stopped.
    b2.relayed.length = 0;
    b2.send({ t: 'file_fetch', from: alice.username, fileId: file.fileId, next: file.count - 3 });
    await expect.poll(() => b2.relayed.length).toBe(3);
    expect(opened(b2, file).map((c) => c?.index)).toEqual([file.count - 3, file.count - 2, file.count - 1]);

    b2.send({ t: 'file_release', peer: alice.username, fileId: file.fileId });
    b2.send({ t: 'file_fetch', from: alice.username, fileId: file.fileId, next: 0 });
    expect(await b2.next('error')).toMatchObject({ code: 'file_not_found', ref: file.fileId });
  });

  it('its uploader releases a copy not yet collected (its message was deleted for everyone); a third user naming it releases nothing', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const file = sealedFile(3 * CHUNK_BYTES);
    upload(a, bob.username, file);
    a.send({ t: 'file_commit', to: bob.username, fileId: file.fileId, count: file.count });
    await a.next('file_stored');
    const carol = await h.user('carol');
    carol.send({ t: 'file_release', peer: a.username, fileId: file.fileId });
    carol.send({ t: 'file_release', peer: bob.username, fileId: file.fileId });
    await carol.roundTrip();

    const b2 = await h.login(bob);
    b2.send({ t: 'file_fetch', from: a.username, fileId: file.fileId, next: file.count - 1 });
    await expect.poll(() => b2.relayed.length).toBe(1);
    a.send({ t: 'file_release', peer: bob.username, fileId: file.fileId });
    await a.roundTrip();
    b2.send({ t: 'file_fetch', from: a.username, fileId: file.fileId, next: 0 });
    expect(await b2.next('error')).toMatchObject({ code: 'file_not_found', ref: file.fileId });
  });

  it('refuses to commit a file with a missing chunk', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const file = sealedFile(5 * CHUNK_BYTES);
    upload(a, bob.username, file, [0, 1, 3, 4]);
    a.send({ t: 'file_commit', to: bob.username, fileId: file.fileId, count: file.count });
    expect(await a.next('error')).toMatchObject({ code: 'file_incomplete', ref: file.fileId });
    // Sending the missing chunk makes it whole.
    upload(a, bob.username, file, [2]);
    a.send({ t: 'file_commit', to: bob.username, fileId: file.fileId, count: file.count });
    expect(await a.next('file_stored')).toMatchObject({ fileId: file.fileId });
  });

  it('refuses a file over the size limit and a recipient over quota, and frees what a dropped upload held', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const big = sealedFile(2 * 1024 * 1024 + 1);
    upload(a, bob.username, big);
    a.send({ t: 'file_commit', to: bob.username, fileId: big.fileId, count: big.count });
    expect(await a.next('error')).toMatchObject({ code: 'file_too_large', ref: big.fileId });

    const first = sealedFile(2 * 1024 * 1024);
    upload(a, bob.username, first);
    a.send({ t: 'file_commit', to: bob.username, fileId: first.fileId, count: first.count });
    expect(await a.next('file_stored')).toMatchObject({ fileId: first.fileId });
    const second = sealedFile(1_500_000);
    upload(a, bob.username, second);
    a.send({ t: 'file_commit', to: bob.username, fileId: second.fileId, count: second.count });
    expect(await a.next('error')).toMatchObject({ code: 'queue_full', ref: second.fileId });

    // An upload abandoned halfway (the sender went away) does not keep its part of the quota.
    a.send({ t: 'file_release', peer: bob.username, fileId: first.fileId });
    const alice = a.identity!;
    upload(a, bob.username, first, first.chunks.map((_, i) => i).slice(0, 24));
    await a.roundTrip();
    await a.close();
    const a2 = await h.login(alice);
    const third = sealedFile(2 * 1024 * 1024);
    upload(a2, bob.username, third);
    a2.send({ t: 'file_commit', to: bob.username, fileId: third.fileId, count: third.count });
    expect(await a2.next('file_stored')).toMatchObject({ fileId: third.fileId });
  });

  it('keeps files between contacts only', async () => {
    const a = await h.user('alice');
    const stranger = await h.user('stranger');
    const file = sealedFile(1000);
    upload(a, stranger.username, file);
    expect(await a.next('error')).toMatchObject({ code: 'not_contact' });
    a.send({ t: 'file_commit', to: stranger.username, fileId: file.fileId, count: 1 });
    expect(await a.next('error')).toMatchObject({ code: 'not_contact' });
    stranger.send({ t: 'file_fetch', from: a.username, fileId: file.fileId, next: 0 });
    expect(await stranger.next('error')).toMatchObject({ code: 'not_contact' });
    // Not a sealed chunk at all.
    const [c, d] = await h.pair('carol', 'dave');
    c.sendRaw(Buffer.from(encodeRelayFrame(d.username, new Uint8Array(10), true)), { binary: true });
    expect(await c.next('error')).toMatchObject({ code: 'bad_frame' });
  });

  it('streams a stored file to a slow reader at its pace, without cutting it off', async () => {
    const { a, bob } = await withOfflineRecipient(h);
    const file = sealedFile(2 * 1024 * 1024);
    upload(a, bob.username, file);
    a.send({ t: 'file_commit', to: bob.username, fileId: file.fileId, count: file.count });
    await a.next('file_stored');

    const b2 = await h.login(bob);
    b2.pauseReading();
    b2.send({ t: 'file_fetch', from: a.username, fileId: file.fileId, next: 0 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    b2.resumeReading();
    await expect.poll(() => b2.relayed.length, { timeout: 10_000 }).toBe(file.count);
    expect(b2.isOpen).toBe(true);
    expect(opened(b2, file).map((c) => c?.index)).toEqual(file.chunks.map((_, i) => i));
  });
});
