// A deleted file message lets its file go (review finding M2), on a real Messenger (fake
// IndexedDB, real sealing, real Links): delete for me (either direction), delete for everyone by
// its sender, and that delete as its receiver gets it, each tell the file layer (onFileGone) which
// file to stop and delete; a delete that arrives before its offer means the file is never fetched;
// a delete that changes nothing (not the author's) lets nothing go. What the file layer then does
// is in files/forget.test.ts.
import { describe, expect, it } from 'vitest';
import type { FileOffer } from '../../../shared/envelope';
import { toB64 } from '../../../shared/sodium';
import { type TestDevice, useTestWorld } from './test-device';

const w = useTestWorld();

const offer = (fileId: string): FileOffer => ({
  kind: 'file',
  fileId,
  name: 'photo.png',
  size: 10,
  type: 'image/png',
  sha256: '0'.repeat(64),
  key: toB64(w.s, w.s.randombytes_buf(32)),
});

/** `me`'s device with the file layer's hooks recorded: the offers handed to it, the files let go. */
async function device(me: 'alice' | 'bob') {
  const d: TestDevice = await w.device(me);
  const offered: string[] = [];
  const gone: string[] = [];
  d.messenger.onFileOffer = async (_peer, o) => void offered.push(o.fileId);
  d.messenger.onFileGone = async (fileId, how) => void gone.push(`${how}:${fileId}`);
  return { ...d, offered, gone };
}

const deliver = (bob: TestDevice, id: string, body: object) => bob.handle({ t: 'deliver', from: 'alice', id, env: w.seal('alice', 'bob', id, body), ts: 1 });

describe('a deleted file message lets its file go', () => {
  it('deleted for me, received or sent', async () => {
    const bob = await device('bob');
    await deliver(bob, 'file-0001', offer('aa'.repeat(16)));
    expect(bob.offered).toEqual(['aa'.repeat(16)]);
    await bob.messenger.sendFileOffer('alice', offer('bb'.repeat(16)));
    const sent = (await bob.messenger.conversation('dm:alice'))[1]!;
    await bob.messenger.actions.deleteForMe('dm:alice', 'in', 'file-0001');
    await bob.messenger.actions.deleteForMe('dm:alice', 'out', sent.id);
    expect(bob.gone).toEqual([`for_me:${'aa'.repeat(16)}`, `for_me:${'bb'.repeat(16)}`]);
    expect(await bob.messenger.conversation('dm:alice')).toEqual([]);
  });

  it('deleted for everyone by its sender: on the sender’s side, and on the receiver’s when the delete arrives', async () => {
    const alice = await device('alice');
    await alice.messenger.sendFileOffer('bob', offer('cc'.repeat(16)));
    const sent = (await alice.messenger.conversation('dm:bob'))[0]!;
    await alice.messenger.actions.deleteForEveryone('dm:bob', sent.id);
    expect(alice.gone).toEqual([`for_everyone:${'cc'.repeat(16)}`]);
    expect(sent).toMatchObject({ deleted: true });
    expect(sent.file).toBeUndefined();

    const bob = await device('bob');
    await deliver(bob, 'file-0002', offer('dd'.repeat(16)));
    await deliver(bob, 'del-0002', { kind: 'delete', target: 'file-0002' });
    expect(bob.gone).toEqual([`for_everyone:${'dd'.repeat(16)}`]);
    expect((await bob.messenger.conversation('dm:alice'))[0]).toMatchObject({ deleted: true });
  });

  it('deleted before its offer arrived: the file is never handed to the file layer (nothing is fetched)', async () => {
    const bob = await device('bob');
    await deliver(bob, 'del-0003', { kind: 'delete', target: 'file-0003' });
    await deliver(bob, 'file-0003', offer('ee'.repeat(16)));
    expect(bob.offered).toEqual([]);
    expect((await bob.messenger.conversation('dm:alice'))[0]).toMatchObject({ deleted: true });
  });

  it('a delete that changes nothing lets nothing go: one from someone else than the author', async () => {
    const bob = await device('bob');
    await bob.messenger.sendFileOffer('alice', offer('ff'.repeat(16)));
    const mine = (await bob.messenger.conversation('dm:alice'))[0]!;
    await deliver(bob, 'del-0004', { kind: 'delete', target: mine.id });
    expect(bob.gone).toEqual([]);
    expect(mine.file?.fileId).toBe('ff'.repeat(16));
  });
});
