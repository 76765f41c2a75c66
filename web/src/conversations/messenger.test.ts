// The Messenger on a fake IndexedDB with real sealing and real Links (fake server, fake channels).
// Its answers, both ways: a receipt settles a message only when it comes from its recipient; an envelope that does not open is refused (not
// acknowledged), on the relay and on the direct channel, while a duplicate is still acknowledged;
// a refusal shows the message failed and drops it from the outbox; a held file offer leaves only
// when released. Outbox jobs of every kind are durable, resent and dropped alike; a message that
// comes twice (or on both paths) is stored once; modifiers that arrive before their message wait
// for it; an unknown body kind is acknowledged and shown unsupported. The server's side of
// receipts has its own integration tests (signaling/).
import { describe, expect, it, vi } from 'vitest';
import type { FileOffer } from '../../../shared/envelope';
import type { ClientFrame } from '../../../shared/protocol';
import type { FakeChannel } from '../peer/fake-channel';
import { dmId } from './conversation-id';
import type { Messenger } from './messenger';
import { type Name, useTestWorld } from './test-device';

const world = useTestWorld();

/** What one device's Messenger sent, through real Links: frames to the server, and on direct channels. */
interface Wire {
  frames: ClientFrame[];
  /** Envelopes sent, on either path. */
  sent: Array<{ to: string; id: string; env: string }>;
  /** Answers sent on direct channels. */
  direct: Array<{ peer: string; t: 'ack' | 'refuse'; ids: string[] }>;
}

/** `me`'s Messenger (test-device.ts), with what it sent on either path. */
async function device(me: Name) {
  const { messenger, net } = await world.device(me);
  const channelPeer = new Map<FakeChannel, string>();
  const peerOf = (c: FakeChannel) => channelPeer.get(c)!;
  /** The open direct channel with `peer` (opened the first time). */
  const direct = async (peer: string) => {
    const open = [...channelPeer].find(([c, p]) => p === peer && c.open)?.[0];
    if (open) return open;
    const channel = await net.openDirect(peer);
    channelPeer.set(channel, peer);
    return channel;
  };
  /** `peer` sends `frame` on the direct channel; resolves once it is handled. */
  const fromDirect = async (peer: string, frame: Parameters<FakeChannel['receive']>[0]) => {
    (await direct(peer)).receive(frame);
    await net.router.idle();
  };
  const wire: Wire = {
    frames: net.frames,
    get sent() {
      const relayed = net.frames.flatMap((f) => (f.t === 'send' ? [{ to: f.to, id: f.id, env: f.env }] : []));
      const direct = net.channels.flatMap((c) => c.sent.flatMap((f) => (f.t === 'env' ? [{ to: peerOf(c), id: f.id, env: f.env }] : [])));
      return [...relayed, ...direct];
    },
    get direct() {
      return net.channels.flatMap((c) => c.sent.flatMap((f) => (f.t === 'ack' || f.t === 'refuse' ? [{ peer: peerOf(c), t: f.t, ids: f.ids }] : [])));
    },
  };
  return { messenger, wire, handle: net.handle, direct, fromDirect };
}

const outState = async (m: Messenger, peer: string, id: string) => (await m.conversation(dmId(peer))).find((x) => x.dir === 'out' && x.id === id);
/** Lets the batched answers (one turn of the event loop) go out. */
const flushed = () => new Promise((resolve) => setTimeout(resolve, 5));
/** The ids answered with frame `t` for sender `from`, over however many batches (a batch holds an id once). */
const answered = (w: Wire, t: 'ack' | 'refuse', from: string) => [
  ...new Set(w.frames.flatMap((f) => (f.t === t && f.from === from ? f.ids : []))),
];

/** alice's message to bob, sealed by alice, as it would reach bob. */
function sealedForBob(id: string, text = 'hello') {
  return world.seal('alice', 'bob', id, { kind: 'text', text });
}

