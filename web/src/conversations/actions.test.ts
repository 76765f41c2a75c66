// Message actions on a real Messenger (fake IndexedDB, real sealing, real Links): a reply carries
// a bounded quote and a receiver shows its own copy of the original over the sender's claim; an
// edit waits for its message, comes only from the author, and the latest by the author's clock
// wins; a replayed modifier changes nothing; a reaction is taken back; delete for everyone asks
// the server to drop the queued original (`unsend`) each time the delete goes, and the original
// is not sent after it; delete for me is local only.
import { describe, expect, it } from 'vitest';
import { MAX_QUOTE_CHARS } from '../../../shared/envelope';
import { reactionCounts } from './bodies/reaction';
import { clip } from './bodies/reply';
import { useTestWorld } from './test-device';

const w = useTestWorld();
const welcome = { t: 'welcome', contacts: [], incoming: [], outgoing: [], iceServers: [], offlineFileMaxBytes: 0 } as never;
const sends = (frames: { t: string }[]) => frames.filter((f): f is { t: 'send'; to: string; id: string; env: string } => f.t === 'send');

describe('reply', () => {
  it('quotes the original (bounded, by its author) and shows the quote on both sides', async () => {
    const bob = await w.device('bob');
    const long = `${'x'.repeat(MAX_QUOTE_CHARS - 1)}😀 and more`;
    await bob.handle({ t: 'deliver', from: 'alice', id: 'orig-0001', env: w.seal('alice', 'bob', 'orig-0001', { kind: 'text', text: long }), ts: 1 });
    const original = (await bob.messenger.conversation('dm:alice'))[0]!;
    await bob.messenger.send('alice', 'my answer', original);
    const [sent] = sends(bob.frames);
    // The quote stops before the emoji rather than cut it in two.
    const quote = { id: 'orig-0001', author: 'alice', text: 'x'.repeat(MAX_QUOTE_CHARS - 1) };
    expect(await w.open('bob', 'alice', sent!.id, sent!.env)).toEqual({ kind: 'reply', text: 'my answer', quote });
    expect((await bob.messenger.conversation('dm:alice'))[1]).toMatchObject({ dir: 'out', text: 'my answer', reply: quote });
  });

  it('shows this device’s own copy of a quoted message over the sender’s claim, and the claim when it has none', async () => {
    const bob = await w.device('bob');
    await bob.messenger.send('alice', 'what I really said');
    const mine = (await bob.messenger.conversation('dm:alice'))[0]!;
    const forged = { kind: 'reply', text: 'so you admit it', quote: { id: mine.id, author: 'bob', text: 'I owe you 1000' } };
    await bob.handle({ t: 'deliver', from: 'alice', id: 'reply-001', env: w.seal('alice', 'bob', 'reply-001', forged), ts: 1 });
    const unknown = { kind: 'reply', text: 'about that', quote: { id: 'gone-0001', author: 'alice', text: 'an old one' } };
    await bob.handle({ t: 'deliver', from: 'alice', id: 'reply-002', env: w.seal('alice', 'bob', 'reply-002', unknown), ts: 1 });
    const [, first, second] = await bob.messenger.conversation('dm:alice');
    expect(first!.reply).toEqual({ id: mine.id, author: 'bob', text: 'what I really said' });
    expect(second!.reply).toEqual({ ...unknown.quote, unverified: true }); // only the sender's claim
  });

  it('clips to whole code points', () => {
    expect(clip('ab😀', 3)).toBe('ab');
    expect(clip('ab😀', 4)).toBe('ab😀');
  });
});

