// What changes a message after the fact, on a real Messenger (fake IndexedDB, real sealing, real
// Links): a quote follows an edit (and a delete) of its original, whoever made it; a message
// deleted for me stays deleted when the same id comes again, on either path, and what changes it
// later is not kept waiting; the tombstones are bounded; a read receipt that named one's own
// message before this device knew it applies when it is recorded.
import { describe, expect, it } from 'vitest';
import { MAX_FORGOTTEN, forgetMessage } from './forgotten';
import { useTestWorld } from './test-device';

const w = useTestWorld();
const deliver = (from: 'alice', id: string, body: object) => ({ t: 'deliver', from, id, env: w.seal(from, 'bob', id, body), ts: 1 }) as const;
const flushed = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('quotes follow their original', () => {
  it('an edit by the contact, then a delete, changes the quote of every reply to it (stored, and shown)', async () => {
    const bob = await w.device('bob');
    await bob.handle(deliver('alice', 'orig-0001', { kind: 'text', text: 'see you at 5' }));
    const original = (await bob.messenger.conversation('dm:alice'))[0]!;
    await bob.messenger.send('alice', 'ok', original);
    await bob.handle(deliver('alice', 'reply-001', { kind: 'reply', text: 'me too', quote: { id: 'orig-0001', author: 'alice', text: 'see you at 5' } }));
    const changed: string[] = [];
    bob.messenger.addEventListener('conversation', (e) => changed.push((e as unknown as { message?: { id: string } }).message?.id ?? ''));

    await bob.handle(deliver('alice', 'edit-0001', { kind: 'edit', target: 'orig-0001', text: 'see you at 6' }));
    const replies = (await bob.messenger.conversation('dm:alice')).filter((m) => m.reply);
    expect(replies.map((m) => m.reply!.text)).toEqual(['see you at 6', 'see you at 6']);
    expect(changed).toEqual(expect.arrayContaining(['orig-0001', 'reply-001', replies.find((m) => m.dir === 'out')!.id]));
    expect((await w.db.get('messages', ['dm:alice', 'in', 'reply-001']))!.reply!.text).toBe('see you at 6');

    await bob.handle(deliver('alice', 'del-00001', { kind: 'delete', target: 'orig-0001' }));
    expect((await w.db.get('messages', ['dm:alice', 'in', 'reply-001']))!.reply).toEqual({ id: 'orig-0001', author: 'alice', text: '' });
  });

  it('a reply that came before its original quotes the original once it arrives, not the sender’s claim', async () => {
    const bob = await w.device('bob');
    await bob.handle(deliver('alice', 'reply-003', { kind: 'reply', text: 'as I said', quote: { id: 'orig-0003', author: 'alice', text: 'a claim' } }));
    expect((await w.db.get('messages', ['dm:alice', 'in', 'reply-003']))!.reply!.text).toBe('a claim');
    await bob.handle(deliver('alice', 'orig-0003', { kind: 'text', text: 'what was said' }));
    expect((await w.db.get('messages', ['dm:alice', 'in', 'reply-003']))!.reply!.text).toBe('what was said');
  });

  it('one’s own edit re-quotes the replies on this device too; a reaction changes no quote', async () => {
    const bob = await w.device('bob');
    await bob.messenger.send('alice', 'lunch?');
    const mine = (await bob.messenger.conversation('dm:alice'))[0]!;
    await bob.handle(deliver('alice', 'reply-002', { kind: 'reply', text: 'yes', quote: { id: mine.id, author: 'bob', text: 'lunch?' } }));
    await bob.messenger.actions.edit('dm:alice', mine.id, 'lunch at noon?');
    expect((await w.db.get('messages', ['dm:alice', 'in', 'reply-002']))!.reply!.text).toBe('lunch at noon?');
  });
});

describe('delete for me', () => {
  it('stays deleted when the same message comes again on either path, and a later change to it is not kept waiting', async () => {
    const bob = await w.device('bob');
    const env = w.seal('alice', 'bob', 'gone-0001', { kind: 'text', text: 'forget me' });
    await bob.handle({ t: 'deliver', from: 'alice', id: 'gone-0001', env, ts: 1 });
    await bob.messenger.actions.deleteForMe('dm:alice', 'in', 'gone-0001');
    expect(await bob.messenger.conversation('dm:alice')).toEqual([]);

    await bob.handle({ t: 'deliver', from: 'alice', id: 'gone-0001', env, ts: 1 }); // a redelivery
    (await bob.net.openDirect('alice')).receive({ t: 'env', id: 'gone-0001', env }); // the other path
    await bob.net.router.idle();
    await bob.handle(deliver('alice', 'react-001', { kind: 'reaction', target: 'gone-0001', emoji: '👍' }));
    await flushed();
    expect(await bob.messenger.conversation('dm:alice')).toEqual([]);
    expect(await w.db.getAll('pending')).toEqual([]);
    // Still acknowledged (the sender may forget it), never refused.
    expect(bob.frames.some((f) => f.t === 'refuse')).toBe(false);
    expect(bob.frames.filter((f) => f.t === 'ack').flatMap((f) => (f as { ids: string[] }).ids)).toContain('gone-0001');
  });

  it('keeps at most MAX_FORGOTTEN tombstones, letting the oldest go', async () => {
    const tx = w.db.transaction('forgotten', 'readwrite');
    for (let i = 0; i < MAX_FORGOTTEN; i++) void tx.store.put({ conv: 'dm:alice', dir: 'in', id: `old-${i}`, at: i });
    await tx.done;
    await forgetMessage(w.db, ['dm:alice', 'in', 'newest'], MAX_FORGOTTEN + 1);
    expect(await w.db.count('forgotten')).toBe(MAX_FORGOTTEN);
    expect(await w.db.getKey('forgotten', ['dm:alice', 'in', 'old-0'])).toBeUndefined();
    expect(await w.db.getKey('forgotten', ['dm:alice', 'in', 'newest'])).toBeDefined();
  });
});

describe('a read receipt before its message is known', () => {
  it('waits, and applies when this device records the message', async () => {
    const bob = await w.device('bob');
    const id = '11111111-2222-4333-8444-555555555555';
    await bob.handle(deliver('alice', 'read-0001', { kind: 'read', ids: [id] }));
    expect((await w.db.getAll('pending')).map((p) => p.target)).toEqual([id]);
    const uuid = crypto.randomUUID;
    crypto.randomUUID = () => id; // the message another tab of this profile sent under that id
    try {
      await bob.messenger.send('alice', 'read before I knew');
    } finally {
      crypto.randomUUID = uuid;
    }
    expect((await bob.messenger.conversation('dm:alice'))[0]).toMatchObject({ id, state: 'read' });
    expect((await w.db.get('messages', ['dm:alice', 'out', id]))!.state).toBe('read');
    expect(await w.db.getAll('pending')).toEqual([]);
  });
});