describe('receipts settle only messages sent to whoever gives them', () => {
  it('a forged delivered from a third contact leaves alice’s message to bob in the outbox, not delivered', async () => {
    const { messenger, wire, handle, fromDirect } = await device('alice');
    await messenger.send('bob', 'for bob only');
    const { id } = wire.sent[0]!;

    await handle({ t: 'delivered', by: 'carol', ids: [id] });
    await fromDirect('carol', { t: 'ack', ids: [id] });
    await handle({ t: 'refused', by: 'carol', ids: [id] });
    expect((await outState(messenger, 'bob', id))?.state).toBe('sending');
    expect(await world.db.get('outbox', id)).toBeDefined();
    // Still resent at the next login: it is in the outbox mirror too.
    await handle({ t: 'welcome', contacts: [], incoming: [], outgoing: [], iceServers: [], offlineFileMaxBytes: 0 } as never);
    expect(wire.sent.filter((x) => x.id === id)).toHaveLength(2);

    await handle({ t: 'delivered', by: 'bob', ids: [id] });
    expect((await outState(messenger, 'bob', id))?.state).toBe('delivered');
    expect(await world.db.get('outbox', id)).toBeUndefined();
  });

  it('after the store kept it, a receipt from someone else still changes nothing; the recipient’s does', async () => {
    const { messenger, wire, handle, fromDirect } = await device('alice');
    await messenger.send('bob', 'kept first');
    const { id } = wire.sent[0]!;
    await handle({ t: 'stored', id });
    expect((await outState(messenger, 'bob', id))?.state).toBe('sent');
    await handle({ t: 'delivered', by: 'carol', ids: [id] });
    expect((await outState(messenger, 'bob', id))?.state).toBe('sent');
    await fromDirect('bob', { t: 'ack', ids: [id] });
    expect((await outState(messenger, 'bob', id))?.state).toBe('delivered');
  });

  it('another tab’s queued message is not deleted from the stored outbox by someone else’s receipt', async () => {
    const { messenger, handle, fromDirect } = await device('alice');
    await world.db.put('outbox', { id: 'other-tab-1', kind: 'message', conv: 'dm:bob', to: 'bob', env: 'x', seq: 1 });
    await handle({ t: 'delivered', by: 'carol', ids: ['other-tab-1'] });
    expect(await world.db.get('outbox', 'other-tab-1')).toBeDefined();
  });
});

describe('an envelope that does not open is refused, not acknowledged', () => {
  it('on the relay: tampered or mismatched is refused, a duplicate is acknowledged again', async () => {
    const { messenger, wire, handle, fromDirect } = await device('bob');
    const good = sealedForBob('good-0001');
    const tampered = sealedForBob('bad-00001');
    const flipped = tampered.slice(0, 40) + (tampered[40] === 'A' ? 'B' : 'A') + tampered.slice(41);
    await handle({ t: 'deliver', from: 'alice', id: 'good-0001', env: good, ts: 1 });
    await handle({ t: 'deliver', from: 'alice', id: 'good-0001', env: good, ts: 1 }); // a duplicate
    await handle({ t: 'deliver', from: 'alice', id: 'bad-00001', env: flipped, ts: 1 });
    // Sealed under another id: not this message.
    await handle({ t: 'deliver', from: 'alice', id: 'moved-001', env: sealedForBob('other-001'), ts: 1 });
    // Sealed by alice, but the server says carol sent it.
    await handle({ t: 'deliver', from: 'carol', id: 'good-0002', env: sealedForBob('good-0002'), ts: 1 });
    await flushed();
    expect(answered(wire, 'ack', 'alice')).toEqual(['good-0001']);
    expect(answered(wire, 'refuse', 'alice')).toEqual(['bad-00001', 'moved-001']);
    expect(answered(wire, 'refuse', 'carol')).toEqual(['good-0002']);
    expect(answered(wire, 'ack', 'carol')).toEqual([]);
    expect((await messenger.conversation('dm:alice')).map((m) => m.text)).toEqual(['hello']);
  });

  it('on the direct channel: refused there, with a duplicate acknowledged', async () => {
    const { messenger, wire, handle, fromDirect } = await device('bob');
    const good = sealedForBob('direct-01');
    await fromDirect('alice', { t: 'env', id: 'direct-01', env: good });
    await fromDirect('alice', { t: 'env', id: 'direct-01', env: good });
    await fromDirect('alice', { t: 'env', id: 'direct-02', env: good.slice(0, -4) + 'AAAA' });
    await flushed();
    const direct = (t: 'ack' | 'refuse') => [...new Set(wire.direct.flatMap((d) => (d.t === t && d.peer === 'alice' ? d.ids : [])))];
    expect(direct('ack')).toEqual(['direct-01']);
    expect(direct('refuse')).toEqual(['direct-02']);
    expect(wire.frames).toEqual([]);
  });
});

