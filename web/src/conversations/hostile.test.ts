// What a hostile contact can send, on a real Messenger (fake IndexedDB, real sealing, real Links):
// the hardening of the 2026-12-02 review. A date no clock can hold does not open, and one far in
// the future shows the arrival time instead. A contact cannot take one of this device's message
// ids, and the actions act on the copy the user chose.
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS } from './clock';
import type { StoredMessage } from '../storage/db';
import { useTestWorld } from './test-device';

const w = useTestWorld();
/** Lets the batched answers (one turn of the event loop) go out. */
const flushed = () => new Promise((resolve) => setTimeout(resolve, 5));
/** The ids `device` answered with frame `t` for sender `from`. */
const sends = (frames: Array<{ t: string }>) => frames.filter((f): f is { t: 'send'; to: string; id: string; env: string } => f.t === 'send');
const answered = (frames: Array<{ t: string }>, t: 'ack' | 'refuse', from: string) =>
  frames.flatMap((f) => (f.t === t && (f as { from?: string }).from === from ? (f as unknown as { ids: string[] }).ids : []));

describe('the sender’s clock (review H2)', () => {
  it('refuses a ts no Date can hold, and shows the arrival time for one far ahead', async () => {
    const bob = await w.device('bob');
    const text = { kind: 'text', text: 'from the future' };
    await bob.handle({ t: 'deliver', from: 'alice', id: 'time-0001', env: w.seal('alice', 'bob', 'time-0001', text, 1e20), ts: 1 });
    const before = Date.now();
    const ahead = before + 365 * 24 * 3600_000;
    await bob.handle({ t: 'deliver', from: 'alice', id: 'time-0002', env: w.seal('alice', 'bob', 'time-0002', text, ahead), ts: 1 });
    const skewed = before + CLOCK_SKEW_MS / 2;
    await bob.handle({ t: 'deliver', from: 'alice', id: 'time-0003', env: w.seal('alice', 'bob', 'time-0003', text, skewed), ts: 1 });
    await bob.handle({ t: 'deliver', from: 'alice', id: 'time-0004', env: w.seal('alice', 'bob', 'time-0004', text, 1000), ts: 1 });
    await flushed();
    expect(answered(bob.frames, 'refuse', 'alice')).toEqual(['time-0001']);
    const shown = await bob.messenger.conversation('dm:alice');
    expect(shown.map((m) => m.id)).toEqual(['time-0002', 'time-0003', 'time-0004']);
    expect(shown[0]!.ts).toBeGreaterThanOrEqual(before);
    expect(shown[0]!.ts).toBeLessThanOrEqual(Date.now());
    expect(shown[1]!.ts).toBe(skewed); // an ordinary clock difference is shown as sent
    expect(shown[2]!.ts).toBe(1000); // late is shown as sent: a queued message arrives late
    expect(() => new Date(shown[0]!.ts).toISOString()).not.toThrow();
  });
});

describe('a contact reusing one of this device’s message ids (review M1)', () => {
  it('is acknowledged but not stored, and edit and delete for everyone still act on one’s own message', async () => {
    const bob = await w.device('bob');
    await bob.messenger.send('alice', 'mine');
    const mine = (await bob.messenger.conversation('dm:alice'))[0]!;
    const taken = w.seal('alice', 'bob', mine.id, { kind: 'text', text: 'now it is mine' });
    await bob.handle({ t: 'deliver', from: 'alice', id: mine.id, env: taken, ts: 1 });
    await flushed();
    expect(answered(bob.frames, 'ack', 'alice')).toEqual([mine.id]); // the sender may forget it
    expect(await w.db.get('messages', ['dm:alice', 'in', mine.id])).toBeUndefined();
    expect((await bob.messenger.conversation('dm:alice')).map((m) => [m.dir, m.text])).toEqual([['out', 'mine']]);
    await bob.messenger.actions.edit('dm:alice', mine.id, 'mine, edited');
    const [, edit] = sends(bob.frames);
    expect(await w.open('bob', 'alice', edit!.id, edit!.env)).toEqual({ kind: 'edit', target: mine.id, text: 'mine, edited' });
  });

  it('with a colliding copy already stored, reactions, edits and deletes act on the direction given', async () => {
    const bob = await w.device('bob');
    await bob.messenger.send('alice', 'mine');
    const mine = (await bob.messenger.conversation('dm:alice'))[0]!;
    // What a contact could leave before the receive check existed: their message under bob's id.
    const theirs: StoredMessage = { ...mine, dir: 'in', seq: mine.seq + 1, text: 'theirs', state: 'delivered' };
    await w.db.put('messages', theirs);
    await bob.messenger.actions.react('dm:alice', mine.id, '👍', false, 'out');
    await bob.messenger.actions.deleteForEveryone('dm:alice', mine.id);
    const [outCopy, inCopy] = [await w.db.get('messages', ['dm:alice', 'out', mine.id]), await w.db.get('messages', ['dm:alice', 'in', mine.id])];
    expect(outCopy).toMatchObject({ deleted: true, text: '' });
    expect(inCopy).toMatchObject({ text: 'theirs' });
    expect(inCopy!.reactions).toBeUndefined();
    const bodies = await Promise.all(sends(bob.frames).slice(1).map((f) => w.open('bob', 'alice', f.id, f.env)));
    expect(bodies).toEqual([{ kind: 'reaction', target: mine.id, emoji: '👍' }, { kind: 'delete', target: mine.id }]);
  });

  it('on receive looks for an edit’s or a delete’s target only among the contact’s own messages', async () => {
    const bob = await w.device('bob');
    await bob.messenger.send('alice', 'mine');
    const mine = (await bob.messenger.conversation('dm:alice'))[0]!;
    const edit = w.seal('alice', 'bob', 'edit-0001', { kind: 'edit', target: mine.id, text: 'words in my mouth' });
    await bob.handle({ t: 'deliver', from: 'alice', id: 'edit-0001', env: edit, ts: 1 });
    expect(mine).toMatchObject({ text: 'mine' });
    // It waits for a message of alice's with that id, which can never come (the receive check above).
    expect((await w.db.getAll('pending')).map((p) => p.target)).toEqual([mine.id]);
  });
});

describe('delete for everyone on receive (review L1)', () => {
  it('deletes within a day of the message by the sender’s clock, and not later, whether it comes before or after it', async () => {
    const bob = await w.device('bob');
    const hour = 3600_000;
    const sent = Date.now() - 30 * hour;
    const deliver = (id: string, body: object, ts: number) => bob.handle({ t: 'deliver', from: 'alice', id, env: w.seal('alice', 'bob', id, body, ts), ts: 1 });
    await deliver('late-del-1', { kind: 'text', text: 'stays' }, sent);
    await deliver('late-del-2', { kind: 'text', text: 'goes' }, sent);
    await deliver('del-00001', { kind: 'delete', target: 'late-del-1' }, sent + 25 * hour);
    await deliver('del-00002', { kind: 'delete', target: 'late-del-2' }, sent + 23 * hour);
    // A delete that waits for its message is held to the same day.
    await deliver('del-00003', { kind: 'delete', target: 'late-del-3' }, sent + 25 * hour);
    await deliver('late-del-3', { kind: 'text', text: 'stays too' }, sent);
    const shown = await bob.messenger.conversation('dm:alice');
    expect(shown.map((m) => [m.id, m.text, m.deleted ?? false])).toEqual([
      ['late-del-1', 'stays', false],
      ['late-del-2', '', true],
      ['late-del-3', 'stays too', false],
    ]);
  });
});
