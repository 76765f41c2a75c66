// Broadcast lists over the real Messenger (fake IndexedDB, real sealing, real Links on a fake
// server): one message becomes one ordinary 1:1 envelope per recipient, sealed for each, that
// names neither the list nor the other recipients; the sender's 1:1 chats keep the copies and the
// list's entry reads each copy's state from there; a recipient who is no longer a contact (or is
// blocked) gets no copy and the entry says why; lists persist and are bounded; deleting a list
// leaves the 1:1 copies; a long message to 256 recipients is paced under the server's rates.
import { describe, expect, it } from 'vitest';
import type { ClientFrame } from '../../../shared/protocol';
import { ParleyError } from '../net/parley-error';
import type { StoredMessage } from '../storage/db';
import { BROADCAST_LIMITS } from './broadcast-limits';
import { copyViews, tally } from './broadcast-tally';
import { type BroadcastDeps, Broadcasts } from './broadcasts';
import { dmId } from './conversation-id';
import { useTestWorld } from './test-device';

const world = useTestWorld();

/** Alice's Messenger and her broadcast lists; `contacts` and `blocked` are what the lists see of her contacts. */
async function alice(contacts = new Set(['bob', 'carol'])) {
  const device = await world.device('alice');
  const blocked = new Set<string>();
  const deps: BroadcastDeps = {
    db: world.db,
    contacts: { get: (u: string) => (contacts.has(u) ? ({ username: u } as never) : undefined), isBlocked: (u: string) => blocked.has(u) },
    sendText: (peer, text) => device.messenger.send(peer, text),
    sendFile: async () => undefined,
    history: device.messenger.history,
  };
  const broadcasts = new Broadcasts(deps);
  await broadcasts.load();
  return { ...device, broadcasts, deps, contacts, blocked };
}

const sends = (frames: ClientFrame[]) => frames.flatMap((f) => (f.t === 'send' ? [f] : []));

