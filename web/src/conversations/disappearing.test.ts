// Disappearing messages on a real Messenger (fake IndexedDB, real sealing, real Links; a group's
// on a real server: groups/group-disappearing.test.ts): the
// setting is a sealed notice that sets the timer on both sides (the later by its sealed time
// wins); what is sent while it is on carries it in the sealed body and as the send's ttl, and is
// deleted from the sender that long after it was sent and from the recipient that long after it
// was read (its file too), also when that time passed while the page was closed, a page at a time.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits';
import { DisappearingMessages, lifetimeMs } from './disappearing';
import { EXPIRY_PAGE } from './expiry';
import { ArrivedEvent } from './messenger';
import { Receipts } from './receipts';
import { type Name, useTestWorld } from './test-device';

const w = useTestWorld();
const DAY = 86_400;
const sends = (frames: { t: string }[]) => frames.filter((f): f is { t: 'send'; to: string; id: string; env: string; ttl?: number } => f.t === 'send');

/** `me`'s device with disappearing messages wired as the app wires them, on a clock the test moves. */
async function device(me: Name) {
  const dev = await w.device(me);
  const clock = { now: Date.now() };
  const gone: string[] = [];
  dev.messenger.onFileGone = async (fileId, how) => void gone.push(`${how}:${fileId}`);
  const wire = async () => {
    const d = new DisappearingMessages({ db: w.db, messenger: dev.messenger, me: () => me, now: () => clock.now });
    dev.messenger.stamp = d.stamp;
    dev.messenger.addEventListener('arrived', (e) => d.arrived((e as ArrivedEvent).message));
    await d.load();
    return d;
  };
  const disappearing = await wire();
  const receipts = new Receipts({ db: w.db, sendJob: async () => undefined, sendReceipts: () => false, read: disappearing.read });
  return { ...dev, disappearing, receipts, clock, gone, wire };
}

const deliver = (dev: Awaited<ReturnType<typeof device>>, id: string, body: object, ts = Date.now()) =>
  dev.handle({ t: 'deliver', from: 'alice', id, env: w.seal('alice', 'bob', id, body, ts), ts: 1 });