describe('a refusal from the recipient', () => {
  it('shows the message failed (refused), drops it from the outbox and acknowledges the receipt; a later "stored" does not undo it', async () => {
    const { messenger, wire, handle, fromDirect } = await device('alice');
    await messenger.send('bob', 'thrown away there');
    await messenger.send('bob', 'thrown away on the channel');
    const [first, second] = wire.sent.map((x) => x.id);
    await handle({ t: 'refused', by: 'bob', ids: [first!] });
    await fromDirect('bob', { t: 'refuse', ids: [second!] });
    await handle({ t: 'stored', id: first! });
    for (const id of [first!, second!]) {
      expect(await outState(messenger, 'bob', id)).toMatchObject({ state: 'failed', error: 'refused' });
      expect(await world.db.get('outbox', id)).toBeUndefined();
      expect(await world.db.get('messages', ['dm:bob', 'out', id])).toMatchObject({ state: 'failed', error: 'refused' });
    }
    await flushed();
    expect(wire.frames).toContainEqual({ t: 'receipt_ack', by: 'bob', ids: [first!] });
  });
});

describe('a send the server could not keep', () => {
  it('shows failed with the code (queue_full, server_full) but stays in the outbox to go again', async () => {
    const { messenger, wire, handle, fromDirect } = await device('alice');
    await messenger.send('bob', 'one');
    await messenger.send('bob', 'two');
    const [first, second] = wire.sent.map((x) => x.id);
    await handle({ t: 'error', code: 'server_full', message: 'no room', ref: first! });
    await handle({ t: 'error', code: 'queue_full', message: 'full', ref: second! });
    expect(await outState(messenger, 'bob', first!)).toMatchObject({ state: 'failed', error: 'server_full' });
    expect(await outState(messenger, 'bob', second!)).toMatchObject({ state: 'failed', error: 'queue_full' });
    expect(await world.db.get('outbox', first!)).toBeDefined();
  });
});

describe('a held file offer', () => {
  const offer: FileOffer = { kind: 'file', fileId: 'ab'.repeat(16), name: 'later.bin', size: 10, type: '', sha256: '0'.repeat(64), key: 'k', stored: true };

  it('is shown at once but leaves only when released', async () => {
    const { messenger, wire, handle, fromDirect } = await device('alice');
    const held = await messenger.offers.holdFile('bob', offer);
    expect((await outState(messenger, 'bob', held.id))?.state).toBe('sending');
    expect(wire.sent).toEqual([]);
    expect(await world.db.get('outbox', held.id)).toBeUndefined();
    await held.release();
    expect(wire.sent.map((x) => x.id)).toEqual([held.id]);
    expect(await world.db.get('outbox', held.id)).toBeDefined();
  });

  it('fails with its reason when the file cannot be kept, and after a reload if its upload died with the page', async () => {
    const { messenger, handle, fromDirect } = await device('alice');
    const refused = await messenger.offers.holdFile('bob', offer);
    await refused.fail('file_not_stored');
    expect(await outState(messenger, 'bob', refused.id)).toMatchObject({ state: 'failed', error: 'file_not_stored' });

    const cut = await messenger.offers.holdFile('bob', { ...offer, fileId: 'cd'.repeat(16) });
    const { messenger: reloaded, wire } = await device('alice');
    await reloaded.offers.failFile('bob', 'cd'.repeat(16));
    expect((await outState(reloaded, 'bob', cut.id))?.state).toBe('failed');
    await vi.waitFor(async () => expect((await world.db.get('messages', ['dm:bob', 'out', cut.id]))?.state).toBe('failed'));
    expect(wire.sent).toEqual([]);
  });
});