describe('broadcast lists', () => {
  it('sends one message as a separate 1:1 envelope to each recipient, sealed for each and naming no one else', async () => {
    const { broadcasts, frames, messenger } = await alice();
    const list = await broadcasts.create('Hikers', ['bob', 'carol']);
    const entry = await broadcasts.sendText(list.id, '  Saturday at nine  ');

    const sent = sends(frames);
    expect(sent.map((f) => f.to).sort()).toEqual(['bob', 'carol']);
    expect(new Set(sent.map((f) => f.id)).size).toBe(2);
    for (const f of sent) {
      const body = await world.open('alice', f.to as 'bob' | 'carol', f.id, f.env);
      expect(body).toEqual({ kind: 'text', text: 'Saturday at nine' });
      // Not sealed for anyone else: carol's copy does not open for bob.
      const other = f.to === 'bob' ? 'carol' : 'bob';
      expect(await world.open('alice', other, f.id, f.env)).toBeUndefined();
      expect(JSON.stringify(f)).not.toContain('Hikers');
    }
    // The sender's 1:1 chats hold the copies, and the entry names them.
    for (const peer of ['bob', 'carol']) {
      const [copy] = await messenger.conversation(dmId(peer));
      expect(copy).toMatchObject({ dir: 'out', text: 'Saturday at nine', peer });
      expect(entry!.copies.find((c) => c.peer === peer)?.id).toBe(copy!.id);
    }
    expect(await broadcasts.sends(list.id)).toEqual([entry]);
    expect(broadcasts.get(list.id)?.last).toMatchObject({ text: 'Saturday at nine', dir: 'out' });
  });

  it("reads each copy's state from its 1:1 message: delivered to one of two, then read", async () => {
    const { broadcasts, frames, handle, messenger } = await alice();
    const list = await broadcasts.create('Hikers', ['bob', 'carol']);
    const entry = (await broadcasts.sendText(list.id, 'hi'))!;
    const toBob = sends(frames).find((f) => f.to === 'bob')!;
    await handle({ t: 'delivered', by: 'bob', ids: [toBob.id] });
    let views = await copyViews(entry, messenger.history, false);
    expect(tally(views)).toEqual({ total: 2, delivered: 1, read: 0, failed: 0 });
    const toCarol = sends(frames).find((f) => f.to === 'carol')!;
    await handle({ t: 'delivered', by: 'carol', ids: [toCarol.id] });
    views = await copyViews(entry, messenger.history, false);
    expect(tally(views).delivered).toBe(2);
    expect(views.map((v) => v.state)).toEqual(['delivered', 'delivered']);
  });

  it('gives no copy to a recipient who is no longer a contact or is blocked, and says why', async () => {
    const { broadcasts, frames, contacts, blocked, messenger } = await alice();
    const list = await broadcasts.create('Hikers', ['bob', 'carol']);
    contacts.delete('carol');
    let entry = (await broadcasts.sendText(list.id, 'one'))!;
    expect(sends(frames).map((f) => f.to)).toEqual(['bob']);
    expect(entry.copies.find((c) => c.peer === 'carol')).toEqual({ peer: 'carol', error: 'not_contact' });
    const views = await copyViews(entry, messenger.history, false);
    expect(tally(views)).toMatchObject({ total: 2, failed: 1 });
    expect(views.find((v) => v.peer === 'carol')).toEqual({ peer: 'carol', state: 'failed', error: 'not_contact' });
    expect(await messenger.conversation(dmId('carol'))).toEqual([]);

    contacts.add('carol');
    blocked.add('bob');
    entry = (await broadcasts.sendText(list.id, 'two'))!;
    expect(entry.copies.find((c) => c.peer === 'bob')).toEqual({ peer: 'bob', error: 'blocked' });
    expect(sends(frames).map((f) => f.to)).toEqual(['bob', 'carol']);
  });

  it('keeps lists across a reload, edits and deletes them; the 1:1 copies stay', async () => {
    const first = await alice();
    const list = await first.broadcasts.create('Hikers', ['bob']);
    await first.broadcasts.update(list.id, ' Climbers ', ['bob', 'carol', 'bob']);
    await first.broadcasts.sendText(list.id, 'hello');

    const again = new Broadcasts(first.deps);
    await again.load();
    expect(again.get(list.id)).toMatchObject({ name: 'Climbers', recipients: ['bob', 'carol'] });
    expect(await again.sends(list.id)).toHaveLength(1);

    await again.remove(list.id);
    expect(again.list()).toEqual([]);
    expect(await world.db.getAll('broadcastSends')).toEqual([]);
    expect(await first.messenger.conversation(dmId('bob'))).toHaveLength(1);
    expect(await first.messenger.conversation(dmId('carol'))).toHaveLength(1);
  });

  it('refuses non-contacts, an empty or oversized list, and more lists than the bound', async () => {
    const { broadcasts } = await alice();
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof ParleyError ? e.code : String(e)));
    expect(await code(broadcasts.create('x', ['bob', 'mallory']))).toBe('not_contact');
    expect(await code(broadcasts.create('x', []))).toBe('broadcast_limit');
    const many = Array.from({ length: BROADCAST_LIMITS.maxRecipients + 1 }, (_, i) => `u${i}`);
    expect(await code(broadcasts.create('x', many))).toBe('broadcast_limit');
    for (let i = 0; i < BROADCAST_LIMITS.maxLists; i++) await broadcasts.create(`list ${i}`, ['bob']);
    expect(await code(broadcasts.create('one too many', ['bob']))).toBe('broadcast_limit');
    expect(broadcasts.list()).toHaveLength(BROADCAST_LIMITS.maxLists);
  });

  it('paces a long message to 256 recipients under the per-second budgets', async () => {
    const { deps } = await alice();
    const peers = Array.from({ length: BROADCAST_LIMITS.maxRecipients }, (_, i) => `u${String(i).padStart(3, '0')}`);
    // Each second's copies, as the server would count them: the fake sleep starts a new second.
    const seconds: number[][] = [[]];
    const broadcasts = new Broadcasts({
      ...deps,
      contacts: { get: () => ({}) as never, isBlocked: () => false },
      sendText: async (peer, text) => {
        seconds.at(-1)!.push(text.length * 4 + 512);
        return { id: `copy-${peer}` } as StoredMessage;
      },
      sleep: async () => void seconds.push([]),
    });
    const list = await broadcasts.create('Everyone', peers);
    const entry = await broadcasts.sendText(list.id, '字'.repeat(8000));
    expect(entry!.copies.every((c) => c.id === `copy-${c.peer}`)).toBe(true);
    expect(seconds.flat()).toHaveLength(256);
    expect(seconds.length).toBeGreaterThan(1);
    for (const s of seconds) {
      expect(s.length).toBeLessThanOrEqual(BROADCAST_LIMITS.copiesPerSecond);
      expect(s.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(BROADCAST_LIMITS.envelopeCharsPerSecond);
    }
  });
});