describe('disappearing messages', () => {
  it('sets the timer with a sealed notice; what is sent then carries it (body and ttl) and goes from the sender a timer after it was sent', async () => {
    const alice = await device('alice');
    await alice.disappearing.set('dm:bob', DAY);
    expect(alice.disappearing.timerOf('dm:bob')).toBe(DAY);
    const [notice] = sends(alice.frames);
    expect(await w.open('alice', 'bob', notice!.id, notice!.env)).toEqual({ kind: 'disappearing', seconds: DAY });
    expect(notice!.ttl).toBeUndefined();

    await alice.messenger.send('bob', 'for a day');
    const sent = sends(alice.frames)[1]!;
    expect(await w.open('alice', 'bob', sent.id, sent.env)).toEqual({ kind: 'text', text: 'for a day', expiresIn: DAY });
    expect(sent.ttl).toBe(DAY);
    const message = (await alice.messenger.conversation('dm:bob')).find((m) => m.id === sent.id)!;
    expect(message).toMatchObject({ expiresIn: DAY, expiresAt: message.ts + DAY * 1000 });
    expect(await w.db.get('outbox', sent.id)).toMatchObject({ ttl: DAY });

    alice.clock.now = message.ts + DAY * 1000 - 1;
    await alice.disappearing.expiry.sweep();
    expect((await alice.messenger.conversation('dm:bob')).map((m) => m.id)).toContain(sent.id);
    alice.clock.now = message.ts + DAY * 1000;
    await alice.disappearing.expiry.sweep();
    expect((await alice.messenger.conversation('dm:bob')).map((m) => m.disappearing ?? m.text)).toEqual([DAY]);
    expect(await w.db.get('messages', ['dm:bob', 'out', sent.id])).toBeUndefined();
    expect(await w.db.count('expiring')).toBe(0);

    // Off: nothing sent after carries a timer.
    await alice.disappearing.set('dm:bob', 0);
    await alice.messenger.send('bob', 'stays');
    const last = sends(alice.frames).at(-1)!;
    expect(await w.open('alice', 'bob', last.id, last.env)).toEqual({ kind: 'text', text: 'stays' });
    expect(last.ttl).toBeUndefined();
    alice.disappearing.stop();
  });

  it('a received notice sets the timer; a received message goes a timer after it is read, not before, its file too, and stays gone', async () => {
    const bob = await device('bob');
    await deliver(bob, 'notice-001', { kind: 'disappearing', seconds: 3600 });
    expect(bob.disappearing.timerOf('dm:alice')).toBe(3600);
    // Bob's replies now carry it.
    await bob.messenger.send('alice', 'ok');
    expect(sends(bob.frames)[0]!.ttl).toBe(3600);

    await deliver(bob, 'brief-0001', { kind: 'text', text: 'read me', expiresIn: 3600 });
    const fileId = 'ab'.repeat(16);
    const offer = { kind: 'file', fileId, name: 'a.txt', size: 3, type: 'text/plain', sha256: 'cd'.repeat(32), key: 'A'.repeat(43), expiresIn: 3600 };
    await deliver(bob, 'brief-0002', offer);
    const [text, file] = (await bob.messenger.conversation('dm:alice')).filter((m) => m.dir === 'in' && m.expiresIn);
    expect(text).toMatchObject({ id: 'brief-0001', expiresIn: 3600 });
    expect(text!.expiresAt).toBeUndefined();
    // Unread, it stays however long it waits.
    bob.clock.now += 10 * 3600 * 1000;
    await bob.disappearing.expiry.sweep();
    expect(await w.db.get('messages', ['dm:alice', 'in', 'brief-0001'])).toBeDefined();

    const readAt = bob.clock.now;
    await bob.receipts.seen([text!, file!]);
    // Marked read and kept in `expiring` in one write.
    expect(await w.db.get('messages', ['dm:alice', 'in', 'brief-0001'])).toMatchObject({ state: 'read', expiresAt: readAt + 3600 * 1000 });
    expect(await w.db.get('expiring', ['dm:alice', 'in', 'brief-0001'])).toEqual({ conv: 'dm:alice', dir: 'in', id: 'brief-0001', at: readAt + 3600 * 1000 });
    bob.clock.now = readAt + 3600 * 1000;
    await bob.disappearing.expiry.sweep();
    const left = await bob.messenger.conversation('dm:alice');
    expect(left.map((m) => m.id)).not.toContain('brief-0001');
    expect(left.map((m) => m.id)).not.toContain('brief-0002');
    expect(bob.gone).toEqual([`for_me:${fileId}`]);
    // A copy that comes again (the sender's resend) stays deleted.
    await deliver(bob, 'brief-0001', { kind: 'text', text: 'read me', expiresIn: 3600 });
    expect((await bob.messenger.conversation('dm:alice')).map((m) => m.id)).not.toContain('brief-0001');
    bob.disappearing.stop();
  });

  it('of two settings made at once the later by its sealed time wins, whichever arrives first; the setting survives a reload', async () => {
    const bob = await device('bob');
    await bob.disappearing.set('dm:alice', DAY);
    const mine = (await bob.messenger.conversation('dm:alice'))[0]!;
    // Alice's, sealed before bob's: shown, but bob's holds.
    await deliver(bob, 'notice-001', { kind: 'disappearing', seconds: 3600 }, mine.ts - 1);
    expect(bob.disappearing.timerOf('dm:alice')).toBe(DAY);
    expect((await bob.messenger.conversation('dm:alice')).map((m) => m.disappearing)).toEqual([DAY, 3600]);
    // Alice's, sealed after: it wins.
    await deliver(bob, 'notice-002', { kind: 'disappearing', seconds: 604_800 }, mine.ts + 1);
    expect(bob.disappearing.timerOf('dm:alice')).toBe(604_800);
    const again = await bob.wire();
    expect(again.timerOf('dm:alice')).toBe(604_800);
    // Not a timer the choice offers: refused unopened (the sender's fault).
    await deliver(bob, 'notice-003', { kind: 'disappearing', seconds: 5 }, mine.ts + 2);
    expect((await bob.messenger.conversation('dm:alice')).map((m) => m.id)).not.toContain('notice-003');
    expect(again.timerOf('dm:alice')).toBe(604_800);
  });

  it('deletes at the next start what went due while the page was closed, a page at a time', async () => {
    const bob = await device('bob');
    const n = EXPIRY_PAGE * 2 + 7;
    for (let i = 0; i < n; i++) await deliver(bob, `gone-${String(i).padStart(4, '0')}`, { kind: 'text', text: `m${i}`, expiresIn: 3600 });
    await deliver(bob, 'kept-0001', { kind: 'text', text: 'not read yet', expiresIn: 3600 });
    const all = await bob.messenger.conversation('dm:alice');
    await bob.receipts.seen(all.filter((m) => m.id.startsWith('gone-')));
    expect(await w.db.count('expiring')).toBe(n);
    bob.disappearing.stop();

    // The page closed; it opens a day later.
    bob.clock.now += DAY * 1000;
    const reopened = await bob.wire();
    await reopened.start();
    expect((await bob.messenger.conversation('dm:alice')).map((m) => m.id)).toEqual(['kept-0001']);
    expect(await w.db.count('expiring')).toBe(0);
    reopened.stop();
  });

  it('starts the clock of a group’s message on reading, with the timer it claims, as a 1:1 one’s', async () => {
    const bob = await device('bob');
    const groupMessage = { conv: 'grp:g', peer: 'alice', dir: 'in', id: 'grp-00001', seq: 1, ts: 1, text: 'hi', state: 'delivered', expiresIn: 3600 } as const;
    expect(bob.disappearing.read([{ ...groupMessage }])).toEqual([{ conv: 'grp:g', dir: 'in', id: 'grp-00001', at: bob.clock.now + 3600 * 1000 }]);
    expect(bob.disappearing.read([{ ...groupMessage, expiresIn: undefined }])).toEqual([]);
    // A group's timer is set through the group service only (none wired here).
    await expect(bob.disappearing.set('grp:g', DAY)).rejects.toThrow();
    bob.disappearing.stop();
  });

  it('bounds the timer a body may carry, and the test switch only ever shortens it', () => {
    expect(LIMITS.maxSendTtlSeconds).toBe(14 * 24 * 3600);
    expect(lifetimeMs(DAY, 1)).toBe(DAY * 1000);
    expect(lifetimeMs(DAY, 0.0001)).toBe(8640);
    expect(lifetimeMs(DAY)).toBe(DAY * 1000); // no switch here (no localStorage)
  });
});