/** An envelope sealed by alice for bob, with any body. */
function sealedBody(id: string, body: object, ts = Date.now()) {
  return world.seal('alice', 'bob', id, body, ts);
}

describe('outbox jobs', () => {
  it('a reaction and a delete are durable jobs of their kind, resent at login with the messages and dropped when answered', async () => {
    const { messenger, wire } = await device('alice');
    await messenger.send('bob', 'react to this');
    await messenger.send('bob', 'keep this');
    const [message, kept] = wire.sent.map((x) => x.id);
    await messenger.actions.react('dm:bob', message!, '🎉');
    await messenger.actions.deleteForEveryone('dm:bob', message!);
    const jobs = await world.db.getAllFromIndex('outbox', 'bySeq');
    // The deleted message, not answered yet, is not sent again after its delete.
    expect(jobs.map((j) => [j.kind, j.id === kept ? 'kept' : j.target])).toEqual([
      ['message', 'kept'],
      ['reaction', message],
      ['delete', message],
    ]);
    // A reload: a new Messenger reads the jobs back and sends each again at login, in order.
    const reloaded = await device('alice');
    await reloaded.handle({ t: 'welcome', contacts: [], incoming: [], outgoing: [], iceServers: [], offlineFileMaxBytes: 0 } as never);
    expect(reloaded.wire.sent.map((x) => x.id)).toEqual(jobs.map((j) => j.id));
    await reloaded.handle({ t: 'delivered', by: 'bob', ids: jobs.map((j) => j.id) });
    expect(await world.db.getAll('outbox')).toEqual([]);
    expect(await outState(reloaded.messenger, 'bob', message!)).toMatchObject({ deleted: true, text: '' });
    expect(await outState(reloaded.messenger, 'bob', kept!)).toMatchObject({ state: 'delivered', text: 'keep this' });
  });

  it('what waits longer than the resend interval goes again while online; what is answered does not', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'Date'] });
    try {
      const { messenger, wire, handle } = await device('alice');
      await messenger.send('bob', 'first');
      await messenger.send('bob', 'second');
      const [first, second] = wire.sent.map((x) => x.id);
      await handle({ t: 'delivered', by: 'bob', ids: [first!] });
      messenger.start();
      vi.setSystemTime(Date.now() + 11_000);
      vi.advanceTimersByTime(10_000);
      await vi.waitFor(() => expect(wire.sent.map((x) => x.id)).toEqual([first, second, second]));
      messenger.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('one may delete only one’s own message for everyone, and only within a day', async () => {
    const { messenger, handle } = await device('bob');
    await handle({ t: 'deliver', from: 'alice', id: 'theirs-01', env: sealedForBob('theirs-01'), ts: 1 });
    await messenger.actions.deleteForEveryone('dm:alice', 'theirs-01');
    expect((await messenger.conversation('dm:alice'))[0]).toMatchObject({ text: 'hello' });
    await messenger.send('alice', 'mine');
    const mine = (await messenger.conversation('dm:alice')).find((m) => m.dir === 'out')!;
    mine.ts -= 25 * 3600 * 1000;
    await expect(messenger.actions.deleteForEveryone('dm:alice', mine.id)).rejects.toThrow('delete_too_late');
  });
});