describe('edit', () => {
  it('waits for its message, is the author’s only, and the latest by the author’s clock wins whatever the order', async () => {
    const bob = await w.device('bob');
    const edit = (id: string, text: string, ts: number, from: 'alice' | 'carol' = 'alice') =>
      bob.handle({ t: 'deliver', from, id, env: w.seal(from, 'bob', id, { kind: 'edit', target: 'late-0001', text }, ts), ts: 1 });
    await edit('edit-0002', 'second', 2000);
    await edit('edit-0001', 'first', 1000);
    expect(await bob.messenger.conversation('dm:alice')).toEqual([]);
    await bob.handle({ t: 'deliver', from: 'alice', id: 'late-0001', env: w.seal('alice', 'bob', 'late-0001', { kind: 'text', text: 'typo' }, 500), ts: 1 });
    const message = (await bob.messenger.conversation('dm:alice'))[0]!;
    expect(message).toMatchObject({ text: 'second', edited: 2000 });
    // Late, older, replayed: nothing changes.
    await edit('edit-0003', 'older', 1500);
    await edit('edit-0002', 'second', 2000);
    expect(message).toMatchObject({ text: 'second', edited: 2000 });
    expect(await w.db.get('messages', ['dm:alice', 'in', 'late-0001'])).toMatchObject({ text: 'second', edited: 2000 });
    // bob edits nothing of alice's, and carol edits nothing in another conversation.
    await bob.messenger.actions.edit('dm:alice', 'late-0001', 'mine now');
    expect(message.text).toBe('second');
    await bob.messenger.send('alice', 'bob’s own');
    const own = (await bob.messenger.conversation('dm:alice'))[1]!;
    const forged = { kind: 'edit', target: own.id, text: 'forged' };
    await bob.handle({ t: 'deliver', from: 'alice', id: 'edit-0004', env: w.seal('alice', 'bob', 'edit-0004', forged, Date.now() + 1000), ts: 1 });
    expect(own.text).toBe('bob’s own');
    expect(own.edited).toBeUndefined();
  });

  it('edits one’s own text message as an outbox job of its kind; a file is not editable', async () => {
    const alice = await w.device('alice');
    await alice.messenger.send('bob', 'helo');
    const message = (await alice.messenger.conversation('dm:bob'))[0]!;
    await alice.messenger.actions.edit('dm:bob', message.id, ' hello ');
    expect(message).toMatchObject({ text: 'hello' });
    expect(message.edited).toBeGreaterThan(0);
    const [, job] = sends(alice.frames);
    expect(await w.open('alice', 'bob', job!.id, job!.env)).toEqual({ kind: 'edit', target: message.id, text: 'hello' });
    expect((await w.db.get('outbox', job!.id))?.kind).toBe('edit');
    await alice.messenger.actions.edit('dm:bob', message.id, 'hello'); // the same text: nothing sent
    expect(sends(alice.frames)).toHaveLength(2);
  });
});

describe('reactions, deletes', () => {
  it('a reaction taken back leaves none to show, on both sides', async () => {
    const alice = await w.device('alice');
    await alice.messenger.send('bob', 'nice');
    const message = (await alice.messenger.conversation('dm:bob'))[0]!;
    await alice.messenger.actions.react('dm:bob', message.id, '👍');
    expect(reactionCounts(message.reactions)).toEqual([{ emoji: '👍', count: 1, authors: ['alice'] }]);
    await alice.messenger.actions.react('dm:bob', message.id, '👍', true);
    expect(reactionCounts(message.reactions)).toEqual([]);
    const removal = sends(alice.frames)[2]!;
    expect(await w.open('alice', 'bob', removal.id, removal.env)).toEqual({ kind: 'reaction', target: message.id, emoji: '👍', remove: true });
  });

  it('delete for everyone asks the server to drop the queued original before each send of the delete, and never sends the original again', async () => {
    const alice = await w.device('alice');
    await alice.messenger.send('bob', 'regretted');
    const message = (await alice.messenger.conversation('dm:bob'))[0]!;
    await alice.messenger.actions.deleteForEveryone('dm:bob', message.id);
    const deleteJob = sends(alice.frames)[1]!;
    const order = () => alice.frames.filter((f) => f.t === 'unsend' || f.t === 'send').map((f) => (f.t === 'unsend' ? `unsend:${f.id}` : `send:${f.id}`));
    expect(order()).toEqual([`send:${message.id}`, `unsend:${message.id}`, `send:${deleteJob.id}`]);
    expect(alice.frames.find((f) => f.t === 'unsend')).toEqual({ t: 'unsend', to: 'bob', id: message.id });
    // At the next login only the delete goes again, its unsend before it.
    await alice.handle(welcome);
    expect(order().slice(3)).toEqual([`unsend:${message.id}`, `send:${deleteJob.id}`]);
    expect(message).toMatchObject({ deleted: true, text: '' });
  });

  it('delete for me removes the message from this device only', async () => {
    const bob = await w.device('bob');
    await bob.handle({ t: 'deliver', from: 'alice', id: 'drop-0001', env: w.seal('alice', 'bob', 'drop-0001', { kind: 'text', text: 'bye' }), ts: 1 });
    const before = bob.frames.length;
    await bob.messenger.actions.deleteForMe('dm:alice', 'in', 'drop-0001');
    expect(await bob.messenger.conversation('dm:alice')).toEqual([]);
    expect(await w.db.get('messages', ['dm:alice', 'in', 'drop-0001'])).toBeUndefined();
    expect(bob.frames.slice(before).filter((f) => f.t !== 'ack')).toEqual([]);
  });
});