describe('receiving: de-duplication, modifiers, unknown kinds', () => {
  it('a message that comes on both paths, and again, is stored once and acknowledged on each path', async () => {
    const { messenger, wire, handle, fromDirect } = await device('bob');
    const env = sealedForBob('twice-001', 'only once');
    await handle({ t: 'deliver', from: 'alice', id: 'twice-001', env, ts: 1 });
    await fromDirect('alice', { t: 'env', id: 'twice-001', env });
    await handle({ t: 'deliver', from: 'alice', id: 'twice-001', env, ts: 1 });
    await flushed();
    expect((await messenger.conversation('dm:alice')).map((m) => m.text)).toEqual(['only once']);
    expect(answered(wire, 'ack', 'alice')).toEqual(['twice-001']);
    expect(wire.direct).toEqual([{ peer: 'alice', t: 'ack', ids: ['twice-001'] }]);
  });

  it('a reaction and a delete that arrive before their message wait for it (durably, across a reload) and apply when it comes', async () => {
    const first = await device('bob');
    await first.handle({ t: 'deliver', from: 'alice', id: 'react-001', env: sealedBody('react-001', { kind: 'reaction', target: 'late-0001', emoji: '👍' }), ts: 1 });
    await first.handle({ t: 'deliver', from: 'alice', id: 'delete-01', env: sealedBody('delete-01', { kind: 'delete', target: 'late-0002' }), ts: 1 });
    await flushed();
    expect(answered(first.wire, 'ack', 'alice')).toEqual(['react-001', 'delete-01']); // acknowledged: kept here, not refused
    expect((await world.db.getAll('pending')).map((p) => p.target)).toEqual(['late-0001', 'late-0002']);
    expect(await first.messenger.conversation('dm:alice')).toEqual([]);

    const reloaded = await device('bob');
    await reloaded.handle({ t: 'deliver', from: 'alice', id: 'late-0001', env: sealedForBob('late-0001', 'liked'), ts: 2 });
    await reloaded.fromDirect('alice', { t: 'env', id: 'late-0002', env: sealedForBob('late-0002', 'regretted') });
    const shown = await reloaded.messenger.conversation('dm:alice');
    expect(shown.find((m) => m.id === 'late-0001')).toMatchObject({ text: 'liked', reactions: { alice: { emoji: '👍' } } });
    expect(shown.find((m) => m.id === 'late-0002')).toMatchObject({ text: '', deleted: true });
    expect(await world.db.get('messages', ['dm:alice', 'in', 'late-0002'])).toMatchObject({ deleted: true });
    expect(await world.db.getAll('pending')).toEqual([]);
  });

  it('of two reactions by one author the later (by their clock) wins, whatever order they arrive in; a delete by someone else changes nothing', async () => {
    const { messenger, handle } = await device('bob');
    await messenger.send('alice', 'mine to react to');
    const mine = (await messenger.conversation('dm:alice'))[0]!;
    await handle({ t: 'deliver', from: 'alice', id: 'take-back', env: sealedBody('take-back', { kind: 'reaction', target: mine.id, emoji: '😮', remove: true }, 2000), ts: 1 });
    await handle({ t: 'deliver', from: 'alice', id: 'react-old', env: sealedBody('react-old', { kind: 'reaction', target: mine.id, emoji: '😮' }, 1000), ts: 1 });
    expect(mine.reactions).toEqual({ alice: { emoji: '', ts: 2000 } });
    await handle({ t: 'deliver', from: 'alice', id: 'not-yours', env: sealedBody('not-yours', { kind: 'delete', target: mine.id }), ts: 1 });
    expect(mine).toMatchObject({ text: 'mine to react to' });
    expect(mine.deleted).toBeUndefined();
  });

  it('a body of a kind this version does not know is shown as unsupported and acknowledged, not refused', async () => {
    const { messenger, wire, handle } = await device('bob');
    await handle({ t: 'deliver', from: 'alice', id: 'newer-001', env: sealedBody('newer-001', { kind: 'sticker', pack: 'cats' }), ts: 1 });
    await flushed();
    expect(answered(wire, 'ack', 'alice')).toEqual(['newer-001']);
    expect(answered(wire, 'refuse', 'alice')).toEqual([]);
    expect(await messenger.conversation('dm:alice')).toMatchObject([{ id: 'newer-001', unsupported: 'sticker', text: '' }]);
  });
});
